// SPDX-License-Identifier: GPL-2.0
// A map that libbpf pins by name under the object's pin root.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_counts SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
