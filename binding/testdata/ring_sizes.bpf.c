// SPDX-License-Identifier: GPL-2.0
// Samples of every size from 1 to MAX_SIZE bytes into a ring buffer and a
// perf buffer, byte j of each being j, for the tests of how the consumers
// copy samples whatever their size and alignment.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_SIZE 300

struct payload {
	__u8 b[512];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct payload);
} scratch SEC(".maps");

// Samples the kernel refused.
__u64 failed;

struct emit_ctx {
	void *ctx;
	struct payload *p;
};

static long emit_one(__u64 i, struct emit_ctx *c)
{
	__u64 size = i + 1;

	if (size > MAX_SIZE)
		return 1;
	if (bpf_ringbuf_output(&sizes, c->p, size, 0))
		failed++;
	if (bpf_perf_event_output(c->ctx, &perf_sizes, BPF_F_CURRENT_CPU, c->p, size))
		failed++;
	return 0;
}

SEC("raw_tp")
int emit_sizes(void *ctx)
{
	__u32 zero = 0;
	struct emit_ctx c = { .ctx = ctx };
	int j;

	c.p = bpf_map_lookup_elem(&scratch, &zero);
	if (!c.p)
		return 1;
	for (j = 0; j < 512; j++)
		c.p->b[j] = j;
	bpf_loop(MAX_SIZE, emit_one, &c, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
