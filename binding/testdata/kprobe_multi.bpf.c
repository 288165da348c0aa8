// SPDX-License-Identifier: GPL-2.0
// Counts getpid() calls of one process from a kprobe_multi program (kernel
// 5.18). The counts map matches counter.bpf.c's, so that the Disconnect
// tests can read it through a pinned map with counter.bpf.o.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose getpid() calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: calls counted; slot 1 unused.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("kprobe.multi/__x64_sys_getpid")
int BPF_KPROBE(count_kprobe_multi)
{
	__u32 slot = 0;
	__u64 *value;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
