// SPDX-License-Identifier: GPL-2.0
// fentry and fexit programs on __task_pid_nr_ns, which getpid() calls,
// counting the calls of one process, and an LSM program on file_open that
// counts the process's file opens and can deny them.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

// Process (tgid) whose calls are counted; set before load.
const volatile __u32 target_tgid = 0;

// Set (after load) to make count_file_open deny the target's opens.
__u32 deny_open = 0;

// Slot 0: calls counted; slot 1: the last tgid fexit saw returned.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int is_target(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void bump(void)
{
	__u32 slot = 0;
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		__sync_fetch_and_add(value, 1);
}

SEC("fentry/__task_pid_nr_ns")
int BPF_PROG(count_fentry, struct task_struct *task, enum pid_type type)
{
	if (is_target() && type == PIDTYPE_TGID)
		bump();
	return 0;
}

SEC("fexit/__task_pid_nr_ns")
int BPF_PROG(count_fexit, struct task_struct *task, enum pid_type type,
	     struct pid_namespace *ns, pid_t ret)
{
	__u32 slot = 1;
	__u64 value = ret;

	if (is_target() && type == PIDTYPE_TGID) {
		bump();
		bpf_map_update_elem(&counts, &slot, &value, BPF_ANY);
	}
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(count_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	if (!is_target())
		return 0;
	bump();
	return deny_open ? -1 /* -EPERM */ : 0;
}

char LICENSE[] SEC("license") = "GPL";
