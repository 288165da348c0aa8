// SPDX-License-Identifier: GPL-2.0
// Counters for uprobe_multi links (kernel 6.6) on the functions of
// testdata/uprobe/target: calls per BPF cookie, the sum of the first
// arguments at entry and of the return values at return, and the runs of
// a session program (kernel 6.13), which sees both entry and return.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

enum slot {
	// Slots 0 to 3 count the calls whose link cookie is that number (0:
	// no cookie).
	SLOT_COOKIES = 4,
	SLOT_ARGS = SLOT_COOKIES, // sum of the first arguments at entry
	SLOT_RETS,                // sum of the return values
	SLOT_SESSION,             // runs of count_session
	SLOTS,
};

#include "counts.h"

// add adds v to the counter in slot.
static __always_inline void add(__u32 slot, __u64 v)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		__sync_fetch_and_add(value, v);
}

// bump_cookie counts a call under its link cookie.
static __always_inline void bump_cookie(void *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx);

	if (cookie < SLOT_COOKIES)
		bump(cookie);
}

SEC("uprobe.multi")
int count_multi(struct pt_regs *ctx)
{
	bump_cookie(ctx);
	add(SLOT_ARGS, (int)PT_REGS_PARM1(ctx));
	return 0;
}

SEC("uretprobe.multi")
int count_multi_ret(struct pt_regs *ctx)
{
	bump_cookie(ctx);
	add(SLOT_RETS, (int)PT_REGS_RC(ctx));
	return 0;
}

// Returning 0 at entry asks for the return probe of the same call too.
SEC("uprobe.session")
int count_session(struct pt_regs *ctx)
{
	bump(SLOT_SESSION);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
