// SPDX-License-Identifier: GPL-2.0
// Socket map programs: an sk_msg verdict program counting the messages sent
// on the sockets of a sockmap and an sk_skb stream verdict program counting
// the data they receive; both let the data through.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Slot 0: messages sent (sk_msg); slot 1: data received (sk_skb).
#define SLOTS 2
#include "counts.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sock_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sock_hash SEC(".maps");

SEC("sk_msg")
int count_msg(struct sk_msg_md *msg)
{
	bump(0);
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int count_verdict(struct __sk_buff *skb)
{
	bump(1);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
