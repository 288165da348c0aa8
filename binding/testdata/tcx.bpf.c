// SPDX-License-Identifier: GPL-2.0
// Counters for the tcx (kernel 6.6) and netkit (kernel 6.7) attach APIs:
// each program counts the packets it sees in its own slot and lets them
// pass.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum slot {
	SLOT_TCX,
	SLOT_TCX_SECOND,
	SLOT_NETKIT,
	SLOTS,
};

#include "counts.h"

// TCX_NEXT runs the next program attached to the hook, if any.
SEC("tcx/ingress")
int count_tcx(struct __sk_buff *skb)
{
	bump(SLOT_TCX);
	return TCX_NEXT;
}

SEC("tcx/ingress")
int count_tcx_second(struct __sk_buff *skb)
{
	bump(SLOT_TCX_SECOND);
	return TCX_NEXT;
}

// NETKIT_NEXT is -1; vmlinux.h lacks it when built without CONFIG_NETKIT.
SEC("netkit/primary")
int count_netkit(struct __sk_buff *skb)
{
	bump(SLOT_NETKIT);
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
