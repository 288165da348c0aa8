// The C driver of the benchmark: the workloads of bench/README.md run
// directly against libbpf. It prints one JSON line per workload and exits
// non-zero, naming the failed check, when a workload did not do its work.
// The Go drivers (bench/cmd/gobench) mirror it constant for constant.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define NKEYS 10000
#define LOOKUP_PASSES 10
#define UPDATE_PASSES 10
#define ITER_PASSES 5
#define BATCH_PASSES 10
#define BATCH_SIZE 1024
#define RING_EVENTS 200000
#define PERF_EVENTS 40000
#define PERF_PAGES 1024
#define EVENT_ROUNDS 5
#define OPEN_LOADS 10
#define EVENT_SIZE 64
#define OPEN_PHASES 200
#define OPEN_WARMUP 300
#define SIZED_LOADS 10
#define KV_1M 1000000

// The value the map holds for key k after `pass` rounds of updates.
static __u64 value_of(__u64 k, __u64 pass)
{
	return k * 3 + 7 + pass;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

// median of the n per-pass (per-round) figures of one workload: a pass
// that another process preempted does not move it, as it moves a sum.
static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cdriver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void emit(const char *workload, const char *unit, double value,
		 unsigned long long ops, const char *check)
{
	printf("{\"driver\":\"c\",\"workload\":\"%s\",\"unit\":\"%s\",\"value\":%.4f,"
	       "\"ops\":%llu,\"check\":\"%s\"}\n", workload, unit, value, ops, check);
	fflush(stdout);
}

static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static struct bpf_object *open_and_load(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err;

	if (!obj)
		die("bpf_object__open_file %s: %s", path, strerror(errno));
	err = bpf_object__load(obj);
	if (err)
		die("bpf_object__load %s: %s", path, strerror(-err));
	return obj;
}

// Every timed thread is bound to one CPU, the same in every driver of a
// run (bench/internal/pin says why): the thread that runs the
// workloads to the run's CPU, BENCH_CPU (an index into the CPUs the
// driver may use as it starts; 0 when unset), and the second thread of
// map_lookup_parallel to the next one. BENCH_CPU=none leaves them
// unbound. cpus[0] is the run's CPU; ncpus is 0 when unbound.
static int cpus[CPU_SETSIZE], ncpus;

static void bench_cpus(void)
{
	const char *v = getenv("BENCH_CPU");
	int all[CPU_SETSIZE], n = 0, first = 0, c;
	cpu_set_t set;
	char *end;

	if (v && !strcmp(v, "none"))
		return;
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity: %s", strerror(errno));
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			all[n++] = c;
	if (v && *v) {
		first = (int)strtol(v, &end, 10);
		if (*end || first < 0)
			die("BENCH_CPU=\"%s\": want a CPU index or none", v);
	}
	for (c = 0; c < n; c++)
		cpus[c] = all[(first + c) % n];
	ncpus = n;
}

// bind_thread binds the calling thread to the i-th CPU of cpus (wrapping
// around); unbound runs leave it alone.
static void bind_thread(int i)
{
	cpu_set_t one;

	if (!ncpus)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpus[i % ncpus], &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity CPU %d: %s", cpus[i % ncpus], strerror(errno));
}

// One of the two threads of map_lookup_parallel: LOOKUP_PASSES passes
// over the keys, counting the lookups that found their value.
struct lookup_worker {
	int fd, index;
	unsigned long long found;
};

static void *lookup_worker(void *arg)
{
	struct lookup_worker *w = arg;
	__u64 k, v;

	// Worker w on the run's CPU w (threads start with their creator's).
	bind_thread(w->index);
	for (k = 0; k < NKEYS; k++)
		if (bpf_map_lookup_elem(w->fd, &k, &v) == 0 && v == value_of(k, 0))
			w->found++;
	return NULL;
}

// map_lookup_parallel: two threads look up in the same map at once, one
// pass over the keys each, LOOKUP_PASSES times; the figure is the wall
// time per lookup of both together (median of the passes).
static void parallel_lookups(int fd)
{
	struct lookup_worker w[2] = { { .fd = fd, .index = 0 }, { .fd = fd, .index = 1 } };
	pthread_t th[2];
	unsigned long long n = 2ULL * LOOKUP_PASSES * NKEYS;
	char check[160];
	double t0, ts[LOOKUP_PASSES];
	int i, p;

	for (p = 0; p < LOOKUP_PASSES; p++) {
		t0 = now_ns();
		for (i = 0; i < 2; i++)
			if (pthread_create(&th[i], NULL, lookup_worker, &w[i]))
				die("map_lookup_parallel: pthread_create failed");
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		ts[p] = (now_ns() - t0) / (2 * NKEYS);
	}
	if (w[0].found + w[1].found != n)
		die("map_lookup_parallel: %llu of %llu lookups found their value",
		    w[0].found + w[1].found, n);
	snprintf(check, sizeof(check), "%llu/%llu lookups found their value in 2 threads",
		 w[0].found + w[1].found, n);
	emit("map_lookup_parallel", "ns/op", median(ts, LOOKUP_PASSES), n, check);
}

static void map_workloads(struct bpf_object *obj)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "kv");
	static __u64 keys[BATCH_SIZE], vals[BATCH_SIZE];
	unsigned long long found = 0, n;
	char check[160];
	__u64 k, v, next, *prev;
	double t0, ts[LOOKUP_PASSES + UPDATE_PASSES + ITER_PASSES + BATCH_PASSES];
	int fd, err, p;

	if (!m)
		die("map kv not found");
	fd = bpf_map__fd(m);
	for (k = 0; k < NKEYS; k++) {
		v = value_of(k, 0);
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			die("populate key %llu: %s", k, strerror(errno));
	}

	for (p = 0; p < LOOKUP_PASSES; p++) {
		t0 = now_ns();
		for (k = 0; k < NKEYS; k++)
			if (bpf_map_lookup_elem(fd, &k, &v) == 0 && v == value_of(k, 0))
				found++;
		ts[p] = (now_ns() - t0) / NKEYS;
	}
	n = (unsigned long long)LOOKUP_PASSES * NKEYS;
	if (found != n)
		die("map_lookup: %llu of %llu lookups found their value", found, n);
	snprintf(check, sizeof(check), "%llu/%llu lookups found their value", found, n);
	emit("map_lookup", "ns/op", median(ts, LOOKUP_PASSES), n, check);
	parallel_lookups(fd);

	for (p = 1; p <= UPDATE_PASSES; p++) {
		t0 = now_ns();
		for (k = 0; k < NKEYS; k++) {
			v = value_of(k, p);
			if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST))
				die("map_update key %llu: %s", k, strerror(errno));
		}
		ts[p - 1] = (now_ns() - t0) / NKEYS;
	}
	n = (unsigned long long)UPDATE_PASSES * NKEYS;
	for (k = 0, found = 0; k < NKEYS; k++)
		if (bpf_map_lookup_elem(fd, &k, &v) == 0 && v == value_of(k, UPDATE_PASSES))
			found++;
	if (found != NKEYS)
		die("map_update: %llu of %d keys hold the updated value", found, NKEYS);
	snprintf(check, sizeof(check), "%llu updates, %llu/%d keys hold the new value",
		 n, found, NKEYS);
	emit("map_update", "ns/op", median(ts, UPDATE_PASSES), n, check);

	found = 0;
	for (p = 0; p < ITER_PASSES; p++) {
		t0 = now_ns();
		for (prev = NULL; bpf_map_get_next_key(fd, prev, &next) == 0; prev = &k) {
			if (bpf_map_lookup_elem(fd, &next, &v) == 0 &&
			    v == value_of(next, UPDATE_PASSES))
				found++;
			k = next;
		}
		if (errno != ENOENT)
			die("map_iterate: bpf_map_get_next_key: %s", strerror(errno));
		ts[p] = (now_ns() - t0) / NKEYS;
	}
	n = (unsigned long long)ITER_PASSES * NKEYS;
	if (found != n)
		die("map_iterate: %llu of %llu keys visited with their value", found, n);
	snprintf(check, sizeof(check), "%llu/%llu keys visited with their value", found, n);
	emit("map_iterate", "ns/key", median(ts, ITER_PASSES), n, check);

	found = 0;
	for (p = 0; p < BATCH_PASSES; p++) {
		__u32 batch, count, i;
		void *in = NULL;

		t0 = now_ns();
		do {
			count = BATCH_SIZE;
			err = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, NULL);
			if (err && err != -ENOENT)
				die("map_batch: bpf_map_lookup_batch: %s", strerror(-err));
			for (i = 0; i < count; i++)
				if (vals[i] == value_of(keys[i], UPDATE_PASSES))
					found++;
			in = &batch;
		} while (!err);
		ts[p] = (now_ns() - t0) / NKEYS;
	}
	n = (unsigned long long)BATCH_PASSES * NKEYS;
	if (found != n)
		die("map_batch: %llu of %llu entries read with their value", found, n);
	snprintf(check, sizeof(check), "%llu/%llu entries read with their value", found, n);
	emit("map_batch", "ns/entry", median(ts, BATCH_PASSES), n, check);
}

// What a consumer callback saw; size is the event size of the workload.
struct seen {
	unsigned long long events, bad, seqsum, lost;
	size_t size;
};

// The drain workloads: the event size, how many events a fill writes (so
// that a fill stays within the ring: 16 MiB, and 4 MiB per CPU for perf),
// the fill program's suffix and the workload's name.
struct drain {
	size_t size;
	unsigned long long ring_events, perf_events;
	const char *suffix, *ring_name, *perf_name;
};

static const struct drain drains[] = {
	{ 64, RING_EVENTS, PERF_EVENTS, "", "ringbuf", "perfbuf" },
	{ 16, 200000, 40000, "_16", "ringbuf_16", "perfbuf_16" },
	{ 256, 45000, 12000, "_256", "ringbuf_256", "perfbuf_256" },
	{ 4096, 3000, 900, "_4096", "ringbuf_4096", "perfbuf_4096" },
};

// fill runs prog once to produce count events numbered from first and
// returns how many the program reported as dropped.
static unsigned int fill(struct bpf_program *prog, __u64 count, __u64 first)
{
	__u64 args[2] = { count, first };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	if (err)
		die("bpf_prog_test_run_opts %s: %s", bpf_program__name(prog), strerror(-err));
	return opts.retval;
}

static void check_events(const char *workload, struct seen *s, unsigned long long produced,
			 unsigned long long dropped, unsigned long long consumed)
{
	if (s->bad)
		die("%s: %llu events of the wrong size", workload, s->bad);
	if (s->events != produced - dropped || consumed != s->events)
		die("%s: received %llu (consume said %llu), produced %llu - lost %llu = %llu",
		    workload, s->events, consumed, produced, dropped, produced - dropped);
	// Events are numbered from 0 and dropped only when the buffer is full,
	// so the received ones are 0..events-1.
	if (s->events && s->seqsum != s->events * (s->events - 1) / 2)
		die("%s: sequence numbers sum to %llu, want %llu", workload, s->seqsum,
		    s->events * (s->events - 1) / 2);
}

static int on_ring(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	s->events++;
	if (size != s->size)
		s->bad++;
	else
		s->seqsum += *(__u64 *)data;
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	struct seen *s = ctx;

	s->events++;
	if (size < s->size)
		s->bad++;
	else
		s->seqsum += *(__u64 *)data;
}

static void on_perf_lost(void *ctx, int cpu, __u64 count)
{
	struct seen *s = ctx;

	s->lost += count;
}

static void ring_workload(struct bpf_object *obj, const struct drain *d)
{
	char name[32];
	struct bpf_program *prog;
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "ring");
	unsigned long long produced = 0, lost = 0, received = 0;
	struct ring_buffer *rb;
	struct seen s;
	char check[160];
	double t0, ts[EVENT_ROUNDS];
	int r, n;

	snprintf(name, sizeof(name), "fill_ring%s", d->suffix);
	prog = bpf_object__find_program_by_name(obj, name);
	if (!prog || !m)
		die("%s or ring not found", name);
	rb = ring_buffer__new(bpf_map__fd(m), on_ring, &s, NULL);
	if (!rb)
		die("ring_buffer__new: %s", strerror(errno));
	// Round 0 warms up and is not timed.
	for (r = 0; r <= EVENT_ROUNDS; r++) {
		unsigned int dropped = fill(prog, d->ring_events, 0);

		memset(&s, 0, sizeof(s));
		s.size = d->size;
		t0 = now_ns();
		n = ring_buffer__consume(rb);
		if (r > 0)
			ts[r - 1] = (now_ns() - t0) / (n > 0 ? n : 1);
		if (n < 0)
			die("ring_buffer__consume: %s", strerror(-n));
		check_events(d->ring_name, &s, d->ring_events, dropped, n);
		if (r > 0) {
			produced += d->ring_events;
			lost += dropped;
			received += s.events;
		}
	}
	ring_buffer__free(rb);
	snprintf(check, sizeof(check), "received %llu = produced %llu - lost %llu",
		 received, produced, lost);
	emit(d->ring_name, "ns/event", median(ts, EVENT_ROUNDS), received, check);
}

static void perf_workload(struct bpf_object *obj, const struct drain *d)
{
	char name[32];
	struct bpf_program *prog;
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "perf");
	unsigned long long produced = 0, lost = 0, received = 0;
	struct perf_buffer *pb;
	struct seen s;
	char check[160];
	double t0, ts[EVENT_ROUNDS];
	int r, err;

	snprintf(name, sizeof(name), "fill_perf%s", d->suffix);
	prog = bpf_object__find_program_by_name(obj, name);
	if (!prog || !m)
		die("%s or perf not found", name);
	pb = perf_buffer__new(bpf_map__fd(m), PERF_PAGES, on_perf, on_perf_lost, &s, NULL);
	if (!pb)
		die("perf_buffer__new: %s", strerror(errno));
	for (r = 0; r <= EVENT_ROUNDS; r++) {
		unsigned int dropped = fill(prog, d->perf_events, 0);

		memset(&s, 0, sizeof(s));
		s.size = d->size;
		t0 = now_ns();
		err = perf_buffer__consume(pb);
		if (r > 0)
			ts[r - 1] = (now_ns() - t0) / (s.events ? s.events : 1);
		if (err)
			die("perf_buffer__consume: %s", strerror(-err));
		check_events(d->perf_name, &s, d->perf_events, dropped, s.events);
		if (r > 0) {
			produced += d->perf_events;
			lost += dropped;
			received += s.events;
		}
	}
	perf_buffer__free(pb);
	snprintf(check, sizeof(check), "received %llu = produced %llu - lost %llu",
		 received, produced, lost);
	emit(d->perf_name, "ns/event", median(ts, EVENT_ROUNDS), received, check);
}

static void open_load_workload(const char *path)
{
	char check[160];
	double t0, ts[OPEN_LOADS];
	int i;

	for (i = 0; i <= OPEN_LOADS; i++) {
		t0 = now_ns();
		bpf_object__close(open_and_load(path));
		if (i > 0)
			ts[i - 1] = now_ns() - t0;
	}
	snprintf(check, sizeof(check), "%d objects opened, loaded and closed", OPEN_LOADS);
	emit("open_load", "ms/op", median(ts, OPEN_LOADS) / 1e6, OPEN_LOADS, check);
}

// populate fills the hash map fd with keys 0..n-1 holding value_of(k, 0),
// with one bpf_map_update_batch call (not timed).
static void populate(int fd, const char *name, __u64 n)
{
	__u64 *keys = malloc(n * sizeof(*keys)), *vals = malloc(n * sizeof(*vals)), k;
	__u32 count = n;
	int err;

	if (!keys || !vals)
		die("populate %s: out of memory", name);
	for (k = 0; k < n; k++) {
		keys[k] = k;
		vals[k] = value_of(k, 0);
	}
	err = bpf_map_update_batch(fd, keys, vals, &count, NULL);
	if (err || count != n)
		die("populate %s: bpf_map_update_batch: %s (%u of %llu)", name, strerror(-err), count, n);
	free(keys);
	free(vals);
}

// iterate_curve fills map name with n entries, then walks it once with
// next key + lookup (iterate_N, ns/key) and once with batch lookups
// (batch_N, ns/entry).
static void iterate_curve(struct bpf_object *obj, const char *name, __u64 n, const char *suffix)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	static __u64 keys[BATCH_SIZE], vals[BATCH_SIZE];
	unsigned long long found = 0;
	char check[160], workload[32];
	__u64 k, v, next, *prev = NULL;
	double t0, t;
	int fd, err;

	if (!m)
		die("map %s not found", name);
	fd = bpf_map__fd(m);
	populate(fd, name, n);
	t0 = now_ns();
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &v) == 0 && v == value_of(next, 0))
			found++;
		k = next;
		prev = &k;
	}
	t = now_ns() - t0;
	snprintf(workload, sizeof(workload), "iterate_%s", suffix);
	if (found != n)
		die("%s: %llu of %llu keys visited with their value", workload, found, n);
	snprintf(check, sizeof(check), "%llu/%llu keys visited with their value", found, n);
	emit(workload, "ns/key", t / n, n, check);

	found = 0;
	t0 = now_ns();
	{
		__u32 batch, count, i;
		void *in = NULL;

		do {
			count = BATCH_SIZE;
			err = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, NULL);
			if (err && err != -ENOENT)
				die("batch_%s: bpf_map_lookup_batch: %s", suffix, strerror(-err));
			for (i = 0; i < count; i++)
				if (vals[i] == value_of(keys[i], 0))
					found++;
			in = &batch;
		} while (!err);
	}
	t = now_ns() - t0;
	snprintf(workload, sizeof(workload), "batch_%s", suffix);
	if (found != n)
		die("%s: %llu of %llu entries read with their value", workload, found, n);
	snprintf(check, sizeof(check), "%llu/%llu entries read with their value", found, n);
	emit(workload, "ns/entry", t / n, n, check);
}

// open_once opens path with bpf_object__open_file and closes it, no
// load: the open phase (parse and checks) of open_load.
static void open_once(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);

	if (!obj)
		die("open_phase: bpf_object__open_file %s: %s", path, strerror(errno));
	bpf_object__close(obj);
}

// open_phases times OPEN_PHASES opens of path into ts.
static void open_phases(const char *path, double *ts)
{
	double t0;
	int i;

	for (i = 0; i < OPEN_PHASES; i++) {
		t0 = now_ns();
		open_once(path);
		ts[i] = now_ns() - t0;
	}
}

// open_phase_workload times the open phase twice over, as the Go drivers
// do: the process's first OPEN_PHASES opens after the very first
// (open_phase_first), then, after OPEN_WARMUP more, OPEN_PHASES again
// (open_phase).
static void open_phase_workload(const char *path)
{
	static double first[OPEN_PHASES], ts[OPEN_PHASES];
	char check[160];
	int i;

	open_once(path);
	open_phases(path, first);
	for (i = 0; i < OPEN_WARMUP; i++)
		open_once(path);
	open_phases(path, ts);
	snprintf(check, sizeof(check), "%d objects opened and closed, the process's first", OPEN_PHASES);
	emit("open_phase_first", "us/op", median(first, OPEN_PHASES) / 1e3, OPEN_PHASES, check);
	snprintf(check, sizeof(check), "%d objects opened and closed, after %d more", OPEN_PHASES, OPEN_WARMUP);
	emit("open_phase", "us/op", median(ts, OPEN_PHASES) / 1e3, OPEN_PHASES, check);
}

// The objects of the open + load curve, bench/cmd/genobj's pP_mM: P
// programs, M maps, in the folder given as the second argument.
static const char *const sized[] = { "p1_m1", "p10_m1", "p100_m1", "p1_m10", "p1_m100" };

// sized_workload: open + load + close of sized_<name>.bpf.o, SIZED_LOADS
// times after one untimed round; open_load_<name>, ms/op.
static void sized_workload(const char *dir, const char *name)
{
	char path[4096], check[160], workload[64];
	struct bpf_object *obj;
	struct bpf_program *prog;
	double t, t0, ts[SIZED_LOADS];
	int i, progs;

	snprintf(path, sizeof(path), "%s/sized_%s.bpf.o", dir, name);
	snprintf(workload, sizeof(workload), "open_load_%s", name);
	for (i = 0; i <= SIZED_LOADS; i++) {
		t0 = now_ns();
		obj = open_and_load(path);
		t = now_ns() - t0;
		progs = 0;
		bpf_object__for_each_program(prog, obj)
			if (bpf_program__fd(prog) >= 0)
				progs++;
		t0 = now_ns();
		bpf_object__close(obj);
		if (i > 0)
			ts[i - 1] = t + now_ns() - t0;
	}
	snprintf(check, sizeof(check), "%d times opened, loaded (%d programs) and closed",
		 SIZED_LOADS, progs);
	emit(workload, "ms/op", median(ts, SIZED_LOADS) / 1e6, SIZED_LOADS, check);
}

// run_group says whether the workloads of group (maps, walk, drains,
// open) run: all of them unless BENCH_ONLY lists some, comma-separated.
static int run_group(const char *group)
{
	const char *only = getenv("BENCH_ONLY"), *p;
	size_t n = strlen(group);

	if (!only || !*only)
		return 1;
	for (p = only; (p = strstr(p, group)); p += n)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *m;
	size_t i;
	int err;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s BENCH.bpf.o [SIZED_DIR]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_warnings);
	bench_cpus();
	bind_thread(0);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		die("bpf_object__open_file %s: %s", argv[1], strerror(errno));
	// kv_1m is declared with one entry, so that open_load does not
	// allocate a million; the curve's map gets them here.
	m = bpf_object__find_map_by_name(obj, "kv_1m");
	if (!m || bpf_map__set_max_entries(m, KV_1M))
		die("kv_1m: not found or not resized");
	err = bpf_object__load(obj);
	if (err)
		die("bpf_object__load %s: %s", argv[1], strerror(-err));
	if (run_group("maps"))
		map_workloads(obj);
	if (run_group("walk")) {
		iterate_curve(obj, "kv_1k", 1000, "1k");
		iterate_curve(obj, "kv_100k", 100000, "100k");
		iterate_curve(obj, "kv_1m", KV_1M, "1m");
	}
	for (i = 0; run_group("drains") && i < sizeof(drains) / sizeof(drains[0]); i++) {
		ring_workload(obj, &drains[i]);
		perf_workload(obj, &drains[i]);
	}
	bpf_object__close(obj);
	if (!run_group("open"))
		return 0;
	open_load_workload(argv[1]);
	open_phase_workload(argv[1]);
	if (argc == 3)
		for (i = 0; i < sizeof(sized) / sizeof(sized[0]); i++)
			sized_workload(argv[2], sized[i]);
	return 0;
}
