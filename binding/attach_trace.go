package libbpf

/*
#include "glue.h"
*/
import "C"

// TraceOptions are the optional parameters of Program.AttachTrace (struct
// bpf_trace_opts).
type TraceOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (cookie), kernel 5.19 for fentry, fexit and fmod_ret.
	Cookie uint64
}

// AttachTrace attaches the loaded fentry, fexit, fmod_ret or tp_btf program
// to the function its section names (or SetAttachTarget chose), with
// bpf_program__attach_trace_opts (kernel 5.5; cookies 5.19): what
// Program.Attach does for these sections, plus a cookie. LSM programs
// attach with Attach. opts may be nil. The returned Link must be closed by
// the caller.
func (p *Program) AttachTrace(opts *TraceOptions) (*Link, error) {
	if opts == nil {
		opts = &TraceOptions{}
	}
	return p.attach("Program.AttachTrace", func() (*C.struct_bpf_link, error) {
		// copts is Go memory without pointers, read during the call.
		copts := C.struct_bpf_trace_opts{sz: C.sizeof_struct_bpf_trace_opts, cookie: C.__u64(opts.Cookie)}
		l, err := C.bpf_program__attach_trace_opts(p.prog, &copts)
		if l == nil {
			return nil, failed("bpf_program__attach_trace_opts", err)
		}
		return l, nil
	})
}
