/* C glue between package libbpf and libbpf: declarations only, so that
 * cgo may include this header from a Go file that has //export functions.
 * Every definition lives in glue.c and carries the lbg_ prefix.
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

/* #error cannot expand macros, so each older release has its own line. */
#if LIBBPF_MAJOR_VERSION == 0
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 0.x; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 0
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.0; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 1
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.1; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 2
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.2; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 3
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.3; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 4
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.4; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 5
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.5; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
#elif LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 6
#error "libbpf-go needs libbpf >= 1.7.0 (the pinned release) but found libbpf 1.6; run: go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest (in a clone of libbpf-go: eval \"$(make -s env)\")"
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

/* Ring buffer and perf buffer consumers (ringbuf.go, perfbuf.go).
 *
 * libbpf calls the sample callbacks below, which are plain C: each copies
 * its sample into a C batch (struct lbg_batch) instead of calling Go, so a
 * Go callback never runs inside libbpf and crossing into C costs one cgo
 * call per batch, not per sample. Go walks the batch afterwards.
 */

/* lbg_rec heads each record of a batch; size bytes of data follow, and the
 * next record starts at the next multiple of 8. tag is the ring's index
 * (ring buffer) or the CPU (perf buffer), with LBG_REC_LOST set for a perf
 * buffer's lost-samples record, whose data is a __u64 count.
 */
struct lbg_rec {
	__u32 size;
	__u32 tag;
};

#define LBG_REC_LOST 0x80000000u

/* lbg_batch is the arena the sample callbacks fill. A callback stops the
 * consumption (stopped = 1) once len reaches limit; err is set when the
 * arena could not grow for a sample, which is then dropped.
 */
struct lbg_batch {
	unsigned char *buf;
	size_t len;
	size_t cap;
	size_t limit;
	int stopped;
	int err;
};

/* lbg_wait returns what lbg_ringbuf_poll and lbg_perfbuf_poll waited for. */
enum {
	LBG_WAIT_DATA = 0,    /* data may be ready, or the timeout passed */
	LBG_WAIT_WOKEN = 1,   /* lbg's eventfd was written: Close or Run's context */
};

struct lbg_ring_ctx;

/* lbg_ringbuf is a libbpf ring_buffer plus the batch its rings fill and an
 * epoll set holding libbpf's epoll fd and an eventfd that wakes a blocked
 * poll.
 */
struct lbg_ringbuf {
	struct ring_buffer *rb;
	int epoll_fd;
	int wake_fd;
	struct lbg_batch batch;
	struct lbg_ring_ctx **ctxs;
	size_t ring_cnt;
	/* first ring the next lbg_ringbuf_consume looks at: a round stopped
	 * by a full batch resumes at the ring it stopped in.
	 */
	size_t resume;
};

/* lbg_ringbuf_new calls ring_buffer__new for the ring map map_fd (ring
 * index 0) with a batch that stops at limit bytes; NULL and errno on
 * failure.
 */
struct lbg_ringbuf *lbg_ringbuf_new(int map_fd, size_t limit);

/* lbg_ringbuf_add calls ring_buffer__add for map_fd; it returns the new
 * ring's index or a negative error code.
 */
int lbg_ringbuf_add(struct lbg_ringbuf *r, int map_fd);

/* lbg_ringbuf_poll empties the batch, waits up to timeout_ms (-1: no
 * limit) for data or a wake-up, and consumes as lbg_ringbuf_consume does
 * when data is ready. It returns LBG_WAIT_DATA, LBG_WAIT_WOKEN (after
 * draining the eventfd; nothing consumed) or a negative error code.
 */
int lbg_ringbuf_poll(struct lbg_ringbuf *r, int timeout_ms);

/* lbg_ringbuf_consume empties the batch and consumes the rings with
 * ring__consume, from ring resume on, until all are empty or the batch is
 * full; 0 or a negative error code.
 */
int lbg_ringbuf_consume(struct lbg_ringbuf *r);

/* lbg_ringbuf_free calls ring_buffer__free and releases the rest. */
void lbg_ringbuf_free(struct lbg_ringbuf *r);

/* lbg_perfbuf is a libbpf perf_buffer with its batch and wake-up epoll set,
 * as lbg_ringbuf.
 */
struct lbg_perfbuf {
	struct perf_buffer *pb;
	int epoll_fd;
	int wake_fd;
	struct lbg_batch batch;
	size_t buf_cnt;
	/* next per-CPU buffer lbg_perfbuf_consume looks at */
	size_t resume;
	/* whether lost-samples records go into the batch */
	int want_lost;
};

/* lbg_perfbuf_new calls perf_buffer__new_raw for the perf event array
 * map_fd with page_cnt pages per CPU and the event attributes
 * perf_buffer__new would use, recording lost samples only if want_lost;
 * NULL and errno on failure.
 */
struct lbg_perfbuf *lbg_perfbuf_new(int map_fd, size_t page_cnt, int want_lost, size_t limit);

/* lbg_perfbuf_poll and lbg_perfbuf_consume work as their lbg_ringbuf
 * counterparts, with perf_buffer__consume_buffer on each per-CPU buffer;
 * a full batch stops the read within a CPU's ring, which the next call
 * resumes.
 */
int lbg_perfbuf_poll(struct lbg_perfbuf *p, int timeout_ms);
int lbg_perfbuf_consume(struct lbg_perfbuf *p);

/* lbg_perfbuf_free calls perf_buffer__free and releases the rest. */
void lbg_perfbuf_free(struct lbg_perfbuf *p);

/* --- User ring buffer (userringbuf.go) --- */

/* lbg_user_ringbuf_write reserves size bytes in the user ring buffer rb,
 * copies data into them and submits them, in one call from Go. It returns
 * 0, or the negative errno of user_ring_buffer__reserve (ENOSPC when the
 * ring is full).
 */
int lbg_user_ringbuf_write(struct user_ring_buffer *rb, const void *data, __u32 size);

/* --- Feature probes (features.go) --- */

/* lbg_link_create_kprobe_multi calls bpf_link_create for a kprobe_multi
 * link (BPF_TRACE_KPROBE_MULTI) of the program prog_fd on the one kernel
 * symbol sym, whose options sit in a union cgo cannot fill. It returns the
 * link's fd or a negative errno.
 */
int lbg_link_create_kprobe_multi(int prog_fd, const char *sym);

/* --- uprobe_multi feature probes (attach_uprobe.go) --- */

/* lbg_link_create_uprobe_multi calls bpf_link_create for a uprobe_multi
 * link of attach type type (BPF_TRACE_UPROBE_MULTI or
 * BPF_TRACE_UPROBE_SESSION) of the program prog_fd on offset 0 of the file
 * path, whose options sit in a union cgo cannot fill. It returns the
 * link's fd or a negative errno.
 */
int lbg_link_create_uprobe_multi(int prog_fd, enum bpf_attach_type type, const char *path);

#endif /* LIBBPF_GO_GLUE_H */
