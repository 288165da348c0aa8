// SPDX-License-Identifier: GPL-2.0
// An LPM trie, whose element operations the binding makes with
// syscall.Syscall rather than the raw system call; no programs.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct ipv4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16);
	__type(key, struct ipv4_key);
	__type(value, __u32);
} routes SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
