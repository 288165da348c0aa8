/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: the system's uapi linux/types.h (__u32, __be32, __aligned_u64,
 * ...) plus the kernel-internal short names (u32, s64, ...) and the C types
 * that libbpf's sources take from the kernel's own linux/types.h. */
#ifndef LIBBPF_GO_COMPAT_LINUX_TYPES_H
#define LIBBPF_GO_COMPAT_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include_next <linux/types.h>

typedef __u8  u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8  s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
#endif
