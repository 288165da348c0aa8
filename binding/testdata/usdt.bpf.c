// SPDX-License-Identifier: GPL-2.0
// Counters for the USDT probe lbg:target of testdata/uprobe/target, which
// passes x and x + 2^32: hits, the sums of both arguments read with
// bpf_usdt_arg, the USDT cookie and argument count seen last, and the same
// from an auto-attached BPF_USDT program.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

enum slot {
	SLOT_HITS,
	SLOT_ARG0, // sum of the first arguments
	SLOT_ARG1, // sum of the second arguments
	SLOT_COOKIE, // the USDT cookie seen last
	SLOT_ARGC, // the argument count seen last
	SLOT_AUTO, // hits of the auto-attached program
	SLOT_AUTO_ARGS, // its sum of x + (y >> 32), read through BPF_USDT
	SLOTS,
};

#include "counts.h"

// set stores v in slot.
static __always_inline void set(__u32 slot, __u64 v)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		*value = v;
}

// add adds v to the counter in slot.
static __always_inline void add(__u32 slot, __u64 v)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		__sync_fetch_and_add(value, v);
}

SEC("usdt")
int count_usdt(struct pt_regs *ctx)
{
	long arg;

	bump(SLOT_HITS);
	if (bpf_usdt_arg(ctx, 0, &arg) == 0)
		add(SLOT_ARG0, arg);
	if (bpf_usdt_arg(ctx, 1, &arg) == 0)
		add(SLOT_ARG1, arg);
	set(SLOT_COOKIE, bpf_usdt_cookie(ctx));
	set(SLOT_ARGC, bpf_usdt_arg_cnt(ctx));
	return 0;
}

// Attached by Object.AttachAll: the path is relative to the test's working
// directory (binding/ on the host, /test in the guests of test-kernels).
SEC("usdt/testdata/uprobe/target:lbg:target")
int BPF_USDT(count_usdt_auto, int x, long y)
{
	bump(SLOT_AUTO);
	add(SLOT_AUTO_ARGS, x + (y >> 32));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
