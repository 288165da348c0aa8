// SPDX-License-Identifier: GPL-2.0
// A map of maps declared without __array: it has no inner map template,
// so user space must set one (Map.SetInnerMap) before load. bump adds one
// to value 0 of the inner map in outer[0].
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} outer SEC(".maps");

SEC("xdp")
int bump(struct xdp_md *ctx)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(&outer, &zero);
	__u64 *value;

	if (!inner)
		return XDP_PASS;
	value = bpf_map_lookup_elem(inner, &zero);
	if (value)
		__sync_fetch_and_add(value, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
