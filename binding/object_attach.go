package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Autoattach reports whether Object.AttachAll attaches the program
// (bpf_program__autoattach); false once the object is closed. It is on by
// default.
func (p *Program) Autoattach() bool {
	if !p.lock() {
		return false
	}
	defer p.mu.RUnlock()
	return bool(C.bpf_program__autoattach(p.prog))
}

// SetAutoattach chooses whether Object.AttachAll attaches the program,
// with bpf_program__set_autoattach. It may be called before or after
// Object.Load, but not concurrently with AttachAll. Program.Attach
// ignores it.
func (p *Program) SetAutoattach(autoattach bool) error {
	const op = "Program.SetAutoattach"
	if !p.lock() {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	C.bpf_program__set_autoattach(p.prog, C.bool(autoattach))
	return nil
}

// AttachAll attaches the loaded object's programs as a BPF skeleton's
// attach step does, with bpf_object__attach_skeleton: in ELF order, every
// program that is loaded (Autoload), has Autoattach on and whose section
// name says where to attach it (as for Program.Attach) is attached; the
// others are skipped, as are programs whose section name lacks the target
// (such as a bare SEC("uprobe")). It returns the links made, which the
// caller must close (CloseAll). struct_ops maps are not attached.
//
// If a program fails to attach, AttachAll closes the links it made and
// returns an error naming that program and wrapping the errno:
// "Object.AttachAll object x: bpf_object__attach_skeleton: program p:
// ...", followed by the errors of closing the links, if any.
func (o *Object) AttachAll() ([]*Link, error) {
	const op, fn = "Object.AttachAll", "bpf_object__attach_skeleton"
	if o == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	if !o.loaded {
		return nil, opError(op, o.subject(), "", fmt.Errorf("object not loaded: call Object.Load first: %w", unix.EINVAL))
	}
	// A skeleton of one program at a time, so that a failure names its
	// program. libbpf reads the skeleton through pointers, so all of it is
	// C memory.
	skel := (*C.struct_bpf_object_skeleton)(C.calloc(1, C.sizeof_struct_bpf_object_skeleton))
	progSkel := (*C.struct_bpf_prog_skeleton)(C.calloc(1, C.sizeof_struct_bpf_prog_skeleton))
	progSlot := (**C.struct_bpf_program)(C.calloc(1, C.size_t(unsafe.Sizeof((*C.struct_bpf_program)(nil)))))
	linkSlot := (**C.struct_bpf_link)(C.calloc(1, C.size_t(unsafe.Sizeof((*C.struct_bpf_link)(nil)))))
	defer func() {
		for _, p := range []unsafe.Pointer{unsafe.Pointer(skel), unsafe.Pointer(progSkel),
			unsafe.Pointer(progSlot), unsafe.Pointer(linkSlot)} {
			// Each is from calloc or NULL, which free accepts.
			C.free(p)
		}
	}()
	if skel == nil || progSkel == nil || progSlot == nil || linkSlot == nil {
		return nil, opError(op, o.subject(), "calloc", unix.ENOMEM)
	}
	skel.sz = C.sizeof_struct_bpf_object_skeleton
	skel.prog_cnt = 1
	skel.prog_skel_sz = C.sizeof_struct_bpf_prog_skeleton
	skel.progs = progSkel
	progSkel.prog = progSlot
	progSkel.link = linkSlot

	var links []*Link
	for _, p := range o.progs {
		link, err := p.attachLink(func() (*C.struct_bpf_link, error) {
			// The programs are valid under the object's read lock.
			*progSlot = p.prog
			*linkSlot = nil
			if ret := C.bpf_object__attach_skeleton(skel); ret < 0 {
				return nil, p.permErr(errnoErr(ret))
			}
			return *linkSlot, nil
		})
		if err != nil {
			err = fmt.Errorf("%s: %w", p.subject(), err)
			if cerr := CloseAll(links); cerr != nil {
				err = errors.Join(err, cerr)
			}
			return nil, opError(op, o.subject(), fn, err)
		}
		if link != nil {
			links = append(links, link)
		}
	}
	return links, nil
}

// CloseAll closes every link in links (Link.Close), such as those
// Object.AttachAll made. It returns nil, or an OpError of Op "CloseAll"
// whose Err joins the errors of the links' Close (errors.As finds each).
// nil entries are skipped.
func CloseAll(links []*Link) error {
	var errs []error
	for _, l := range links {
		if err := l.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return opError("CloseAll", fmt.Sprintf("%d links", len(links)), "", errors.Join(errs...))
}

// DisconnectAll calls Link.Disconnect on every link in links, such as
// those Object.AttachAll made, so that closing them later leaves the
// programs attached. nil entries are skipped.
func DisconnectAll(links []*Link) {
	for _, l := range links {
		l.Disconnect()
	}
}
