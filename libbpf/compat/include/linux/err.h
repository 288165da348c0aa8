/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: errors encoded in pointers, as libbpf's internals pass them.
 * The top 4095 addresses are never valid pointers and carry -errno. */
#ifndef LIBBPF_GO_COMPAT_LINUX_ERR_H
#define LIBBPF_GO_COMPAT_LINUX_ERR_H
#include <linux/types.h>

#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE(ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}
#endif
