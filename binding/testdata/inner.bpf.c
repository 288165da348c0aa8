// SPDX-License-Identifier: GPL-2.0
// Maps of maps for the map-in-map tests. bump_array and bump_hash add one
// to value 0 of the inner map found in outer_array[0] and outer_hash[7];
// which inner map that is, is up to user space.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct counter_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct counter_map inner_a SEC(".maps"), inner_b SEC(".maps");

// libbpf builds the inner map template from __array and stores inner_b
// in slot 1 at load.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct counter_map);
} outer_array SEC(".maps") = {
	.values = { [1] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct counter_map);
} outer_hash SEC(".maps");

// An inner map of another shape, which the outer maps refuse.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} mismatched SEC(".maps");

static __always_inline void bump_inner(void *outer, __u32 key)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(outer, &key);
	__u64 *value;

	if (!inner)
		return;
	value = bpf_map_lookup_elem(inner, &zero);
	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("xdp")
int bump_array(struct xdp_md *ctx)
{
	bump_inner(&outer_array, 0);
	return XDP_PASS;
}

SEC("xdp")
int bump_hash(struct xdp_md *ctx)
{
	bump_inner(&outer_hash, 7);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
