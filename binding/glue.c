/* C glue of objects and logging: libbpf's print callback, open, load and
 * prepare with the name of what failed, and the lookup of a global
 * variable in the object's BTF. See glue.h for the contract of each
 * function; the other concerns have their own glue_*.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "glue.h"
#include "_cgo_export.h"

/* The format of the warning bpf_object__load_progs prints (pr_warn adds the
 * "libbpf: " prefix), with the program's name as first argument, when one
 * of the object's programs does not load. lbg_object_load watches for it to
 * learn which program failed.
 */
#define LBG_PROG_FAILED_FMT "libbpf: prog '%s': failed to load: %s\n"

/* The warning bpf_object__create_maps prints, with the map's name as first
 * argument, when a map cannot be created (or reused, or pinned) during
 * bpf_object__prepare; lbg_object_prepare watches for it.
 */
#define LBG_MAP_FAILED_FMT "libbpf: map '%s': failed to create: %s\n"

/* Most verbose level passed on to Go; read on every message, written by
 * SetLogger, so accessed atomically.
 */
static int lbg_log_max = LIBBPF_WARN;

/* Set by lbg_object_load and lbg_object_prepare on their own thread for
 * the duration of the libbpf call, which calls the print callback
 * synchronously: the first warning of format lbg_failed_fmt stores its
 * name argument in *lbg_failed_name.
 */
static __thread const char **lbg_failed_name;
static __thread const char *lbg_failed_fmt;

static int lbg_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char stack_buf[512];
	char *msg = stack_buf;
	va_list ap2;
	int n;

	if (level == LIBBPF_WARN && lbg_failed_name && !*lbg_failed_name &&
	    strcmp(fmt, lbg_failed_fmt) == 0) {
		va_copy(ap2, ap);
		*lbg_failed_name = va_arg(ap2, const char *);
		va_end(ap2);
	}

	if ((int)level > __atomic_load_n(&lbg_log_max, __ATOMIC_RELAXED))
		return 0;

	va_copy(ap2, ap);
	n = vsnprintf(stack_buf, sizeof(stack_buf), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(stack_buf)) {
		msg = malloc((size_t)n + 1);
		if (!msg)
			return -ENOMEM;
		va_copy(ap2, ap);
		n = vsnprintf(msg, (size_t)n + 1, fmt, ap2);
		va_end(ap2);
	}
	if (n >= 0)
		lbgGoLog((int)level, msg, n);
	if (msg != stack_buf)
		free(msg);
	return n;
}

void lbg_install_print(void)
{
	libbpf_set_print(lbg_print);
}

void lbg_set_log_level(int max_level)
{
	__atomic_store_n(&lbg_log_max, max_level, __ATOMIC_RELAXED);
}

static void lbg_fill_open_opts(struct bpf_object_open_opts *opts,
			       const struct lbg_open_opts *o)
{
	opts->object_name = o->object_name;
	opts->pin_root_path = o->pin_root_path;
	opts->kconfig = o->kconfig;
	opts->btf_custom_path = o->btf_custom_path;
	opts->kernel_log_buf = o->kernel_log_buf;
	opts->kernel_log_size = o->kernel_log_size;
	opts->kernel_log_level = o->kernel_log_level;
	opts->bpf_token_path = o->bpf_token_path;
}

struct bpf_object *lbg_open_file(const char *path, const struct lbg_open_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);

	lbg_fill_open_opts(&opts, o);
	return bpf_object__open_file(path, &opts);
}

struct bpf_object *lbg_open_mem(const void *buf, size_t size, const struct lbg_open_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);

	lbg_fill_open_opts(&opts, o);
	return bpf_object__open_mem(buf, size, &opts);
}

struct lbg_load_result lbg_object_load(struct bpf_object *obj)
{
	struct lbg_load_result res = { 0, NULL };
	const char *failed_name = NULL;
	struct bpf_program *prog;

	lbg_failed_fmt = LBG_PROG_FAILED_FMT;
	lbg_failed_name = &failed_name;
	res.err = bpf_object__load(obj);
	lbg_failed_name = NULL;

	if (res.err && failed_name) {
		/* libbpf passes prog->name itself, so compare pointers. */
		bpf_object__for_each_program(prog, obj) {
			if (bpf_program__name(prog) == failed_name) {
				res.failed_prog = prog;
				break;
			}
		}
	}
	return res;
}

struct lbg_prepare_result lbg_object_prepare(struct bpf_object *obj)
{
	struct lbg_prepare_result res = { 0, NULL };
	const char *failed_name = NULL;
	struct bpf_map *map;

	lbg_failed_fmt = LBG_MAP_FAILED_FMT;
	lbg_failed_name = &failed_name;
	res.err = bpf_object__prepare(obj);
	lbg_failed_name = NULL;

	if (res.err && failed_name) {
		/* libbpf passes map->name itself, so compare pointers. */
		bpf_object__for_each_map(map, obj) {
			if (bpf_map__name(map) == failed_name) {
				res.failed_map = map;
				break;
			}
		}
	}
	return res;
}

struct lbg_global lbg_find_global(const struct bpf_object *obj, const char *name)
{
	struct lbg_global res = { -ENOENT, NULL, NULL, 0, 0 };
	const struct btf_var_secinfo *vsi;
	const struct btf_type *t, *var;
	const struct btf *btf;
	__u32 id, n;
	int i, vlen;

	btf = bpf_object__btf(obj);
	if (!btf)
		return res;

	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_datasec(t))
			continue;
		vsi = btf_var_secinfos(t);
		vlen = btf_vlen(t);
		for (i = 0; i < vlen; i++, vsi++) {
			var = btf__type_by_id(btf, vsi->type);
			if (!var || !btf_is_var(var))
				continue;
			if (strcmp(btf__name_by_offset(btf, var->name_off), name) != 0)
				continue;
			res.err = 0;
			res.sec = btf__name_by_offset(btf, t->name_off);
			/* Internal maps are found by their ELF section name. */
			res.map = bpf_object__find_map_by_name(obj, res.sec);
			res.offset = vsi->offset;
			res.size = vsi->size;
			return res;
		}
	}
	return res;
}
