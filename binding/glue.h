/* C glue between package libbpf and libbpf: declarations only, so that
 * cgo may include this header from a Go file that has //export functions.
 * Every definition lives in glue.c and carries the lbg_ prefix.
 */
#ifndef LIBBPF_GO_GLUE_H
#define LIBBPF_GO_GLUE_H

#if defined(__has_include) && !__has_include(<bpf/libbpf_version.h>)
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but the libbpf found is too old to have bpf/libbpf_version.h; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#endif
#include <bpf/libbpf_version.h>

/* #error cannot expand macros, so each older release has its own line. */
#if LIBBPF_MAJOR_VERSION == 0
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 0.x; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 0
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.0; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 1
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.1; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 2
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.2; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 3
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.3; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 4
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.4; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 5
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.5; run `make libbpf` and build with `eval \"$(make -s env)\"`"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 6
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.6; run `make libbpf` and build with `eval \"$(make -s env)\"`"
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

#endif /* LIBBPF_GO_GLUE_H */
