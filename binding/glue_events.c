/* C glue of the ring buffer and perf buffer consumers; see glue_events.h
 * for the contract of each function.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "glue_events.h"

/* Ring buffer and perf buffer consumers: what stays in C.
 *
 * Go reads the samples in place (ringbuf_inplace.go, perfbuf_inplace.go)
 * and calls in here only to wait (lbg_*_wait). The batch functions below
 * are libbpf's own consumers, kept as the reference that the differential
 * tests compare the Go consumers with.
 *
 * Why they copy the samples: libbpf's ring buffer moves the consumer
 * position past a sample as soon as its callback returns (even when it
 * returns an error), and the perf buffer moves its tail once a whole read
 * is done, after which the kernel may overwrite the sample. A pointer into
 * the ring is therefore only good during the C callback, long before Go
 * gets to see it. So each callback copies its sample into the batch arena
 * (one memcpy, far cheaper than a cgo call) and Go walks the arena after
 * the consuming call returns: one cgo call per batch, however many samples
 * it holds. To bound the arena, a ring buffer callback stops the
 * consumption once the batch reaches its limit, by returning a negative
 * value after copying the sample (libbpf counts the sample as consumed
 * either way, so nothing is lost or seen twice); the perf buffer's raw
 * event callback stops the read of a CPU's ring the same way, and libbpf
 * moves the ring's tail past the records read so far.
 */

/* lbg_ring_ctx is the callback context libbpf hands to lbg_ring_sample: C
 * memory naming the batch and the ring's index.
 */
struct lbg_ring_ctx {
	struct lbg_batch *batch;
	__u32 idx;
};

/* Value a ring callback returns to stop libbpf once the batch is full;
 * lbg_ringbuf_consume tells it from real errors by batch.stopped.
 */
#define LBG_STOP (-EAGAIN)

static void lbg_batch_reset(struct lbg_batch *b)
{
	b->len = 0;
	b->stopped = 0;
	b->err = 0;
}

/* lbg_batch_put appends one record, growing the arena when a sample does
 * not fit; 0 or -ENOMEM (also kept in b->err). It runs once per sample, so
 * it is inlined into the callbacks, and samples of up to 256 bytes are
 * copied word by word: ring buffer samples start on 8 bytes, and records
 * in the arena too, which saves a call into memcpy per sample.
 */
static inline __attribute__((always_inline))
int lbg_batch_put(struct lbg_batch *b, __u32 tag, const void *data, size_t size)
{
	size_t need = sizeof(struct lbg_rec) + ((size + 7) & ~(size_t)7);
	struct lbg_rec *rec;

	if (b->len + need > b->cap) {
		size_t cap = b->cap ? b->cap : b->limit;
		unsigned char *buf;

		while (cap < b->len + need)
			cap *= 2;
		buf = realloc(b->buf, cap);
		if (!buf) {
			b->err = -ENOMEM;
			return -ENOMEM;
		}
		b->buf = buf;
		b->cap = cap;
	}
	rec = (struct lbg_rec *)(b->buf + b->len);
	rec->size = (__u32)size;
	rec->tag = tag;
	if (size <= 256 && ((unsigned long)data & 7) == 0) {
		const __u64 *src = data;
		__u64 *dst = (__u64 *)(rec + 1);
		size_t i, words = (size + 7) / 8;

		/* The last word may read past the sample, up to the 8-byte
		 * boundary, which is still inside the ring's record (records
		 * are 8-byte aligned) or the perf record. */
		for (i = 0; i < words; i++)
			dst[i] = src[i];
	} else {
		memcpy(rec + 1, data, size);
	}
	b->len += need;
	return 0;
}

/* lbg_wake_setup makes the epoll set that lbg_wait waits on: the consumer's
 * own epoll fd (libbpf's, nested; its readiness means some ring has data)
 * and a non-blocking eventfd that Go writes to wake the waiter.
 */
static int lbg_wake_setup(int inner_fd, int *epoll_fd, int *wake_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };

	*epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (*epoll_fd < 0)
		return -errno;
	*wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*wake_fd < 0)
		return -errno;
	ev.data.u32 = LBG_WAIT_DATA;
	if (epoll_ctl(*epoll_fd, EPOLL_CTL_ADD, inner_fd, &ev) < 0)
		return -errno;
	ev.data.u32 = LBG_WAIT_WOKEN;
	if (epoll_ctl(*epoll_fd, EPOLL_CTL_ADD, *wake_fd, &ev) < 0)
		return -errno;
	return 0;
}

static void lbg_close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static __s64 lbg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* lbg_wait waits on epoll_fd, going on waiting for the rest of the timeout
 * when a signal interrupts it.
 */
static int lbg_wait(int epoll_fd, int wake_fd, int timeout_ms)
{
	__s64 deadline = lbg_now_ms() + timeout_ms;
	struct epoll_event ev[2];
	__u64 cnt;
	int i, n;

	while ((n = epoll_wait(epoll_fd, ev, 2, timeout_ms)) < 0) {
		if (errno != EINTR)
			return -errno;
		if (timeout_ms > 0) {
			__s64 left = deadline - lbg_now_ms();

			timeout_ms = left > 0 ? (int)left : 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (ev[i].data.u32 == LBG_WAIT_WOKEN) {
			/* Non-blocking: a racing reader leaves it at 0. */
			if (read(wake_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
				return -errno;
			return LBG_WAIT_WOKEN;
		}
	}
	return LBG_WAIT_DATA;
}

static int lbg_ring_sample(void *ctx, void *data, size_t size)
{
	struct lbg_ring_ctx *c = ctx;
	struct lbg_batch *b = c->batch;

	if (lbg_batch_put(b, c->idx, data, size) < 0)
		return -ENOMEM;
	if (b->len >= b->limit) {
		b->stopped = 1;
		return LBG_STOP;
	}
	return 0;
}

/* lbg_ring_ctx_new makes the context of ring r->ring_cnt, which is counted
 * only once ring_buffer__new or ring_buffer__add accepted it.
 */
static struct lbg_ring_ctx *lbg_ring_ctx_new(struct lbg_ringbuf *r)
{
	struct lbg_ring_ctx **ctxs, *c;

	ctxs = realloc(r->ctxs, (r->ring_cnt + 1) * sizeof(*ctxs));
	if (!ctxs)
		return NULL;
	r->ctxs = ctxs;
	c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	c->batch = &r->batch;
	c->idx = (__u32)r->ring_cnt;
	ctxs[r->ring_cnt] = c;
	return c;
}

struct lbg_ringbuf *lbg_ringbuf_new(int map_fd, size_t limit)
{
	struct lbg_ring_ctx *c;
	struct lbg_ringbuf *r;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->epoll_fd = -1;
	r->wake_fd = -1;
	r->batch.limit = limit;
	c = lbg_ring_ctx_new(r);
	if (!c) {
		err = -ENOMEM;
		goto fail;
	}
	r->rb = ring_buffer__new(map_fd, lbg_ring_sample, c, NULL);
	if (!r->rb) {
		err = -errno;
		free(c);
		goto fail;
	}
	r->ring_cnt = 1;
	err = lbg_wake_setup(ring_buffer__epoll_fd(r->rb), &r->epoll_fd, &r->wake_fd);
	if (err)
		goto fail;
	return r;
fail:
	lbg_ringbuf_free(r);
	errno = -err;
	return NULL;
}

int lbg_ringbuf_add(struct lbg_ringbuf *r, int map_fd)
{
	struct lbg_ring_ctx *c;
	int err;

	c = lbg_ring_ctx_new(r);
	if (!c)
		return -ENOMEM;
	err = ring_buffer__add(r->rb, map_fd, lbg_ring_sample, c);
	if (err) {
		free(c);
		return err;
	}
	return (int)r->ring_cnt++;
}

int lbg_ringbuf_consume(struct lbg_ringbuf *r)
{
	size_t i;
	int ret;

	lbg_batch_reset(&r->batch);
	for (i = r->resume; i < r->ring_cnt; i++) {
		ret = ring__consume(ring_buffer__ring(r->rb, i));
		if (r->batch.err) {
			r->resume = 0;
			return r->batch.err;
		}
		if (r->batch.stopped) {
			/* This ring may hold more: the next round starts here. */
			r->resume = i;
			return 0;
		}
		if (ret < 0) {
			r->resume = 0;
			return ret;
		}
	}
	r->resume = 0;
	return 0;
}

int lbg_ringbuf_wait(struct lbg_ringbuf *r, int timeout_ms)
{
	lbg_batch_reset(&r->batch);
	return lbg_wait(r->epoll_fd, r->wake_fd, timeout_ms);
}

int lbg_ringbuf_poll(struct lbg_ringbuf *r, int timeout_ms)
{
	int ret;

	lbg_batch_reset(&r->batch);
	ret = lbg_wait(r->epoll_fd, r->wake_fd, timeout_ms);
	if (ret != LBG_WAIT_DATA)
		return ret;
	/* Consuming every ring is a few memory reads each, cheaper than
	 * asking libbpf's epoll set which ones are ready.
	 */
	return lbg_ringbuf_consume(r);
}

void lbg_ringbuf_free(struct lbg_ringbuf *r)
{
	size_t i;

	if (!r)
		return;
	ring_buffer__free(r->rb);
	lbg_close_fd(r->epoll_fd);
	lbg_close_fd(r->wake_fd);
	for (i = 0; i < r->ring_cnt; i++)
		free(r->ctxs[i]);
	free(r->ctxs);
	free(r->batch.buf);
	free(r);
}

/* The perf records lbg_perf_event reads (PERF_SAMPLE_RAW samples). */
struct lbg_perf_sample_rec {
	struct perf_event_header header;
	__u32 size;
	char data[];
};

struct lbg_perf_lost_rec {
	struct perf_event_header header;
	__u64 id;
	__u64 lost;
};

/* lbg_perf_event is the perf buffer's raw event callback: it copies a
 * sample, or a lost-samples count when the caller wants those, into the
 * batch, and returns LIBBPF_PERF_EVENT_DONE once the batch is full, which
 * makes libbpf stop reading that CPU's ring after this record and move
 * the ring's tail past it. libbpf's own record callback, behind
 * perf_buffer__new, cannot stop a read, so a busy ring would grow the
 * batch far beyond the caches.
 */
static enum bpf_perf_event_ret lbg_perf_event(void *ctx, int cpu, struct perf_event_header *e)
{
	struct lbg_perfbuf *p = ctx;
	struct lbg_batch *b = &p->batch;

	switch (e->type) {
	case PERF_RECORD_SAMPLE: {
		struct lbg_perf_sample_rec *s = (void *)e;

		/* On -ENOMEM the sample is dropped and batch.err reports it. */
		lbg_batch_put(b, (__u32)cpu, s->data, s->size);
		break;
	}
	case PERF_RECORD_LOST: {
		struct lbg_perf_lost_rec *l = (void *)e;

		if (p->want_lost)
			lbg_batch_put(b, (__u32)cpu | LBG_REC_LOST, &l->lost, sizeof(l->lost));
		break;
	}
	default:
		/* As libbpf's record callback: an unknown record type stops the
		 * read with an error. */
		b->err = -EBADMSG;
		return LIBBPF_PERF_EVENT_ERROR;
	}
	if (b->len >= b->limit) {
		b->stopped = 1;
		return LIBBPF_PERF_EVENT_DONE;
	}
	return LIBBPF_PERF_EVENT_CONT;
}

/* lbg_online_cpus fills cpus (room for max) with the online CPUs below
 * max, from /sys/devices/system/cpu/online ("0-3,5,7-8"), as libbpf reads
 * it; the count or a negative error code.
 */
static int lbg_online_cpus(int *cpus, int max)
{
	char buf[4096];
	ssize_t len;
	char *p, *end;
	int fd, cnt = 0;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	if (len < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[len] = 0;
	for (p = buf; *p && *p != '\n';) {
		long first, last, cpu;

		first = strtol(p, &end, 10);
		if (end == p || first < 0)
			return -EINVAL;
		last = first;
		p = end;
		if (*p == '-') {
			p++;
			last = strtol(p, &end, 10);
			if (end == p || last < first)
				return -EINVAL;
			p = end;
		}
		for (cpu = first; cpu <= last && cpu < max; cpu++)
			cpus[cnt++] = (int)cpu;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return cnt;
}

struct lbg_perfbuf *lbg_perfbuf_new(int map_fd, size_t page_cnt, int want_lost, size_t limit)
{
	/* The attributes perf_buffer__new gives each CPU's BPF output event. */
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.wakeup_events = 1,
	};
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	LIBBPF_OPTS(perf_buffer_raw_opts, opts);
	struct lbg_perfbuf *p;
	int err, max;

	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->epoll_fd = -1;
	p->wake_fd = -1;
	p->want_lost = want_lost;
	p->batch.limit = limit;
	/* The CPUs perf_buffer__new would take: the online ones among the
	 * possible CPUs, and below max_entries when the map has it. */
	err = bpf_map_get_info_by_fd(map_fd, &info, &info_len);
	if (err)
		goto fail;
	max = libbpf_num_possible_cpus();
	if (max < 0) {
		err = max;
		goto fail;
	}
	if (info.max_entries && (int)info.max_entries < max)
		max = (int)info.max_entries;
	p->cpus = calloc(max ? max : 1, sizeof(*p->cpus));
	if (!p->cpus) {
		err = -ENOMEM;
		goto fail;
	}
	err = lbg_online_cpus(p->cpus, max);
	if (err < 0)
		goto fail;
	if (err == 0) {
		err = -ENODEV;
		goto fail;
	}
	opts.cpu_cnt = err;
	opts.cpus = p->cpus;
	opts.map_keys = p->cpus;
	p->pb = perf_buffer__new_raw(map_fd, page_cnt, &attr, lbg_perf_event, p, &opts);
	if (!p->pb) {
		err = -errno;
		goto fail;
	}
	p->buf_cnt = perf_buffer__buffer_cnt(p->pb);
	err = lbg_wake_setup(perf_buffer__epoll_fd(p->pb), &p->epoll_fd, &p->wake_fd);
	if (err)
		goto fail;
	return p;
fail:
	lbg_perfbuf_free(p);
	errno = -err;
	return NULL;
}

int lbg_perfbuf_consume(struct lbg_perfbuf *p)
{
	size_t i;
	int ret;

	lbg_batch_reset(&p->batch);
	for (i = p->resume; i < p->buf_cnt; i++) {
		ret = perf_buffer__consume_buffer(p->pb, i);
		if (p->batch.err) {
			p->resume = 0;
			return p->batch.err;
		}
		/* -ENOENT: no buffer for this slot (an offline CPU). */
		if (ret < 0 && ret != -ENOENT) {
			p->resume = 0;
			return ret;
		}
		if (p->batch.stopped) {
			/* This CPU's ring may hold more: start there next time. */
			p->resume = i;
			return 0;
		}
	}
	p->resume = 0;
	return 0;
}

int lbg_perfbuf_wait(struct lbg_perfbuf *p, int timeout_ms)
{
	lbg_batch_reset(&p->batch);
	return lbg_wait(p->epoll_fd, p->wake_fd, timeout_ms);
}

int lbg_perfbuf_poll(struct lbg_perfbuf *p, int timeout_ms)
{
	int ret;

	lbg_batch_reset(&p->batch);
	ret = lbg_wait(p->epoll_fd, p->wake_fd, timeout_ms);
	if (ret != LBG_WAIT_DATA)
		return ret;
	/* Not perf_buffer__poll: our epoll_wait already asked each perf event
	 * whether it is readable, and perf events answer only once per
	 * wake-up, so libbpf's own epoll_wait would now see nothing. Every
	 * buffer is consumed instead (an empty one costs a few reads).
	 */
	return lbg_perfbuf_consume(p);
}

void lbg_perfbuf_free(struct lbg_perfbuf *p)
{
	if (!p)
		return;
	perf_buffer__free(p->pb);
	lbg_close_fd(p->epoll_fd);
	lbg_close_fd(p->wake_fd);
	free(p->batch.buf);
	free(p->cpus);
	free(p);
}

/* --- User ring buffer (userringbuf.go) --- */

int lbg_user_ringbuf_write(struct user_ring_buffer *rb, const void *data, __u32 size)
{
	void *sample = user_ring_buffer__reserve(rb, size);

	if (!sample)
		return -errno;
	memcpy(sample, data, size);
	user_ring_buffer__submit(rb, sample);
	return 0;
}
