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

// MultiProgFlags place a program among those attached to a tcx or netkit
// hook (the BPF_F_* flags of BPF_LINK_CREATE for multi-program hooks).
type MultiProgFlags uint32

const (
	// MultiProgBefore attaches before the relative program, or first when
	// none is given (BPF_F_BEFORE).
	MultiProgBefore = MultiProgFlags(1 << 3)
	// MultiProgAfter attaches after the relative program, or last when none
	// is given (BPF_F_AFTER).
	MultiProgAfter = MultiProgFlags(1 << 4)
	// MultiProgID says the relative program is given by RelativeID
	// rather than RelativeFD (BPF_F_ID).
	MultiProgID = MultiProgFlags(1 << 5)
	// MultiProgLink says the relative descriptor or id is a link's
	// rather than a program's (BPF_F_LINK).
	MultiProgLink = MultiProgFlags(1 << 13)
)

// TCXOptions are the optional parameters of Program.AttachTCX (struct
// bpf_tcx_opts). Without them the program runs after those already
// attached.
type TCXOptions struct {
	// Flags place the program relative to another (flags).
	Flags MultiProgFlags
	// RelativeFD is the descriptor of the program (or link, with
	// MultiProgLink) to attach next to (relative_fd); 0 for none.
	RelativeFD int
	// RelativeID is the id of the program (or link) to attach next to,
	// with MultiProgID (relative_id); 0 for none.
	RelativeID uint32
	// ExpectedRevision makes the attach fail with ESTALE unless the hook's
	// revision is this one (expected_revision); 0 for any.
	ExpectedRevision uint64
}

// check refuses a relative descriptor out of range.
func (o *TCXOptions) check() error {
	if o.RelativeFD < 0 || o.RelativeFD > math.MaxInt32 {
		return fmt.Errorf("relative descriptor %d: %w", o.RelativeFD, unix.EBADF)
	}
	return nil
}

// AttachTCX attaches the loaded program, a SEC("tcx/ingress") or
// SEC("tcx/egress") program, to the network device with index ifindex
// through a BPF link, with bpf_program__attach_tcx (kernel 6.6). The
// direction comes from the program's expected attach type. Several
// programs may be attached to one device; opts (may be nil) places this
// one among them. The link detaches the program when closed, and the
// returned Link must be closed by the caller.
func (p *Program) AttachTCX(ifindex int, opts *TCXOptions) (*Link, error) {
	if opts == nil {
		opts = &TCXOptions{}
	}
	return p.attachMultiProg("Program.AttachTCX", "bpf_program__attach_tcx", ifindex, opts, func(copts *C.struct_bpf_tcx_opts) (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach_tcx(p.prog, C.int(ifindex), copts)
		return l, err
	})
}

// attachMultiProg is op, AttachTCX or AttachNetkit: it checks the
// arguments and runs attach, the libbpf function fn, with the options
// filled in.
func (p *Program) attachMultiProg(op, fn string, ifindex int, opts *TCXOptions, attach func(*C.struct_bpf_tcx_opts) (*C.struct_bpf_link, error)) (*Link, error) {
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if err := checkIfindex(ifindex); err != nil {
			return nil, err
		}
		if err := opts.check(); err != nil {
			return nil, err
		}
		// copts is Go memory without pointers, read only during the call.
		copts := C.struct_bpf_tcx_opts{
			sz:                C.sizeof_struct_bpf_tcx_opts,
			flags:             C.__u32(opts.Flags),
			relative_fd:       C.__u32(opts.RelativeFD),
			relative_id:       C.__u32(opts.RelativeID),
			expected_revision: C.__u64(opts.ExpectedRevision),
		}
		l, err := attach(&copts)
		if l == nil {
			return nil, failed(fmt.Sprintf("%s ifindex %d", fn, ifindex), err)
		}
		return l, nil
	})
}
