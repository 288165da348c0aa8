// SPDX-License-Identifier: GPL-2.0
// Counts the calls of whatever kernel function the test attaches it to,
// made by one process, and records the BPF cookie of the attachment: one
// kprobe program serves kprobes, kretprobes and ksyscall probes, as the
// explicit attach calls choose. kprobe_multi_cookie.bpf.c does the same
// for kprobe_multi links, which older kernels cannot load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: calls counted; slot 1: the cookie seen last.
#define SLOTS 2
#include "counts.h"

SEC("kprobe")
int count_probe(struct pt_regs *ctx)
{
	__u32 slot = 1;
	__u64 *cookie;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bump(0);
	cookie = bpf_map_lookup_elem(&counts, &slot);
	if (cookie)
		*cookie = bpf_get_attach_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
