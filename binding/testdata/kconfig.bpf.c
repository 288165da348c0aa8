// SPDX-License-Identifier: GPL-2.0
// Copies a Kconfig value that only ObjectOptions.KConfig can set into .bss.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int CONFIG_LIBBPF_GO_TEST __kconfig __weak;

int seen_config; // .bss

SEC("xdp")
int xdp_kconfig(struct xdp_md *ctx)
{
	seen_config = CONFIG_LIBBPF_GO_TEST;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
