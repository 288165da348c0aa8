// SPDX-License-Identifier: GPL-2.0
// An extension program replacing the global function decide of
// freplace_target.bpf.c: it counts its runs and drops the packet.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define SLOTS 1
#include "counts.h"

// The target is set at run time with Program.SetAttachTarget.
SEC("freplace")
int new_decide(struct xdp_md *ctx)
{
	bump(0);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
