// SPDX-License-Identifier: GPL-2.0

// The Go tool must not compile this file: clang does, for the BPF target
// (make bpf), and syscount embeds the object it makes.

//go:build ignore

// syscount.bpf.c counts system calls per process.
//
// The program ignores its context, so the same program can be attached to
// raw_syscalls/sys_enter (every system call) or to one
// syscalls/sys_enter_NAME tracepoint (one system call). Choosing the
// tracepoint in user space keeps the kernel side free of a syscall-number
// table and does not run the program at all for the system calls that are
// not wanted.

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define COMM_LEN 16

// struct count is the value of the counts map. The Go side decodes the same
// layout: an 8-byte count followed by the 16-byte command name.
struct count {
	__u64 calls;
	char comm[COMM_LEN];
};

// counts maps a process id (the kernel's tgid) to its system call count.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct count);
} counts SEC(".maps");

SEC("tracepoint")
int count_syscall(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct count *c = bpf_map_lookup_elem(&counts, &pid);

	if (!c) {
		struct count zero = {};

		// Another thread of the process may insert the entry first;
		// BPF_NOEXIST then fails and the lookup below finds its entry.
		bpf_map_update_elem(&counts, &pid, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, &pid);
		if (!c)
			return 0; // the map is full
	}
	__sync_fetch_and_add(&c->calls, 1);
	// Refreshed on every call so that a process that forked and then
	// exec'd shows its new name rather than its parent's.
	bpf_get_current_comm(c->comm, sizeof(c->comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
