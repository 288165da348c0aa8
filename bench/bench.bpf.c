// The one BPF object that every benchmark driver (binding, C, cilium/ebpf)
// opens and loads: a pre-populated hash map for the map workloads, and two
// raw_tp programs, run through BPF_PROG_TEST_RUN, that fill a ring buffer
// and a perf buffer with 64-byte events using bpf_loop.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// 8-byte keys and values, 10k entries: the map workloads.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, __u64);
	__type(value, __u64);
} kv SEC(".maps");

// 16 MiB ring buffer: the ring buffer drain.
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} ring SEC(".maps");

// One perf buffer per CPU: the perf buffer drain.
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

// The 64-byte event: a sequence number and padding.
struct event {
	__u64 seq;
	__u8 pad[56];
};

struct fill {
	void *ctx;
	__u64 first;
	__u32 dropped;
};

static long ring_one(__u64 i, struct fill *f)
{
	struct event *e = bpf_ringbuf_reserve(&ring, sizeof(*e), 0);

	if (!e) {
		f->dropped++;
		return 0;
	}
	e->seq = f->first + i;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static long perf_one(__u64 i, struct fill *f)
{
	struct event e = { .seq = f->first + i };

	if (bpf_perf_event_output(f->ctx, &perf, BPF_F_CURRENT_CPU, &e, sizeof(e)))
		f->dropped++;
	return 0;
}

// fill_ring writes args[0] events numbered from args[1] to the ring buffer
// and returns how many it could not reserve.
SEC("raw_tp")
int fill_ring(struct bpf_raw_tracepoint_args *ctx)
{
	struct fill f = { .ctx = ctx, .first = ctx->args[1] };

	bpf_loop(ctx->args[0], ring_one, &f, 0);
	return f.dropped;
}

// fill_perf writes args[0] events numbered from args[1] to the current CPU's
// perf buffer and returns how many the kernel refused.
SEC("raw_tp")
int fill_perf(struct bpf_raw_tracepoint_args *ctx)
{
	struct fill f = { .ctx = ctx, .first = ctx->args[1] };

	bpf_loop(ctx->args[0], perf_one, &f, 0);
	return f.dropped;
}

// The drain cost curves: the same fills with 16, 256 and 4096-byte events
// (fill_ring and fill_perf above are the 64-byte ones). Only the sequence
// number at the start of each event is written; the rest is what the ring
// held before.
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[4096]);
} perf_src SEC(".maps");

#define SIZED_FILLS(SZ)							\
static long ring_one_##SZ(__u64 i, struct fill *f)			\
{									\
	__u64 *e = bpf_ringbuf_reserve(&ring, SZ, 0);			\
									\
	if (!e) {							\
		f->dropped++;						\
		return 0;						\
	}								\
	*e = f->first + i;						\
	bpf_ringbuf_submit(e, 0);					\
	return 0;							\
}									\
									\
SEC("raw_tp")								\
int fill_ring_##SZ(struct bpf_raw_tracepoint_args *ctx)			\
{									\
	struct fill f = { .ctx = ctx, .first = ctx->args[1] };		\
									\
	bpf_loop(ctx->args[0], ring_one_##SZ, &f, 0);			\
	return f.dropped;						\
}									\
									\
static long perf_one_##SZ(__u64 i, struct fill *f)			\
{									\
	__u32 zero = 0;							\
	__u64 *e = bpf_map_lookup_elem(&perf_src, &zero);		\
									\
	if (!e)								\
		return 1;						\
	*e = f->first + i;						\
	if (bpf_perf_event_output(f->ctx, &perf, BPF_F_CURRENT_CPU, e, SZ)) \
		f->dropped++;						\
	return 0;							\
}									\
									\
SEC("raw_tp")								\
int fill_perf_##SZ(struct bpf_raw_tracepoint_args *ctx)			\
{									\
	struct fill f = { .ctx = ctx, .first = ctx->args[1] };		\
									\
	bpf_loop(ctx->args[0], perf_one_##SZ, &f, 0);			\
	return f.dropped;						\
}

SIZED_FILLS(16)
SIZED_FILLS(256)
SIZED_FILLS(4096)

// The iteration cost curve: hash maps of 1k and 100k entries (kv above is
// the 10k one), walked with next key + lookup and with batch lookups.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1000);
	__type(key, __u64);
	__type(value, __u64);
} kv_1k SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 100000);
	__type(key, __u64);
	__type(value, __u64);
} kv_100k SEC(".maps");

// The 1M point of the curve: declared with one entry, so that open_load
// does not allocate a million; the drivers set 1M before their main load.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} kv_1m SEC(".maps");
