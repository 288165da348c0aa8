// SPDX-License-Identifier: GPL-2.0
// Programs for Object.AttachAll: each counts the getpid() calls of one
// process in its own slot. count_tp and count_raw auto-attach where their
// sections say; count_off could too but the test turns its autoattach off;
// count_xdp has no target to auto-attach to; count_bad names a tracepoint
// that does not exist, so attaching it fails (the test turns its
// autoattach off except to check that failure).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

#define SLOTS 4
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

// Every system call enters here; only getpid (39 on x86-64) counts.
SEC("raw_tp/sys_enter")
int count_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 39)
		count_own(1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_off(void *ctx)
{
	count_own(2);
	return 0;
}

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tracepoint/syscalls/lbg_no_such_tracepoint")
int count_bad(void *ctx)
{
	count_own(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
