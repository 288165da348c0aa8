// SPDX-License-Identifier: GPL-2.0
// The second half of link_a.bpf.c: the function it calls, the map it
// counts into and a global variable the function writes.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} linked_counts SEC(".maps");

__u32 last_len; // .bss: the packet length linked_verdict saw

// A global function, verified on its own: XDP_PASS (2) for packets of
// 64 bytes or more, XDP_DROP (1) for shorter ones.
__noinline __u32 linked_verdict(__u32 len)
{
	last_len = len;
	return len >= 64 ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
