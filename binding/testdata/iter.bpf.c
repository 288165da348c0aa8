// SPDX-License-Identifier: GPL-2.0
// Two task iterators: an iterator link can be switched to another program.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("iter/task")
int iter_first(struct bpf_iter__task *ctx)
{
	return 0;
}

SEC("iter/task")
int iter_second(struct bpf_iter__task *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
