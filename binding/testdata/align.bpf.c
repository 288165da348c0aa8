// SPDX-License-Identifier: GPL-2.0
// An XDP program with a 4-byte packet load at offset 1: fine where the
// verifier allows unaligned access (x86), refused under
// BPF_F_STRICT_ALIGNMENT, which Program.SetFlags sets.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u32 word; // .bss: the word read from packet bytes 1..4

SEC("xdp")
int xdp_unaligned(struct xdp_md *ctx)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;

	if (data + 5 > end)
		return XDP_ABORTED;
	word = *(volatile __u32 *)(data + 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
