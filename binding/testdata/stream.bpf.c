// SPDX-License-Identifier: GPL-2.0
// An XDP program that writes to its BPF streams (kernel 6.17), which
// Program.ReadStream reads: one line to stdout, one to stderr, per run.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// The kfunc behind libbpf's bpf_stream_printk on kernel 6.18 (aux__prog
// is filled in by the verifier); weak, so that the object loads where it
// is missing and the program reports that instead.
extern int bpf_stream_vprintk_impl(int stream_id, const char *fmt__str, const void *args,
				   __u32 len__sz, void *aux__prog) __weak __ksym;

__u32 runs;     // .bss: numbered lines
int printk_ret; // .bss: what the last write returned (0 or -errno)

static __always_inline int write_streams(void)
{
	static const char out[] = "run %u to stdout\n";
	static const char err[] = "run %u to stderr\n";
	unsigned long long args[1];

	if (!bpf_ksym_exists(bpf_stream_vprintk_impl))
		return 99; // no streams in this kernel
	args[0] = ++runs;
	printk_ret = bpf_stream_vprintk_impl(BPF_STDOUT, out, args, sizeof(args), NULL);
	if (printk_ret == 0)
		printk_ret = bpf_stream_vprintk_impl(BPF_STDERR, err, args, sizeof(args), NULL);
	return XDP_PASS;
}

SEC("xdp")
int xdp_stream(struct xdp_md *ctx)
{
	return write_streams();
}

// The same from a syscall program, which runs in process context.
SEC("syscall")
int syscall_stream(void *ctx)
{
	return write_streams();
}

char LICENSE[] SEC("license") = "GPL";
