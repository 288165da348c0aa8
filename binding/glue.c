/* C glue between package libbpf and libbpf. See glue.h for the contract of
 * each function.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <linux/perf_event.h>
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

struct lbg_test_run_result lbg_test_run(int prog_fd,
					const void *data_in, __u32 data_size_in,
					void *data_out, __u32 data_size_out,
					const void *ctx_in, __u32 ctx_size_in,
					void *ctx_out, __u32 ctx_size_out,
					int repeat, __u32 flags, __u32 cpu)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data_in,
		.data_size_in = data_size_in,
		.data_out = data_out,
		.data_size_out = data_size_out,
		.ctx_in = ctx_in,
		.ctx_size_in = ctx_size_in,
		.ctx_out = ctx_out,
		.ctx_size_out = ctx_size_out,
		.repeat = repeat,
		.flags = flags,
		.cpu = cpu,
	);
	struct lbg_test_run_result res = { 0 };
	sigset_t all, old;

	/* The kernel stops a test run with EINTR when a signal is pending,
	 * after running the program some of the repeat times, and Go's
	 * runtime signals its threads often (preemption, profiling, children
	 * ending). Blocking the signals on this thread for the call makes the
	 * program run exactly repeat times, as in a C program without signal
	 * handlers; they are delivered when the mask is restored. SIGKILL and
	 * SIGSTOP cannot be blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	res.err = bpf_prog_test_run_opts(prog_fd, &opts);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	res.retval = opts.retval;
	res.duration = opts.duration;
	res.data_size_out = opts.data_size_out;
	res.ctx_size_out = opts.ctx_size_out;
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

int lbg_link_get_info(int fd, struct lbg_link_info *out, char *name, __u32 name_size)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = bpf_link_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->type = info.type;
	out->id = info.id;
	out->prog_id = info.prog_id;
	switch (info.type) {
	case BPF_LINK_TYPE_TRACING:
		out->attach_type = info.tracing.attach_type;
		out->target_obj_id = info.tracing.target_obj_id;
		out->target_btf_id = info.tracing.target_btf_id;
		break;
	case BPF_LINK_TYPE_CGROUP:
		out->attach_type = info.cgroup.attach_type;
		out->cgroup_id = info.cgroup.cgroup_id;
		break;
	case BPF_LINK_TYPE_NETNS:
		out->attach_type = info.netns.attach_type;
		out->netns_ino = info.netns.netns_ino;
		break;
	case BPF_LINK_TYPE_XDP:
		out->ifindex = info.xdp.ifindex;
		break;
	case BPF_LINK_TYPE_TCX:
		out->attach_type = info.tcx.attach_type;
		out->ifindex = info.tcx.ifindex;
		break;
	case BPF_LINK_TYPE_NETKIT:
		out->attach_type = info.netkit.attach_type;
		out->ifindex = info.netkit.ifindex;
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
		out->map_id = info.struct_ops.map_id;
		break;
	case BPF_LINK_TYPE_SOCKMAP:
		out->attach_type = info.sockmap.attach_type;
		out->map_id = info.sockmap.map_id;
		break;
	default:
		break;
	}

	/* The first call told the link type (and perf event kind); the second
	 * hands the kernel the buffer in the member that type uses.
	 */
	if (info.type == BPF_LINK_TYPE_RAW_TRACEPOINT) {
		memset(&info, 0, sizeof(info));
		info.raw_tracepoint.tp_name = (__u64)(unsigned long)name;
		info.raw_tracepoint.tp_name_len = name_size;
	} else if (info.type == BPF_LINK_TYPE_PERF_EVENT &&
		   info.perf_event.type == BPF_PERF_EVENT_TRACEPOINT) {
		memset(&info, 0, sizeof(info));
		info.perf_event.tracepoint.tp_name = (__u64)(unsigned long)name;
		info.perf_event.tracepoint.name_len = name_size;
	} else {
		return 0;
	}
	len = sizeof(info);
	err = bpf_link_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	out->has_tp_name = 1;
	return 0;
}

/* Ring buffer and perf buffer consumers.
 *
 * Why the samples are copied: libbpf's ring buffer moves the consumer
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
	struct lbg_perfbuf *p;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	p->epoll_fd = -1;
	p->wake_fd = -1;
	p->want_lost = want_lost;
	p->batch.limit = limit;
	p->pb = perf_buffer__new_raw(map_fd, page_cnt, &attr, lbg_perf_event, p, NULL);
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

/* --- Feature probes (features.go) --- */

int lbg_link_create_kprobe_multi(int prog_fd, const char *sym)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);

	opts.kprobe_multi.syms = &sym;
	opts.kprobe_multi.cnt = 1;
	return bpf_link_create(prog_fd, 0, BPF_TRACE_KPROBE_MULTI, &opts);
}

/* --- uprobe_multi feature probes (attach_uprobe.go) --- */

int lbg_link_create_uprobe_multi(int prog_fd, enum bpf_attach_type type, const char *path)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	unsigned long offset = 0;

	opts.uprobe_multi.path = path;
	opts.uprobe_multi.offsets = &offset;
	opts.uprobe_multi.cnt = 1;
	return bpf_link_create(prog_fd, 0, type, &opts);
}
