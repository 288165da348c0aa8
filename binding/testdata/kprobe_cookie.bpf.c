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
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("kprobe")
int count_probe(struct pt_regs *ctx)
{
	__u32 slot = 0;
	__u64 *value;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
	slot = 1;
	value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		*value = bpf_get_attach_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
