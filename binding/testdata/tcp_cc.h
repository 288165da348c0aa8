/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TCP congestion control for the struct_ops tests, in the style
 * of Reno without its growth: its init operation counts the sockets that
 * start using it in slot INIT_SLOT of the counts map. Define INIT_SLOT and
 * SLOTS before including this.
 */
#ifndef LIBBPF_GO_TESTDATA_TCP_CC_H
#define LIBBPF_GO_TESTDATA_TCP_CC_H

#include "counts.h"

static __always_inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

SEC("struct_ops")
void BPF_PROG(lbg_init, struct sock *sk)
{
	bump(INIT_SLOT);
}

SEC("struct_ops")
__u32 BPF_PROG(lbg_ssthresh, struct sock *sk)
{
	__u32 half = tcp_sk(sk)->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops")
void BPF_PROG(lbg_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(lbg_undo_cwnd, struct sock *sk)
{
	return tcp_sk(sk)->snd_cwnd;
}

#endif
