// SPDX-License-Identifier: GPL-2.0
// Types for the BTF walk tests (BTF.Type, DumpC): bitfields, a union, an
// enum, a typedef, arrays, pointers and global data in three sections.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

enum lbg_color { LBG_RED = 1, LBG_BLUE = 40 };

struct lbg_bits {
	__u32 a : 3;
	__u32 b : 13;
	__u8 tail;
	union {
		__u64 word;
		char bytes[8];
	} u;
	enum lbg_color color;
	struct lbg_bits *next;
	__u16 grid[2][3];
};

typedef struct lbg_bits lbg_bits_t;

const volatile __u32 lbg_ro = 3;
__u64 lbg_data = 5;
lbg_bits_t lbg_bss;

SEC("socket")
int lbg_types(void *ctx)
{
	return lbg_ro + lbg_data + lbg_bss.a;
}

char LICENSE[] SEC("license") = "GPL";
