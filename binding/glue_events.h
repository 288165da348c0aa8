/* C glue of the ring buffer and perf buffer consumers (ringbuf*.go,
 * perfbuf*.go): declarations only; the definitions are in glue_events.c
 * and carry the lbg_ prefix.
 */
#ifndef LIBBPF_GO_GLUE_EVENTS_H
#define LIBBPF_GO_GLUE_EVENTS_H

#include <stdlib.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <stddef.h>
#include <linux/perf_event.h>

/* Ring buffer and perf buffer consumers (ringbuf.go, perfbuf.go).
 *
 * The samples are read in Go, in place, from the rings the kernel maps
 * (ringbuf_inplace.go, perfbuf_inplace.go): C keeps only what is not the
 * per-sample loop, libbpf's ring_buffer and perf_buffer (map checks, the
 * mmaps, the epoll set), and the wait below, one cgo call per Poll.
 *
 * libbpf's own consumers stay reachable through the batch functions
 * (lbg_ringbuf_consume, lbg_perfbuf_consume): their sample callbacks are
 * plain C and copy each sample into a C batch (struct lbg_batch), which Go
 * walks afterwards. The differential tests compare the Go consumers with
 * them.
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

/* lbg_ringbuf_wait empties the batch and waits up to timeout_ms (-1: no
 * limit) for data or a wake-up: LBG_WAIT_DATA, LBG_WAIT_WOKEN (after
 * draining the eventfd) or a negative error code. Nothing is consumed.
 */
int lbg_ringbuf_wait(struct lbg_ringbuf *r, int timeout_ms);

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
	/* cpus[i] is the CPU of per-CPU buffer i (buf_cnt of them) */
	int *cpus;
};

/* lbg_perfbuf_new calls perf_buffer__new_raw for the perf event array
 * map_fd with page_cnt pages per CPU and the event attributes
 * perf_buffer__new would use, recording lost samples only if want_lost;
 * NULL and errno on failure. It names the CPUs itself, those that
 * perf_buffer__new would pick (online, below the number of possible CPUs
 * and the map's max_entries), so that the CPU of each buffer is known:
 * cpus[i] for buffer i, map key cpus[i].
 */
struct lbg_perfbuf *lbg_perfbuf_new(int map_fd, size_t page_cnt, int want_lost, size_t limit);

/* lbg_perfbuf_poll and lbg_perfbuf_consume work as their lbg_ringbuf
 * counterparts, with perf_buffer__consume_buffer on each per-CPU buffer;
 * a full batch stops the read within a CPU's ring, which the next call
 * resumes.
 */
int lbg_perfbuf_poll(struct lbg_perfbuf *p, int timeout_ms);
int lbg_perfbuf_consume(struct lbg_perfbuf *p);

/* lbg_perfbuf_wait works as lbg_ringbuf_wait. */
/* Where the kernel's head and the consumer's tail are in the
 * perf_event_mmap_page that starts each per-CPU buffer, and the record
 * types the consumers read. */
enum {
	LBG_PERF_DATA_HEAD = offsetof(struct perf_event_mmap_page, data_head),
	LBG_PERF_DATA_TAIL = offsetof(struct perf_event_mmap_page, data_tail),
	LBG_PERF_RECORD_SAMPLE = PERF_RECORD_SAMPLE,
	LBG_PERF_RECORD_LOST = PERF_RECORD_LOST,
};

int lbg_perfbuf_wait(struct lbg_perfbuf *p, int timeout_ms);

/* lbg_perfbuf_free calls perf_buffer__free and releases the rest. */
void lbg_perfbuf_free(struct lbg_perfbuf *p);

/* --- User ring buffer (userringbuf.go) --- */

/* lbg_user_ringbuf_write reserves size bytes in the user ring buffer rb,
 * copies data into them and submits them, in one call from Go. It returns
 * 0, or the negative errno of user_ring_buffer__reserve (ENOSPC when the
 * ring is full).
 */
int lbg_user_ringbuf_write(struct user_ring_buffer *rb, const void *data, __u32 size);

#endif
