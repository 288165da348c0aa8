// SPDX-License-Identifier: GPL-2.0
// Counts the packets a tc (cls_bpf) filter sees and lets them pass.
// tcx.bpf.c has the tcx and netkit programs, which kernels before 6.6
// cannot load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum slot {
	SLOT_TC,
	SLOTS,
};

#include "counts.h"

// A cls_bpf filter in direct-action mode: 0 is TC_ACT_OK.
SEC("tc")
int count_tc(struct __sk_buff *skb)
{
	bump(SLOT_TC);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
