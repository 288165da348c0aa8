/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: memory barriers live with the other compiler helpers. */
#ifndef LIBBPF_GO_COMPAT_ASM_BARRIER_H
#define LIBBPF_GO_COMPAT_ASM_BARRIER_H
#include <linux/compiler.h>
#endif
