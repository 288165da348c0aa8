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

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *value;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return;
	value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_tp(void *ctx)
{
	bump(0);
	return 0;
}

// Every system call enters here; only getpid (39 on x86-64) counts.
SEC("raw_tp/sys_enter")
int count_raw(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == 39)
		bump(1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_off(void *ctx)
{
	bump(2);
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
	bump(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
