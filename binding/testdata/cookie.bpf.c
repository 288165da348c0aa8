// SPDX-License-Identifier: GPL-2.0
// A tracepoint and a raw tracepoint program that record the BPF cookie of
// their attachment, for getpid() calls of one process.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: tracepoint runs; 1: its last cookie; 2: raw tracepoint runs;
// 3: its last cookie.
#define SLOTS 4
#include "counts.h"

static __always_inline void record(__u32 slot, __u64 cookie)
{
	__u32 cookie_slot = slot + 1;
	__u64 *value;

	bump(slot);
	value = bpf_map_lookup_elem(&counts, &cookie_slot);
	if (value)
		*value = cookie;
}

SEC("tracepoint")
int tp_cookie(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		record(0, bpf_get_attach_cookie(ctx));
	return 0;
}

// 39 is getpid on x86_64; args[1] of sys_enter is the syscall number.
SEC("raw_tp")
int raw_cookie(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 39 && (bpf_get_current_pid_tgid() >> 32) == target_tgid)
		record(2, bpf_get_attach_cookie(ctx));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
