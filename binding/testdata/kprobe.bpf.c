// SPDX-License-Identifier: GPL-2.0
// Counts getpid() calls of one process from kprobe-based programs, one
// attached at a time: a kprobe, a kretprobe and a ksyscall program
// (kprobe_multi.bpf.c has the kprobe_multi one, which older kernels cannot
// load). The counts map matches counter.bpf.c's, so that the Disconnect
// tests can read it through a pinned map with counter.bpf.o.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose getpid() calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: calls counted; slot 1: the last value a return probe saw.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void store(__u32 slot, __u64 v, int add)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (!value)
		return;
	if (add)
		__sync_fetch_and_add(value, v);
	else
		*value = v;
}

SEC("kprobe/__x64_sys_getpid")
int BPF_KPROBE(count_kprobe)
{
	if (is_target())
		store(0, 1, 1);
	return 0;
}

SEC("kretprobe/__x64_sys_getpid")
int BPF_KRETPROBE(count_kretprobe, long ret)
{
	if (is_target()) {
		store(0, 1, 1);
		store(1, ret, 0);
	}
	return 0;
}

// getpid has no arguments, so BPF_KSYSCALL's argument decoding is not needed.
SEC("ksyscall/getpid")
int count_ksyscall(struct pt_regs *ctx)
{
	if (is_target())
		store(0, 1, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
