/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* C glue for Program.LineAt and JitedFunctions (program_linfo.go): the
 * two bpf_prog_get_info_by_fd calls that fetch a program's line
 * information and JIT symbols, and bpf_prog_linfo__new over them.
 */
#ifndef LIBBPF_GO_GLUE_LINFO_H
#define LIBBPF_GO_GLUE_LINFO_H

#include <stdlib.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

/* lbg_linfo is what lbg_prog_linfo returns: libbpf's line table, and the
 * start address and length of each JIT-compiled function (in C memory the
 * caller releases with lbg_linfo_free).
 */
struct lbg_linfo {
	struct bpf_prog_linfo *linfo;
	__u64 *ksyms;
	__u32 *func_lens;
	__u32 nr_funcs;
};

/* lbg_prog_linfo fills out for the program fd; 0 or a negative errno.
 * linfo is NULL when the program has no line information.
 */
int lbg_prog_linfo(int fd, struct lbg_linfo *out);

/* lbg_linfo_free releases what lbg_prog_linfo allocated. */
void lbg_linfo_free(struct lbg_linfo *l);

#endif
