// SPDX-License-Identifier: GPL-2.0
// Counts the calls of whatever kernel functions the test attaches it to
// through a kprobe_multi link (kernel 5.18), made by one process, and
// records the BPF cookie of the function called last.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: calls counted; slot 1: the cookie seen last.
#define SLOTS 2
#include "counts.h"

SEC("kprobe.multi")
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
