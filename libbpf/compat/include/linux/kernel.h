/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: the arithmetic and structure helpers libbpf's sources expect
 * from the kernel's linux/kernel.h. */
#ifndef LIBBPF_GO_COMPAT_LINUX_KERNEL_H
#define LIBBPF_GO_COMPAT_LINUX_KERNEL_H
#include <stddef.h>
#include <endian.h>
#include <linux/compiler.h>
#include <linux/types.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))

/* Evaluate each argument once. */
#define min(a, b) ({ __typeof__(a) _lbg_a = (a); __typeof__(b) _lbg_b = (b); _lbg_a < _lbg_b ? _lbg_a : _lbg_b; })
#define max(a, b) ({ __typeof__(a) _lbg_a = (a); __typeof__(b) _lbg_b = (b); _lbg_a > _lbg_b ? _lbg_a : _lbg_b; })

/* glibc's sys/param.h has an equivalent one */
#ifndef roundup
#define roundup(x, y)	((((x) + (y) - 1) / (y)) * (y))
#endif
#define __KERNEL_DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

#define be32_to_cpu(x)	be32toh(x)
#define cpu_to_be32(x)	htobe32(x)
#define be64_to_cpu(x)	be64toh(x)
#define cpu_to_be64(x)	htobe64(x)
#endif
