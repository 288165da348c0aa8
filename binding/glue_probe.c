/* C glue of the feature probes (features.go) that need a union cgo cannot
 * fill. See glue.h for the contract.
 */
#include "glue.h"

int lbg_link_create_multi(int prog_fd, enum bpf_attach_type type, const char *target)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	unsigned long offset = 0;

	if (type == BPF_TRACE_KPROBE_MULTI) {
		opts.kprobe_multi.syms = &target;
		opts.kprobe_multi.cnt = 1;
	} else {
		opts.uprobe_multi.path = target;
		opts.uprobe_multi.offsets = &offset;
		opts.uprobe_multi.cnt = 1;
	}
	return bpf_link_create(prog_fd, 0, type, &opts);
}
