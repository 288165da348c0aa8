// SPDX-License-Identifier: GPL-2.0
// CO-RE relocations that libbpf resolves against the kernel BTF (or against
// ObjectOptions.BTFPath).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

__u32 task_size;  // .bss: sizeof(struct task_struct) in the target BTF
__u32 has_pid;    // .bss: 1 if task_struct has a pid field

SEC("xdp")
int xdp_core(struct xdp_md *ctx)
{
	task_size = bpf_core_type_size(struct task_struct);
	has_pid = bpf_core_field_exists(struct task_struct, pid);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
