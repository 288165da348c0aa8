// SPDX-License-Identifier: GPL-2.0
// An XDP program that writes to its BPF streams (kernel 6.17), which
// Program.ReadStream reads: one line to stdout, one to stderr, per run.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// The kfunc that writes to a stream: bpf_stream_vprintk_impl on kernel
// 6.18 (aux__prog is filled in by the verifier), bpf_stream_vprintk with
// the signature of libbpf 1.7's bpf_stream_printk on later kernels. Both
// weak, so that the object loads wherever one is missing.
extern int bpf_stream_vprintk_impl(int stream_id, const char *fmt__str, const void *args,
				   __u32 len__sz, void *aux__prog) __weak __ksym;
extern int bpf_stream_vprintk(int stream_id, const char *fmt__str, const void *args,
			      __u32 len__sz) __weak __ksym;

// stream_write returns 1 when the kernel has neither kfunc.
static __always_inline int stream_write(int stream_id, const char *fmt, const void *args,
					__u32 len)
{
	if (bpf_ksym_exists(bpf_stream_vprintk))
		return bpf_stream_vprintk(stream_id, fmt, args, len);
	if (bpf_ksym_exists(bpf_stream_vprintk_impl))
		return bpf_stream_vprintk_impl(stream_id, fmt, args, len, NULL);
	return 1;
}

__u32 runs;     // .bss: numbered lines
int printk_ret; // .bss: what the last write returned (0 or -errno)

static __always_inline int write_streams(void)
{
	static const char out[] = "run %u to stdout\n";
	static const char err[] = "run %u to stderr\n";
	unsigned long long args[1];

	args[0] = ++runs;
	printk_ret = stream_write(BPF_STDOUT, out, args, sizeof(args));
	if (printk_ret == 1)
		return 99; // no stream kfunc this object knows in this kernel
	if (printk_ret == 0)
		printk_ret = stream_write(BPF_STDERR, err, args, sizeof(args));
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
