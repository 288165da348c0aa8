// SPDX-License-Identifier: GPL-2.0
// An XDP program for test runs, with one global in each data section.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 verdict = XDP_PASS; // .rodata: the return value
__u8 mark = 0xab;                        // .data: written to packet byte 0
__u64 runs = 100;                        // .data: incremented by each run
__u32 last_len;                          // .bss: length of the last packet
__u8 extra;                              // .bss: written to packet byte 1

SEC("xdp")
int xdp_mark(struct xdp_md *ctx)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;

	runs++;
	last_len = end - data;
	if (data + 2 > end)
		return XDP_ABORTED;
	data[0] = mark;
	data[1] = extra;
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
