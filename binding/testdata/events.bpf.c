// SPDX-License-Identifier: GPL-2.0
// Event producers for the ring buffer and perf buffer tests and benchmarks.
// Each program, run with BPF_PROG_TEST_RUN, writes n_events 64-byte events
// numbered from its own sequence counter, using bpf_loop.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
	__u64 src; // 0: ring_a, 1: ring_b, 2: perf
	__u8 pad[48];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} ring_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} ring_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

// A map of another type, for the wrong-type checks and map benchmarks.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, __u64);
	__type(value, __u64);
} hash SEC(".maps");

__u32 n_events;
__u64 seq_a, seq_b, seq_perf;
// Events the kernel refused because the ring was full.
__u64 dropped;

static long emit_a(__u64 i, void *unused)
{
	struct event e = { .seq = seq_a++, .src = 0 };

	if (bpf_ringbuf_output(&ring_a, &e, sizeof(e), 0))
		dropped++;
	return 0;
}

static long emit_b(__u64 i, void *unused)
{
	struct event e = { .seq = seq_b++, .src = 1 };

	if (bpf_ringbuf_output(&ring_b, &e, sizeof(e), 0))
		dropped++;
	return 0;
}

struct perf_loop {
	void *ctx;
};

static long emit_p(__u64 i, struct perf_loop *l)
{
	struct event e = { .seq = seq_perf++, .src = 2 };

	if (bpf_perf_event_output(l->ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e)))
		dropped++;
	return 0;
}

SEC("raw_tp")
int emit_ring_a(void *ctx)
{
	bpf_loop(n_events, emit_a, NULL, 0);
	return 0;
}

SEC("raw_tp")
int emit_ring_b(void *ctx)
{
	bpf_loop(n_events, emit_b, NULL, 0);
	return 0;
}

SEC("raw_tp")
int emit_perf(void *ctx)
{
	struct perf_loop l = { .ctx = ctx };

	bpf_loop(n_events, emit_p, &l, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
