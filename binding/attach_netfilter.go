package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// NetfilterFlags are the flags of NetfilterOptions.
type NetfilterFlags uint32

// NetfilterIPDefrag makes the kernel reassemble IP fragments before the
// program sees them (BPF_F_NETFILTER_IP_DEFRAG, kernel 6.6); the hook's
// priority must then come after the defragmentation hook's.
const NetfilterIPDefrag = NetfilterFlags(1)

// NetfilterOptions say where Program.AttachNetfilter attaches (struct
// bpf_netfilter_opts).
type NetfilterOptions struct {
	// Family is the protocol family (pf): unix.NFPROTO_IPV4 or
	// unix.NFPROTO_IPV6.
	Family uint32
	// Hook is the netfilter hook (hooknum), such as unix.NF_INET_LOCAL_IN
	// or unix.NF_INET_PRE_ROUTING.
	Hook uint32
	// Priority orders the program among the hook's functions (priority);
	// lower runs first. The kernel refuses the extremes math.MinInt32 and
	// math.MaxInt32 (NF_IP_PRI_FIRST and NF_IP_PRI_LAST) with ERANGE.
	Priority int32
	// Flags are NetfilterFlags (flags).
	Flags NetfilterFlags
}

// AttachNetfilter attaches the loaded SEC("netfilter") program to a
// netfilter hook of the calling thread's network namespace through a BPF
// link, with bpf_program__attach_netfilter (kernel 6.4). The program sees
// each packet that passes the hook and returns its verdict (NF_DROP or
// NF_ACCEPT). The link, and with it the program, is detached when closed
// or when the namespace goes away. The returned Link must be closed by the
// caller.
func (p *Program) AttachNetfilter(opts NetfilterOptions) (*Link, error) {
	return p.attach("Program.AttachNetfilter", func() (*C.struct_bpf_link, error) {
		if t := ProgramType(C.bpf_program__type(p.prog)); t != ProgramTypeNetfilter {
			return nil, fmt.Errorf("program type %s is not netfilter: %w", t, unix.EINVAL)
		}
		// copts is Go memory without pointers, read only during the call.
		copts := C.struct_bpf_netfilter_opts{
			sz:       C.sizeof_struct_bpf_netfilter_opts,
			pf:       C.__u32(opts.Family),
			hooknum:  C.__u32(opts.Hook),
			priority: C.__s32(opts.Priority),
			flags:    C.__u32(opts.Flags),
		}
		l, err := C.bpf_program__attach_netfilter(p.prog, &copts)
		if l == nil {
			return nil, failed(fmt.Sprintf("bpf_program__attach_netfilter pf %d hook %d priority %d", opts.Family, opts.Hook, opts.Priority), err)
		}
		return l, nil
	})
}
