// SPDX-License-Identifier: GPL-2.0
// Consumer of the user ring buffer tests: the syscall program drain, run
// with BPF_PROG_TEST_RUN, reads every sample user space has submitted to
// user_ring with bpf_user_ringbuf_drain (kernel 6.1) and records each in
// arrival order.
//
// A test sample starts with a struct header giving its sequence number and
// its own size; the bytes after the header all equal the low byte of seq.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define RING_SIZE 4096
#define MAX_SAMPLES 4096

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, RING_SIZE);
} user_ring SEC(".maps");

struct header {
	__u32 seq;
	__u32 size;
};

// What the drain saw: seen[i] is the header of the i-th sample drained.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SAMPLES);
	__type(key, __u32);
	__type(value, struct header);
} seen SEC(".maps");

// Samples drained so far, over all runs.
__u32 received;
// Samples whose size or payload did not match their header.
__u32 bad;

// check_size reports whether the sample behind dynptr is exactly size
// bytes long: its last byte can be read and the byte after it cannot
// (bpf_dynptr_size is a kfunc of later kernels).
static bool check_size(struct bpf_dynptr *dynptr, __u32 size, __u8 fill)
{
	__u8 byte;

	if (size == 0 || bpf_dynptr_read(&byte, 1, dynptr, size - 1, 0))
		return false;
	if (!bpf_dynptr_read(&byte, 1, dynptr, size, 0))
		return false;
	// The last byte is payload when the sample is longer than its header.
	return size <= sizeof(struct header) || byte == fill;
}

static long read_sample(struct bpf_dynptr *dynptr, void *unused)
{
	struct header h = {};
	struct header *slot;
	__u32 i = received;

	if (bpf_dynptr_read(&h, sizeof(h), dynptr, 0, 0)) {
		bad++;
		received++;
		return 0;
	}
	if (h.size > RING_SIZE || !check_size(dynptr, h.size, (__u8)h.seq))
		bad++;
	slot = bpf_map_lookup_elem(&seen, &i);
	if (slot)
		*slot = h;
	received++;
	return 0;
}

// drain returns what bpf_user_ringbuf_drain returned: the number of samples
// it read, or a negative error.
SEC("syscall")
int drain(void *ctx)
{
	return bpf_user_ringbuf_drain(&user_ring, read_sample, NULL, 0);
}

char LICENSE[] SEC("license") = "GPL";
