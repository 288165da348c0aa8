// SPDX-License-Identifier: GPL-2.0
// An fentry program on __task_pid_nr_ns (which getpid() calls) that
// records the BPF cookie of its attachment, for one process.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Slot 0: runs; slot 1: the last cookie.
#define SLOTS 2
#include "counts.h"

SEC("fentry/__task_pid_nr_ns")
int BPF_PROG(fentry_cookie, struct task_struct *task, enum pid_type type)
{
	__u32 slot = 1;
	__u64 *value;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid || type != PIDTYPE_TGID)
		return 0;
	bump(0);
	value = bpf_map_lookup_elem(&counts, &slot);
	if (value)
		*value = bpf_get_attach_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
