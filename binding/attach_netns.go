package libbpf

/*
#include "glue.h"
*/
import "C"

// AttachNetns attaches the loaded network namespace program (a
// SEC("sk_lookup") program, kernel 5.9, or a SEC("flow_dissector") one,
// kernel 5.8) to the network namespace open as netnsFD (for example
// /proc/<pid>/ns/net or a file under /run/netns), through a BPF link, with
// bpf_program__attach_netns. The returned Link must be closed by the
// caller; the descriptor stays the caller's.
func (p *Program) AttachNetns(netnsFD int) (*Link, error) {
	return p.attachFD("Program.AttachNetns", "bpf_program__attach_netns", "netns", netnsFD, func(fd C.int) (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach_netns(p.prog, fd)
		return l, err
	})
}
