/* C glue of programs: BPF_PROG_TEST_RUN with the thread's signals
 * blocked. See glue.h for the contract.
 */
#include <pthread.h>
#include <signal.h>

#include "glue.h"

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
