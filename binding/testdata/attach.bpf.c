// SPDX-License-Identifier: GPL-2.0
// Counters for the explicit attach APIs: each program bumps its own slot,
// so that a test sees exactly the hook it attached run.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

enum slot {
	SLOT_UPROBE,
	SLOT_URETPROBE,
	SLOT_PERF_EVENT,
	SLOT_XDP,
	SLOT_SOCK_CREATE,
	SLOT_SK_LOOKUP,
	SLOT_COOKIE, // the BPF cookie the uprobe saw last
	SLOTS,
};

#include "counts.h"

SEC("uprobe")
int count_uprobe(struct pt_regs *ctx)
{
	__u32 slot = SLOT_COOKIE;
	__u64 *cookie = bpf_map_lookup_elem(&counts, &slot);

	if (cookie)
		*cookie = bpf_get_attach_cookie(ctx);
	bump(SLOT_UPROBE);
	return 0;
}

SEC("uretprobe")
int count_uretprobe(struct pt_regs *ctx)
{
	bump(SLOT_URETPROBE);
	return 0;
}

SEC("perf_event")
int count_perf_event(struct bpf_perf_event_data *ctx)
{
	bump(SLOT_PERF_EVENT);
	return 0;
}

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	bump(SLOT_XDP);
	return XDP_PASS;
}

SEC("cgroup/sock_create")
int count_sock_create(struct bpf_sock *ctx)
{
	bump(SLOT_SOCK_CREATE);
	return 1;
}

SEC("sk_lookup")
int count_sk_lookup(struct bpf_sk_lookup *ctx)
{
	bump(SLOT_SK_LOOKUP);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
