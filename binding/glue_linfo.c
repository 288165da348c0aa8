// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "glue_linfo.h"

int lbg_prog_linfo(int fd, struct lbg_linfo *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), nr_linfo, nr_jlinfo, rec, jrec, nr_ksyms, nr_lens;
	void *linfo = NULL, *jlinfo = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	nr_linfo = info.nr_line_info;
	nr_jlinfo = info.nr_jited_line_info;
	rec = info.line_info_rec_size;
	jrec = info.jited_line_info_rec_size;
	nr_ksyms = info.nr_jited_ksyms;
	nr_lens = info.nr_jited_func_lens;

	/* Second call: ask for exactly the arrays, sized as reported. */
	memset(&info, 0, sizeof(info));
	if (nr_ksyms) {
		out->ksyms = calloc(nr_ksyms, sizeof(__u64));
		out->func_lens = calloc(nr_lens ? nr_lens : 1, sizeof(__u32));
		if (!out->ksyms || !out->func_lens)
			goto nomem;
		info.nr_jited_ksyms = nr_ksyms;
		info.jited_ksyms = (__u64)(unsigned long)out->ksyms;
		info.nr_jited_func_lens = nr_lens;
		info.jited_func_lens = (__u64)(unsigned long)out->func_lens;
	}
	if (nr_linfo) {
		linfo = calloc(nr_linfo, rec);
		if (!linfo)
			goto nomem;
		info.nr_line_info = nr_linfo;
		info.line_info_rec_size = rec;
		info.line_info = (__u64)(unsigned long)linfo;
	}
	if (nr_jlinfo) {
		jlinfo = calloc(nr_jlinfo, jrec);
		if (!jlinfo)
			goto nomem;
		info.nr_jited_line_info = nr_jlinfo;
		info.jited_line_info_rec_size = jrec;
		info.jited_line_info = (__u64)(unsigned long)jlinfo;
	}
	len = sizeof(info);
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	if (err)
		goto fail;
	/* The kernel reports the counts again; they cannot have grown for a
	 * loaded program, but never read past what was allocated.
	 */
	if (info.nr_jited_ksyms > nr_ksyms || info.nr_line_info > nr_linfo ||
	    info.nr_jited_line_info > nr_jlinfo || info.nr_jited_func_lens > nr_lens) {
		err = -EAGAIN;
		goto fail;
	}
	out->nr_funcs = info.nr_jited_ksyms;
	if (nr_linfo) {
		/* bpf_prog_linfo__new copies the arrays it needs. */
		out->linfo = bpf_prog_linfo__new(&info);
		if (!out->linfo) {
			err = -errno;
			goto fail;
		}
	}
	free(linfo);
	free(jlinfo);
	return 0;

nomem:
	err = -ENOMEM;
fail:
	free(linfo);
	free(jlinfo);
	lbg_linfo_free(out);
	return err;
}

void lbg_linfo_free(struct lbg_linfo *l)
{
	bpf_prog_linfo__free(l->linfo);
	free(l->ksyms);
	free(l->func_lens);
	memset(l, 0, sizeof(*l));
}
