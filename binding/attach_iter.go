package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"io"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// IterOptions are the optional parameters of Program.AttachIter (the
// union bpf_iter_link_info of struct bpf_iter_attach_opts). At most one
// of Map and the task fields may be set.
type IterOptions struct {
	// Map is the map a map-element iterator such as
	// SEC("iter/bpf_map_elem") walks (map.map_fd).
	Map *Map
	// TID limits a task iterator to the thread with this id (task.tid).
	TID uint32
	// PID limits a task iterator to the threads of process PID (task.pid).
	PID uint32
	// PIDFD limits a task iterator to the threads of the process the pidfd
	// refers to (task.pid_fd).
	PIDFD uint32
}

// AttachIter attaches the loaded iterator program (SEC("iter/...")) with
// bpf_program__attach_iter (kernel 5.8; the task options need 6.1). Read
// what it prints with Link.NewIterReader. opts may be nil. The returned
// Link must be closed by the caller.
func (p *Program) AttachIter(opts *IterOptions) (*Link, error) {
	return p.attach("Program.AttachIter", func() (*C.struct_bpf_link, error) {
		copts := C.struct_bpf_iter_attach_opts{sz: C.sizeof_struct_bpf_iter_attach_opts}
		if opts != nil && (opts.Map != nil || opts.TID != 0 || opts.PID != 0 || opts.PIDFD != 0) {
			if opts.Map != nil && (opts.TID != 0 || opts.PID != 0 || opts.PIDFD != 0) {
				return nil, fmt.Errorf("both a map and a task given: %w", unix.EINVAL)
			}
			// link_info must not be Go memory: copts, itself Go memory
			// passed to C, may hold only C pointers. libbpf reads it
			// during the call.
			info := (*C.union_bpf_iter_link_info)(C.calloc(1, C.sizeof_union_bpf_iter_link_info))
			if info == nil {
				return nil, unix.ENOMEM
			}
			defer C.free(unsafe.Pointer(info))
			if opts.Map != nil {
				mapFD := opts.Map.FD()
				if mapFD < 0 {
					return nil, fmt.Errorf("map %s not loaded: %w", opts.Map.Name(), ErrClosed)
				}
				// The union starts with struct { __u32 map_fd; } map.
				*(*C.__u32)(unsafe.Pointer(info)) = C.__u32(mapFD)
			} else {
				// The union's task member is { __u32 tid; __u32 pid;
				// __u32 pid_fd; }.
				task := (*[3]C.__u32)(unsafe.Pointer(info))
				task[0], task[1], task[2] = C.__u32(opts.TID), C.__u32(opts.PID), C.__u32(opts.PIDFD)
			}
			copts.link_info = info
			copts.link_info_len = C.sizeof_union_bpf_iter_link_info
		}
		l, err := C.bpf_program__attach_iter(p.prog, &copts)
		if l == nil {
			return nil, failed("bpf_program__attach_iter", err)
		}
		return l, nil
	})
}

// NewIterReader starts one run of the iterator the link attached, with
// bpf_iter_create (kernel 5.8), and returns what the program prints, read
// as a file: each Read runs the program further; EOF ends the run. Every
// call starts a new run. The reader is independent of the Link and must
// be closed by the caller. A link that is not an iterator link gives an
// error wrapping EINVAL.
func (l *Link) NewIterReader() (io.ReadCloser, error) {
	const op = "Link.NewIterReader"
	if !l.lock() {
		return nil, l.opErr(op, "", ErrClosed)
	}
	defer l.mu.RUnlock()
	if err := l.noFD(op); err != nil {
		return nil, err
	}
	fd := C.bpf_iter_create(l.cFD())
	if fd < 0 {
		return nil, l.opErr(op, "bpf_iter_create", errnoErr(fd))
	}
	return os.NewFile(uintptr(fd), "bpf_iter"), nil
}
