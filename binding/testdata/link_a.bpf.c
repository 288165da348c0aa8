// SPDX-License-Identifier: GPL-2.0
// The first half of a program split over two files, linked by Linker: the
// program calls a function and counts into a map that link_b.bpf.c
// defines.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Defined in link_b.bpf.c.
extern __u32 linked_verdict(__u32 len);

// The map, declared here as an extern definition of link_b's.
extern struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} linked_counts SEC(".maps");

SEC("xdp")
int xdp_linked(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&linked_counts, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return linked_verdict(ctx->data_end - ctx->data);
}

char LICENSE[] SEC("license") = "GPL";
