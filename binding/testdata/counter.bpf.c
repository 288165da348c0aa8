// SPDX-License-Identifier: GPL-2.0
// Counts getpid() calls of one process, from a tracepoint and from a raw
// tracepoint, so that tests can tell whether a link is still attached.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Process (tgid) whose getpid() calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: count_tp and count_raw; slot 1: count_raw_alt.
#define SLOTS 2
#include "counts.h"

// count_own bumps slot for calls of the target process only.
static __always_inline void count_own(__u32 slot)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		bump(slot);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_tp(void *ctx)
{
	count_own(0);
	return 0;
}

// 39 is getpid on x86_64; args[1] of sys_enter is the syscall number.
SEC("raw_tracepoint/sys_enter")
int count_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 39)
		count_own(0);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_raw_alt(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 39)
		count_own(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
