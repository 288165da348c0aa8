// SPDX-License-Identifier: GPL-2.0
// A netfilter program counting the packets that arrive on one network
// device and accepting every packet.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define SLOTS 1
#include "counts.h"

// NF_ACCEPT from the UAPI netfilter header, which vmlinux.h lacks.
#define NF_ACCEPT 1

// Index of the device whose incoming packets are counted; set before load.
const volatile __u32 target_ifindex = 0;

SEC("netfilter")
int count_nf(struct bpf_nf_ctx *ctx)
{
	const struct net_device *in = ctx->state->in;

	if (in && in->ifindex == target_ifindex)
		bump(0);
	return NF_ACCEPT;
}

char LICENSE[] SEC("license") = "GPL";
