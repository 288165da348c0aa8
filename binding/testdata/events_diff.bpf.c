// SPDX-License-Identifier: GPL-2.0
// The producer of the differential tests of the ring buffer and perf
// buffer consumers: each sample goes, identical, to a ring read by the
// binding's in-place consumer (ring_a0, ring_a1, perf_a) and to its twin
// read by libbpf's own consumer (ring_b0, ring_b1, perf_b). Run with
// BPF_PROG_TEST_RUN from several goroutines at once, with the number of
// samples in args[0].
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// Small rings, so that the samples wrap around their end.
struct ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 10);
};

struct ring ring_a0 SEC(".maps"), ring_a1 SEC(".maps"), ring_b0 SEC(".maps"), ring_b1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_a SEC(".maps"), perf_b SEC(".maps");

// The head of every sample; the sample's last byte is seq & 0xff.
struct head {
	__u64 seq;
	__u32 cpu;
	__u32 size;
};

// Sequence numbers, taken atomically by every sample.
__u64 next_seq;
// Samples committed to both rings of a pair, discarded on purpose, and
// dropped because a ring was full (the twin's reservation is discarded).
__u64 committed, discarded, dropped;
// Perf samples written to both perf buffers, and failures.
__u64 perf_sent, perf_failed;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[2048]);
} scratch SEC(".maps");

// fill writes the head and the last byte of a size-byte sample.
#define FILL(p, s, sz) do {						\
	struct head *h = (void *)(p);						\
	h->seq = (s);							\
	h->cpu = bpf_get_smp_processor_id();				\
	h->size = (sz);							\
	((__u8 *)(p))[(sz) - 1] = (__u8)(s);				\
} while (0)

// pair reserves a size-byte sample in a and in b, fills both, and commits
// both, or discards both: on purpose for one sequence number in five, and
// when either ring is full.
#define PAIR(a, b, s, sz) do {						\
	void *pa = bpf_ringbuf_reserve(a, sz, 0);			\
	void *pb = pa ? bpf_ringbuf_reserve(b, sz, 0) : NULL;		\
	if (!pa || !pb) {						\
		if (pa)							\
			bpf_ringbuf_discard(pa, 0);			\
		__sync_fetch_and_add(&dropped, 1);			\
		break;							\
	}								\
	FILL(pa, s, sz);						\
	FILL(pb, s, sz);						\
	if ((s) % 5 == 0) {						\
		bpf_ringbuf_discard(pa, 0);				\
		bpf_ringbuf_discard(pb, 0);				\
		__sync_fetch_and_add(&discarded, 1);			\
	} else {							\
		bpf_ringbuf_submit(pa, 0);				\
		bpf_ringbuf_submit(pb, 0);				\
		__sync_fetch_and_add(&committed, 1);			\
	}								\
} while (0)

static __always_inline void ring_pair(void *a, void *b, __u64 s)
{
	// Sizes with and without 8-byte padding, up to a fifth of the ring.
	switch (s % 7) {
	case 0: PAIR(a, b, s, 24); break;
	case 1: PAIR(a, b, s, 21); break;
	case 2: PAIR(a, b, s, 64); break;
	case 3: PAIR(a, b, s, 100); break;
	case 4: PAIR(a, b, s, 255); break;
	case 5: PAIR(a, b, s, 1000); break;
	default: PAIR(a, b, s, 3001); break;
	}
}

static long ring_one(__u64 i, void *unused)
{
	__u64 s = __sync_fetch_and_add(&next_seq, 1);

	// Rings 0 and 1 of each consumer take runs of three samples in turn.
	if ((s / 3) % 2 == 0)
		ring_pair(&ring_a0, &ring_b0, s);
	else
		ring_pair(&ring_a1, &ring_b1, s);
	return 0;
}

SEC("raw_tp")
int emit_rings(struct bpf_raw_tracepoint_args *ctx)
{
	bpf_loop(ctx->args[0], ring_one, NULL, 0);
	return 0;
}

struct perf_loop {
	void *ctx;
};

static long perf_one(__u64 i, struct perf_loop *l)
{
	__u32 zero = 0;
	__u8 *buf = bpf_map_lookup_elem(&scratch, &zero);
	__u64 s = __sync_fetch_and_add(&next_seq, 1);
	// 17 to 1516 bytes: the records wrap around the end of small rings.
	// The masks are where the verifier sees them: clang drops a mask it
	// can prove useless.
	__u64 size = 17 + s * 97 % 1500, last;

	if (!buf)
		return 1;
	asm volatile("%0 &= 2047" : "+r"(size));
	last = size - 1;
	asm volatile("%0 &= 2047" : "+r"(last));
	((struct head *)buf)->seq = s;
	((struct head *)buf)->cpu = bpf_get_smp_processor_id();
	((struct head *)buf)->size = (__u32)size;
	buf[last] = (__u8)s;
	if (bpf_perf_event_output(l->ctx, &perf_a, BPF_F_CURRENT_CPU, buf, size) ||
	    bpf_perf_event_output(l->ctx, &perf_b, BPF_F_CURRENT_CPU, buf, size))
		__sync_fetch_and_add(&perf_failed, 1);
	else
		__sync_fetch_and_add(&perf_sent, 1);
	return 0;
}

SEC("raw_tp")
int emit_perf(struct bpf_raw_tracepoint_args *ctx)
{
	struct perf_loop l = { .ctx = ctx };

	bpf_loop(ctx->args[0], perf_one, &l, 0);
	return 0;
}
