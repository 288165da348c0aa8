/* C glue for BTF (glue_btf.c): declarations only. */
#ifndef LIBBPF_GO_GLUE_BTF_H
#define LIBBPF_GO_GLUE_BTF_H

#include <stddef.h>
#include <linux/types.h>

struct btf;

/* lbg_dump_buf collects btf_dump's output: data (malloc'd, len bytes,
 * NUL-terminated when len > 0), or err < 0 after a failure. */
struct lbg_dump_buf {
	char *data;
	size_t len;
	size_t cap;
	int err;
};

/* lbg_btf_dump_c dumps C declarations of the n types ids (or, if ids is
 * NULL, of every type from start on) with one btf_dump, so that each type
 * is declared once, after what it depends on. */
int lbg_btf_dump_c(const struct btf *btf, const __u32 *ids, size_t n, __u32 start,
		   struct lbg_dump_buf *buf);

/* lbg_btf_dump_decl emits the declaration of a field_name of type id
 * (btf_dump__emit_type_decl). */
int lbg_btf_dump_decl(const struct btf *btf, __u32 id, const char *field_name,
		      struct lbg_dump_buf *buf);

#endif
