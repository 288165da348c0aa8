/* C glue for BTF: btf_dump's printf callback, which takes a va_list that
 * Go cannot. Every definition carries the lbg_ prefix. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "glue_btf.h"

/* lbg_dump_printf appends the formatted text to the lbg_dump_buf ctx,
 * growing it; an allocation failure is remembered in err and later output
 * is dropped. */
static void lbg_dump_printf(void *ctx, const char *fmt, va_list args)
{
	struct lbg_dump_buf *b = ctx;
	va_list copy;
	int n;

	if (b->err)
		return;
	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->err = -EINVAL;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *data;

		while (cap < b->len + n + 1)
			cap *= 2;
		data = realloc(b->data, cap);
		if (!data) {
			b->err = -ENOMEM;
			return;
		}
		b->data = data;
		b->cap = cap;
	}
	vsnprintf(b->data + b->len, n + 1, fmt, args);
	b->len += n;
}

int lbg_btf_dump_c(const struct btf *btf, const __u32 *ids, size_t n, __u32 start,
		   struct lbg_dump_buf *buf)
{
	struct btf_dump *d;
	size_t i;
	int err = 0;

	d = btf_dump__new(btf, lbg_dump_printf, buf, NULL);
	if (!d)
		return -errno;
	if (ids) {
		for (i = 0; i < n && !err; i++)
			err = btf_dump__dump_type(d, ids[i]);
	} else {
		__u32 id, cnt = btf__type_cnt(btf);

		for (id = start; id < cnt && !err; id++)
			err = btf_dump__dump_type(d, id);
	}
	btf_dump__free(d);
	if (!err)
		err = buf->err;
	return err;
}

int lbg_btf_dump_decl(const struct btf *btf, __u32 id, const char *field_name,
		      struct lbg_dump_buf *buf)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = field_name);
	struct btf_dump *d;
	int err;

	d = btf_dump__new(btf, lbg_dump_printf, buf, NULL);
	if (!d)
		return -errno;
	err = btf_dump__emit_type_decl(d, id, &opts);
	btf_dump__free(d);
	if (!err)
		err = buf->err;
	return err;
}
