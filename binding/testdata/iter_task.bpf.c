// SPDX-License-Identifier: GPL-2.0
// A task iterator that prints one line per task, "<tgid> <pid> <comm>".
// The map element iterator is in iter_map.bpf.c: some kernels refuse that
// target alone, and one refused program fails the load of its whole object.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("iter/task")
int iter_print(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %d %s\n", task->tgid, task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
