// SPDX-License-Identifier: GPL-2.0
// A TCP congestion control "lbg_cc_link" registered through a struct_ops
// link (kernel 6.4), in two versions: lbg_cc_link counts the sockets that
// start using it in slot 0, lbg_cc_link_v2, for Link.UpdateMap, in slot 1.
// Both share the name, as the kernel requires of an update.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SLOTS 2
#define INIT_SLOT 0
#include "tcp_cc.h"

SEC("struct_ops")
void BPF_PROG(lbg_init_v2, struct sock *sk)
{
	bump(1);
}

SEC(".struct_ops.link")
struct tcp_congestion_ops lbg_cc_link = {
	.init = (void *)lbg_init,
	.ssthresh = (void *)lbg_ssthresh,
	.cong_avoid = (void *)lbg_cong_avoid,
	.undo_cwnd = (void *)lbg_undo_cwnd,
	.name = "lbg_cc_link",
};

SEC(".struct_ops.link")
struct tcp_congestion_ops lbg_cc_link_v2 = {
	.init = (void *)lbg_init_v2,
	.ssthresh = (void *)lbg_ssthresh,
	.cong_avoid = (void *)lbg_cong_avoid,
	.undo_cwnd = (void *)lbg_undo_cwnd,
	.name = "lbg_cc_link",
};

char LICENSE[] SEC("license") = "GPL";
