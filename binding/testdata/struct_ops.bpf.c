// SPDX-License-Identifier: GPL-2.0
// A TCP congestion control "lbg_cc" registered through a plain struct_ops
// map (kernel 5.6), which counts the sockets that start using it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SLOTS 1
#define INIT_SLOT 0
#include "tcp_cc.h"

SEC(".struct_ops")
struct tcp_congestion_ops lbg_cc = {
	.init = (void *)lbg_init,
	.ssthresh = (void *)lbg_ssthresh,
	.cong_avoid = (void *)lbg_cong_avoid,
	.undo_cwnd = (void *)lbg_undo_cwnd,
	.name = "lbg_cc",
};

char LICENSE[] SEC("license") = "GPL";
