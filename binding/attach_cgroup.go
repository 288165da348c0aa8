package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"math"

	"golang.org/x/sys/unix"
)

// AttachCgroup attaches the loaded cgroup program (SEC("cgroup/...") or
// SEC("cgroup_skb/..."), with its expected attach type) to the cgroup v2
// directory open as cgroupFD, through a BPF link, with
// bpf_program__attach_cgroup (kernel 5.7). The program runs for the
// processes of that cgroup and its descendants. The returned Link must be
// closed by the caller; the descriptor stays the caller's.
func (p *Program) AttachCgroup(cgroupFD int) (*Link, error) {
	return p.attachFD("Program.AttachCgroup", "bpf_program__attach_cgroup", "cgroup", cgroupFD, func(fd C.int) (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach_cgroup(p.prog, fd)
		return l, err
	})
}

// CgroupOptions are the optional parameters of Program.AttachCgroupOpts
// (struct bpf_cgroup_opts): the place of the program among the others
// attached to the same cgroup hook (kernel 6.16), as for TCXOptions.
type CgroupOptions struct {
	// Flags place the program relative to another (flags).
	Flags MultiProgFlags
	// RelativeFD is the descriptor of the program (or link, with
	// MultiProgLink) to attach next to (relative_fd); 0 for none.
	RelativeFD int
	// RelativeID is the id of the program (or link) to attach next to,
	// with MultiProgID (relative_id); 0 for none. A program attached
	// through a link must be named by its link (MultiProgLink): the
	// kernel refuses its program (EINVAL, seen on 6.18).
	RelativeID uint32
	// ExpectedRevision makes the attach fail with ESTALE unless the
	// hook's revision (QueryPrograms) is this one (expected_revision); 0
	// for any.
	ExpectedRevision uint64
}

// AttachCgroupOpts is AttachCgroup with the multi-program ordering of
// kernel 6.16, through bpf_program__attach_cgroup_opts (libbpf 1.6):
// MultiProgBefore and MultiProgAfter put the program first or last, or
// next to the program or link RelativeFD or RelativeID names, and
// ExpectedRevision guards against concurrent changes. QueryPrograms shows
// the resulting order, in which the programs run. Kernels before 6.16
// refuse any of these options (EINVAL); with none set, this is
// AttachCgroup. opts may be nil. The returned Link must be closed by the
// caller.
func (p *Program) AttachCgroupOpts(cgroupFD int, opts *CgroupOptions) (*Link, error) {
	const op = "Program.AttachCgroupOpts"
	if opts == nil {
		opts = &CgroupOptions{}
	}
	if opts.RelativeFD < 0 || opts.RelativeFD > math.MaxInt32 {
		return nil, p.opErr(op, "", fmt.Errorf("relative descriptor %d: %w", opts.RelativeFD, unix.EBADF))
	}
	return p.attachFD(op, "bpf_program__attach_cgroup_opts", "cgroup", cgroupFD, func(fd C.int) (*C.struct_bpf_link, error) {
		// copts is Go memory without pointers, read during the call.
		copts := C.struct_bpf_cgroup_opts{
			sz:                C.sizeof_struct_bpf_cgroup_opts,
			flags:             C.__u32(opts.Flags),
			relative_fd:       C.__u32(opts.RelativeFD),
			relative_id:       C.__u32(opts.RelativeID),
			expected_revision: C.__u64(opts.ExpectedRevision),
		}
		l, err := C.bpf_program__attach_cgroup_opts(p.prog, fd, &copts)
		return l, err
	})
}
