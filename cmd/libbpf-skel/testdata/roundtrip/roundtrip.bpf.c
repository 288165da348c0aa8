// SPDX-License-Identifier: GPL-2.0
//go:build ignore

// roundtrip.bpf.c: a skeleton's whole path on the real kernel. For each
// getpid() of the configured thread it bumps .bss counters, counts into a
// hash map with struct keys and values, and sends a typed event.

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum state : __u8 { STATE_IDLE = 0, STATE_SEEN = 3 };

struct config {
	__u32 target_tid;
	__u8 enabled;
	__u16 scale;
};

struct key {
	__u32 tgid;
	__u16 kind;
	__u16 pad;
};

struct value {
	__u64 calls;
	char comm[16];
	enum state state;
};

struct event {
	__u32 tgid;
	__u32 seq;
	__u64 scaled;
	char comm[16];
	enum state state;
	__u8 odd : 1;
	__u8 low : 7;
	union {
		__u32 word;
		__u8 bytes[4];
	};
};

const volatile struct config cfg = { .scale = 1 };
__u64 hits;
__u32 last_seq;
__u64 data_marker = 7;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct key);
	__type(value, struct value);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct key k = { .tgid = tgid, .kind = 1 };
	struct value *v, zero = {};
	struct event *e;
	__u32 seq;

	if (!cfg.enabled || (__u32)pid_tgid != cfg.target_tid)
		return 0;
	seq = __sync_fetch_and_add(&hits, 1) + 1;
	last_seq = seq;
	v = bpf_map_lookup_elem(&counts, &k);
	if (!v) {
		bpf_map_update_elem(&counts, &k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&counts, &k);
		if (!v)
			return 0;
	}
	__sync_fetch_and_add(&v->calls, 1);
	bpf_get_current_comm(v->comm, sizeof(v->comm));
	v->state = STATE_SEEN;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->tgid = tgid;
	e->seq = seq;
	e->scaled = (__u64)seq * cfg.scale;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->state = STATE_SEEN;
	e->odd = seq & 1;
	e->low = seq & 0x7f;
	e->word = 0x04030201;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
