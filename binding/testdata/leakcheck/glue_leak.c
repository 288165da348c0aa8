/* Leak check of the C glue (binding/glue.c) without Go: run under
 * valgrind --leak-check=full by `make leakcheck` (and `make soak`), as
 * root. It drives every glue function through its success and error
 * paths a number of rounds: open from memory and file, prepare and load
 * (and a load the verifier rejects), global lookup, ring buffers with
 * two rings and a small batch limit (so batches stop and resume), perf
 * buffers with lost-sample records, wake-ups, and libbpf's print callback
 * at debug level, including messages longer than its stack buffer.
 *
 * Usage: glue_leak events.bpf.o bad.bpf.o
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "glue.h"
#include "glue_events.h"
#include "_cgo_export.h"

#define ROUNDS 10
#define LOG_SIZE (1 << 20)
#define EVENTS 500
#define BATCH_LIMIT 4096 /* far below EVENTS events: many batches */

static unsigned long log_messages;

/* lbgGoLog replaces the Go logger: count the messages. */
void lbgGoLog(int level, char *msg, int n)
{
	(void)level;
	(void)msg;
	if (n >= 0)
		log_messages++;
}

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "glue_leak: line %d: ", __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fprintf(stderr, "\n");                            \
			exit(2);                                          \
		}                                                         \
	} while (0)

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	CHECK(f, "open %s: %s", path, strerror(errno));
	CHECK(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0, "size of %s", path);
	rewind(f);
	buf = malloc((size_t)n);
	CHECK(buf && fread(buf, 1, (size_t)n, f) == (size_t)n, "read %s", path);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static struct lbg_open_opts make_opts(const char *name)
{
	struct lbg_open_opts o = { 0 };

	o.object_name = name;
	o.kernel_log_buf = calloc(1, LOG_SIZE);
	o.kernel_log_size = LOG_SIZE;
	CHECK(o.kernel_log_buf, "calloc");
	return o;
}

/* set_events sets the n_events global of the loaded events object. */
static void set_events(struct bpf_object *obj, __u32 n)
{
	struct lbg_global g = lbg_find_global(obj, "n_events");
	size_t size;
	char *mem;

	CHECK(g.err == 0 && g.map, "n_events not found");
	mem = bpf_map__initial_value(g.map, &size);
	CHECK(mem && g.offset + g.size <= size, "n_events not mapped");
	memcpy(mem + g.offset, &n, sizeof(n));
}

static void run(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_name);
	struct lbg_test_run_result r;

	CHECK(p, "no program %s", prog_name);
	r = lbg_test_run(bpf_program__fd(p), NULL, 0, NULL, 0, NULL, 0, NULL, 0,
			 0, BPF_F_TEST_RUN_ON_CPU, 0);
	CHECK(r.err == 0, "test run %s: %d", prog_name, r.err);
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	CHECK(m && bpf_map__fd(m) >= 0, "no map %s", name);
	return bpf_map__fd(m);
}

static void ring_buffers(struct bpf_object *obj)
{
	struct lbg_ringbuf *r = lbg_ringbuf_new(map_fd(obj, "ring_a"), BATCH_LIMIT);
	size_t got = 0;
	__u64 one = 1;
	int ret;

	CHECK(r, "lbg_ringbuf_new: %s", strerror(errno));
	CHECK(lbg_ringbuf_add(r, map_fd(obj, "ring_b")) == 1, "lbg_ringbuf_add");
	CHECK(lbg_ringbuf_add(r, map_fd(obj, "hash")) < 0, "lbg_ringbuf_add of a hash map");
	set_events(obj, EVENTS);
	run(obj, "emit_ring_a");
	run(obj, "emit_ring_b");
	ret = lbg_ringbuf_poll(r, 1000);
	CHECK(ret == LBG_WAIT_DATA, "lbg_ringbuf_poll: %d", ret);
	for (;;) {
		size_t pos = 0;

		while (pos < r->batch.len) {
			struct lbg_rec *rec = (struct lbg_rec *)(r->batch.buf + pos);

			pos += sizeof(*rec) + ((rec->size + 7) & ~7u);
			got++;
		}
		if (!r->batch.stopped)
			break;
		CHECK(lbg_ringbuf_consume(r) == 0, "lbg_ringbuf_consume");
	}
	CHECK(got == 2 * EVENTS, "ring buffers: %zu events, want %d", got, 2 * EVENTS);
	/* A wake-up through the eventfd, as Close does. */
	CHECK(write(r->wake_fd, &one, sizeof(one)) == sizeof(one), "write eventfd");
	CHECK(lbg_ringbuf_poll(r, -1) == LBG_WAIT_WOKEN, "woken poll");
	lbg_ringbuf_free(r);
}

static void perf_buffers(struct bpf_object *obj)
{
	struct lbg_perfbuf *p;
	int ret;

	/* Too many pages: libbpf fails, the glue cleans up. */
	p = lbg_perfbuf_new(map_fd(obj, "perf"), (size_t)1 << 40, 1, BATCH_LIMIT);
	CHECK(!p, "lbg_perfbuf_new with 2^40 pages succeeded");

	/* One page for 500 events of 72 bytes: samples are lost. */
	p = lbg_perfbuf_new(map_fd(obj, "perf"), 1, 1, BATCH_LIMIT);
	CHECK(p, "lbg_perfbuf_new: %s", strerror(errno));
	set_events(obj, EVENTS);
	run(obj, "emit_perf");
	ret = lbg_perfbuf_poll(p, 1000);
	CHECK(ret == LBG_WAIT_DATA, "lbg_perfbuf_poll: %d", ret);
	while (p->batch.stopped)
		CHECK(lbg_perfbuf_consume(p) == 0, "lbg_perfbuf_consume");
	run(obj, "emit_perf"); /* reports the lost samples */
	CHECK(lbg_perfbuf_consume(p) == 0, "lbg_perfbuf_consume");
	lbg_perfbuf_free(p);
}

int main(int argc, char **argv)
{
	size_t events_size, bad_size;
	void *events_data, *bad_data;
	char garbage[256];
	int i;

	CHECK(argc == 3, "usage: %s events.bpf.o bad.bpf.o", argv[0]);
	events_data = read_file(argv[1], &events_size);
	bad_data = read_file(argv[2], &bad_size);
	memset(garbage, 0x5a, sizeof(garbage));

	lbg_install_print();
	lbg_set_log_level(LIBBPF_DEBUG);

	for (i = 0; i < ROUNDS; i++) {
		struct lbg_open_opts o = make_opts("events");
		struct lbg_load_result lr;
		struct lbg_prepare_result pr;
		struct bpf_object *obj;

		/* From memory, the full life cycle. */
		obj = lbg_open_mem(events_data, events_size, &o);
		CHECK(obj, "lbg_open_mem: %s", strerror(errno));
		CHECK(lbg_find_global(obj, "no_such_global").err == -ENOENT, "unknown global");
		pr = lbg_object_prepare(obj);
		CHECK(pr.err == 0, "lbg_object_prepare: %d", pr.err);
		lr = lbg_object_load(obj);
		CHECK(lr.err == 0, "lbg_object_load: %d", lr.err);
		ring_buffers(obj);
		perf_buffers(obj);
		bpf_object__close(obj);
		free(o.kernel_log_buf);

		/* From the file, with a map the kernel refuses. */
		o = make_opts(NULL);
		obj = lbg_open_file(argv[1], &o);
		CHECK(obj, "lbg_open_file: %s", strerror(errno));
		CHECK(bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "hash"), 0) == 0,
		      "set_max_entries");
		pr = lbg_object_prepare(obj);
		CHECK(pr.err < 0 && pr.failed_map &&
		      strcmp(bpf_map__name(pr.failed_map), "hash") == 0, "failed map not named");
		bpf_object__close(obj);
		free(o.kernel_log_buf);

		/* A program the verifier rejects. */
		o = make_opts("bad");
		obj = lbg_open_mem(bad_data, bad_size, &o);
		CHECK(obj, "lbg_open_mem bad: %s", strerror(errno));
		lr = lbg_object_load(obj);
		CHECK(lr.err < 0 && lr.failed_prog, "bad object loaded");
		bpf_object__close(obj);
		free(o.kernel_log_buf);

		/* Not an object at all. */
		o = make_opts(NULL);
		obj = lbg_open_mem(garbage, sizeof(garbage), &o);
		CHECK(!obj, "garbage opened");
		free(o.kernel_log_buf);
	}
	free(events_data);
	free(bad_data);
	printf("glue_leak: %d rounds, %lu libbpf messages\n", ROUNDS, log_messages);
	return 0;
}
