// SPDX-License-Identifier: GPL-2.0
//go:build ignore

// tricky.bpf.c holds every layout case that libbpf-skel's Go types must
// reproduce byte for byte: bitfields, unions, nested and anonymous
// structs, flexible arrays, packed and aligned types, enums of 1, 2, 4 and
// 8 bytes, 64-bit enums, bool, floats and pointers. Its maps and globals
// use them, so that they reach the object's BTF.

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef _Bool bool;

enum small : __u8 { SMALL_A = 1, SMALL_B = 255 };
enum medium : __s16 { MEDIUM_NEG = -2, MEDIUM_POS = 300 };
enum regular { REGULAR_X, REGULAR_Y = 7 };
enum big : __u64 { BIG_ONE = 1, BIG_HUGE = 0xfedcba9876543210ULL };
enum signed_big : __s64 { SIGNED_BIG_MIN = -0x7fffffffffffffffLL - 1 };

struct bits {
	__u32 a : 3;
	__u32 b : 13;
	__s32 c : 7;
	bool flag : 1;
	enum regular kind : 4;
	__u64 wide : 40;
	__u8 tail;
};

union value {
	__u64 u;
	__s32 i;
	float f;
	char bytes[8];
	struct {
		__u16 lo, hi;
	} halves;
};

struct nested {
	__u8 tag;
	union {
		__u32 as_int;
		float as_float;
	};
	struct {
		__u8 x;
		__u64 y;
	} inner;
	struct {
		__u16 p, q;
	};
};

struct packed {
	__u8 a;
	__u32 b;
	__u16 c;
} __attribute__((packed));

struct aligned {
	__u8 a;
	__u32 b __attribute__((aligned(16)));
} __attribute__((aligned(32)));

struct flex {
	__u32 len;
	__u16 kind;
	__u8 data[];
};

struct everything {
	char name[16];
	signed char sc;
	unsigned char uc;
	bool yes;
	double d;
	float f;
	void *ptr;
	struct flex *fp;
	int (*fn)(int);
	enum small small;
	enum medium medium;
	enum regular regular;
	enum big big;
	enum signed_big signed_big;
	struct bits bits;
	union value value;
	struct nested nested;
	struct packed packed;
	struct aligned aligned;
	__u32 matrix[2][3];
	struct { __u8 k; } anon_array[2];
};

typedef struct {
	__u32 id;
	__u64 at;
} record_t;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, struct packed);
	__type(value, struct everything);
} things SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, record_t);
} records SEC(".maps");

volatile const struct flex config = { .len = 3 };
const volatile enum big big_config = BIG_HUGE;
struct bits bits_global;
union value value_global = { .u = 1 };
__u64 custom_counter SEC(".data.custom") = 5;
static __u32 hidden;

SEC("socket")
int prog(void *ctx)
{
	struct everything *e;
	__u32 key = 0;
	record_t *r = bpf_map_lookup_elem(&records, &key);

	if (r)
		r->id = config.len + hidden + (__u32)big_config;
	bits_global.a = 1;
	value_global.i++;
	custom_counter++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
