// SPDX-License-Identifier: GPL-2.0
// An XDP program whose verdict comes from a global function, decide, which
// freplace.bpf.c replaces.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Global, so that it keeps its own BTF function and can be replaced.
__noinline int decide(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp")
int xdp_decide(struct xdp_md *ctx)
{
	return decide(ctx);
}

char LICENSE[] SEC("license") = "GPL";
