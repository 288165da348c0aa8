// SPDX-License-Identifier: GPL-2.0
// An fentry program whose section names no kernel function: it loads only
// once Program.SetAttachTarget gives one (__task_pid_nr_ns, which getpid()
// calls). It counts the calls of one process.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define SLOTS 1
#include "counts.h"

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

SEC("fentry")
int BPF_PROG(count_any, struct task_struct *task, enum pid_type type)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid && type == PIDTYPE_TGID)
		bump(0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
