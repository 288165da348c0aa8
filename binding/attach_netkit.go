package libbpf

/*
#include "glue.h"
*/
import "C"

// NetkitOptions are the optional parameters of Program.AttachNetkit
// (struct bpf_netkit_opts), with the meaning of TCXOptions.
type NetkitOptions TCXOptions

// AttachNetkit attaches the loaded program, a SEC("netkit/primary") or
// SEC("netkit/peer") program, to the netkit device with index ifindex
// through a BPF link, with bpf_program__attach_netkit (kernel 6.7, built
// with CONFIG_NETKIT). A device that is not a netkit device gives an
// error from the kernel. opts (may be nil) places the program
// among those attached. The returned Link must be closed by the caller.
func (p *Program) AttachNetkit(ifindex int, opts *NetkitOptions) (*Link, error) {
	if opts == nil {
		opts = &NetkitOptions{}
	}
	return p.attachMultiProg("Program.AttachNetkit", "bpf_program__attach_netkit", ifindex, (*TCXOptions)(opts), func(copts *C.struct_bpf_tcx_opts) (*C.struct_bpf_link, error) {
		// struct bpf_netkit_opts has the same layout as struct
		// bpf_tcx_opts, field for field.
		nopts := C.struct_bpf_netkit_opts{
			sz:                C.sizeof_struct_bpf_netkit_opts,
			flags:             copts.flags,
			relative_fd:       copts.relative_fd,
			relative_id:       copts.relative_id,
			expected_revision: copts.expected_revision,
		}
		l, err := C.bpf_program__attach_netkit(p.prog, C.int(ifindex), &nopts)
		return l, err
	})
}
