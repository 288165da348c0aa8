// SPDX-License-Identifier: GPL-2.0
// Global variables and a BPF_F_MMAPABLE array for the Map.Memory tests:
// each run of mmap_touch counts in .bss, copies a .data input (plus a
// .rodata constant) to .bss, and doubles array value 1 into value 2.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 runs;                  // .bss: bumped by every run
__u64 echo;                  // .bss: input + offset, written by every run
__u64 input = 7;             // .data: written by Go through Map.Memory
const volatile __u64 offset = 1000; // .rodata: frozen at load

// 4-byte values: the mapped array keeps one 8-byte slot per value.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} shared SEC(".maps");

// An array without BPF_F_MMAPABLE, which Map.Memory refuses.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} plain SEC(".maps");

SEC("xdp")
int mmap_touch(struct xdp_md *ctx)
{
	__u32 in_key = 1, out_key = 2;
	__u32 *in = bpf_map_lookup_elem(&shared, &in_key);
	__u32 *out = bpf_map_lookup_elem(&shared, &out_key);

	__sync_fetch_and_add(&runs, 1);
	echo = input + offset;
	if (in && out)
		*out = *in * 2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
