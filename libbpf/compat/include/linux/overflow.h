/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: overflow-checked arithmetic; true when the result overflowed. */
#ifndef LIBBPF_GO_COMPAT_LINUX_OVERFLOW_H
#define LIBBPF_GO_COMPAT_LINUX_OVERFLOW_H
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#endif
