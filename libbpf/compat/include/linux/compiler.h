/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: the compiler helpers that libbpf's sources use outside a kernel
 * tree, written on top of GCC/Clang builtins. */
#ifndef LIBBPF_GO_COMPAT_LINUX_COMPILER_H
#define LIBBPF_GO_COMPAT_LINUX_COMPILER_H

#define likely(cond)	__builtin_expect(!!(cond), 1)
#define unlikely(cond)	__builtin_expect(!!(cond), 0)

/* Compiler-only fence. */
#define barrier()	__asm__ __volatile__("" ::: "memory")

/* Single, untorn accesses that the compiler may not merge or elide. */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

/* Acquire/release pairs used on the ring and perf buffer positions that are
 * shared with the kernel. The C11 atomic builtins give the ordering on every
 * architecture the compilers support. */
#define smp_load_acquire(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, val)	__atomic_store_n((p), (val), __ATOMIC_RELEASE)
#define smp_mb()			__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()			__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()			__atomic_thread_fence(__ATOMIC_RELEASE)

#endif
