/* C glue between package libbpf and libbpf: declarations only, so that
 * cgo may include this header from a Go file that has //export functions.
 * Every definition carries the lbg_ prefix and lives in the glue file of
 * its concern: glue.c (logging and objects), glue_program.c (test runs),
 * glue_link.c (link info), glue_probe.c (feature probes); the consumers,
 * BTF dumps and line info have their own headers (glue_events.h,
 * glue_btf.h, glue_linfo.h).
 */
#ifndef LIBBPF_GO_GLUE_H
#define LIBBPF_GO_GLUE_H

/* The version guard. Each case is one line naming the fix: libbpf-setup
 * for a module that uses the binding, `make env` in a clone. The stand-in
 * binding/libbpf.pc defines LIBBPF_GO_NO_LIBBPF when pkg-config found no
 * libbpf at all; __has_include covers CGO_CFLAGS that name none. Those two
 * cases include a file named after the fix instead of #error: a missing
 * include is fatal, so the compiler stops at that one line instead of
 * going on to complain about every libbpf header.
 */
#if defined(LIBBPF_GO_NO_LIBBPF)
#include "libbpf-go found no libbpf; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone: eval $(make -s env))"
#elif defined(__has_include)
#if !__has_include(<bpf/libbpf_version.h>)
#include "libbpf-go found no libbpf >= 1.7.0 (no bpf/libbpf_version.h); run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone: eval $(make -s env))"
#endif
#endif
#include <bpf/libbpf_version.h>

/* One condition for every older release, and the same one-line fatal
 * include as above, with the version found expanded into the file name
 * (#error cannot expand macros).
 */
#define LBG_STR(...) #__VA_ARGS__
#define LBG_XSTR(...) LBG_STR(__VA_ARGS__)
#if LIBBPF_MAJOR_VERSION < 1 || (LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION < 7)
#include LBG_XSTR(libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf v LIBBPF_MAJOR_VERSION.LIBBPF_MINOR_VERSION; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone: eval $(make -s env)))
#endif

#include <stdlib.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

/* lbg_install_print makes lbg_print libbpf's print callback. */
void lbg_install_print(void);

/* lbg_set_log_level sets the most verbose libbpf level (LIBBPF_WARN,
 * LIBBPF_INFO or LIBBPF_DEBUG) that is formatted and handed to Go; -1 drops
 * every message without formatting it.
 */
void lbg_set_log_level(int max_level);

/* lbg_open_opts carries bpf_object_open_opts fields from Go; NULL strings
 * leave libbpf's defaults.
 */
struct lbg_open_opts {
	const char *object_name;
	const char *pin_root_path;
	const char *kconfig;
	const char *btf_custom_path;
	char *kernel_log_buf;
	size_t kernel_log_size;
	__u32 kernel_log_level;
	const char *bpf_token_path;
};

/* lbg_open_file calls bpf_object__open_file; NULL and errno on failure. */
struct bpf_object *lbg_open_file(const char *path, const struct lbg_open_opts *o);

/* lbg_open_mem calls bpf_object__open_mem; NULL and errno on failure. */
struct bpf_object *lbg_open_mem(const void *buf, size_t size, const struct lbg_open_opts *o);

/* lbg_load_result is what lbg_object_load returns: err is
 * bpf_object__load's return value and failed_prog the program libbpf
 * reported as failing to load, or NULL.
 */
struct lbg_load_result {
	int err;
	struct bpf_program *failed_prog;
};

/* lbg_object_load calls bpf_object__load and notes which program failed. */
struct lbg_load_result lbg_object_load(struct bpf_object *obj);

/* lbg_prepare_result is what lbg_object_prepare returns: err is
 * bpf_object__prepare's return value and failed_map the map libbpf
 * reported as failing to be created, or NULL.
 */
struct lbg_prepare_result {
	int err;
	struct bpf_map *failed_map;
};

/* lbg_object_prepare calls bpf_object__prepare (which creates the maps)
 * and notes which map failed.
 */
struct lbg_prepare_result lbg_object_prepare(struct bpf_object *obj);

/* lbg_test_run_result holds the outputs of bpf_prog_test_run_opts. */
struct lbg_test_run_result {
	int err;
	__u32 retval;
	__u32 duration;
	__u32 data_size_out;
	__u32 ctx_size_out;
};

/* lbg_test_run fills bpf_test_run_opts and calls bpf_prog_test_run_opts. */
struct lbg_test_run_result lbg_test_run(int prog_fd,
					const void *data_in, __u32 data_size_in,
					void *data_out, __u32 data_size_out,
					const void *ctx_in, __u32 ctx_size_in,
					void *ctx_out, __u32 ctx_size_out,
					int repeat, __u32 flags, __u32 cpu);

/* lbg_global locates a global variable: its DATASEC name, the internal map
 * that backs the section (NULL when none does, e.g. .ksyms), and the
 * variable's offset and size inside the section.
 */
struct lbg_global {
	int err;
	const char *sec;
	struct bpf_map *map;
	__u32 offset;
	__u32 size;
};

/* lbg_find_global looks name up among the VARs of the object's BTF DATASEC
 * types; err is -ENOENT when the object has no BTF or no such variable.
 */
struct lbg_global lbg_find_global(const struct bpf_object *obj, const char *name);

/* lbg_link_info is what lbg_link_get_info reports about a link. */
struct lbg_link_info {
	__u32 type;
	__u32 id;
	__u32 prog_id;
	/* 1 when the kernel reported a tracepoint name into the buffer */
	int has_tp_name;
	/* The attach target, for the link types that report it (0 when
	 * the type does not): attach_type of tracing, cgroup, netns, tcx,
	 * netkit and sockmap links; ifindex of xdp, tcx and netkit links;
	 * cgroup_id; netns_ino; map_id of struct_ops and sockmap links;
	 * target_obj_id and target_btf_id of tracing links. */
	__u32 attach_type;
	__u32 ifindex;
	__u64 cgroup_id;
	__u32 netns_ino;
	__u32 map_id;
	__u32 target_obj_id;
	__u32 target_btf_id;
};

/* lbg_link_get_info calls bpf_link_get_info_by_fd for the link fd and, for
 * raw tracepoint links and tracepoint perf event links, calls it again
 * with name (name_size bytes) in the union member cgo cannot fill, so that
 * the kernel writes the tracepoint's name there. It returns 0 or a
 * negative error code.
 */
int lbg_link_get_info(int fd, struct lbg_link_info *out, char *name, __u32 name_size);

/* --- Feature probes (features.go) --- */

/* lbg_link_create_multi calls bpf_link_create for a multi-probe link of
 * attach type type of the program prog_fd on one target, whose options sit
 * in a union cgo cannot fill: the kernel symbol target for
 * BPF_TRACE_KPROBE_MULTI, offset 0 of the file target for
 * BPF_TRACE_UPROBE_MULTI and BPF_TRACE_UPROBE_SESSION. It returns the
 * link's fd or a negative errno.
 */
int lbg_link_create_multi(int prog_fd, enum bpf_attach_type type, const char *target);

#endif /* LIBBPF_GO_GLUE_H */
