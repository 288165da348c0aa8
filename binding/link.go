package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Link is an attachment of a program (struct bpf_link), made by
// Program.Attach, one of the Program.Attach* methods, OpenLink or
// OpenLinkID. It is
// independent of the Object whose program it attached: Object.Close leaves
// it attached. The caller must Close it; nothing else detaches it, not even
// the garbage collector, so a Link dropped without Close stays attached
// until the process exits (and longer if pinned).
//
// Its methods' errors are *OpError whose Subject says which link: "link of
// program handle_exec" for a Link an attach made, "link 12" for one from
// OpenLinkID, and for one from OpenLink "link pinned at " and its quoted
// pin path.
//
// A Link is safe for concurrent use.
type Link struct {
	// mu guards kind: Close, Disconnect, Pin and Unpin take it for
	// writing, the other methods for reading.
	mu sync.RWMutex
	// kind is what the Link is, decided when it is made: one of the
	// linkKind types below. nil once closed.
	kind linkKind
	// id, of and from identify the Link in its errors (subject); they
	// are set when the Link is made and never change, so they are read
	// without the lock, after Close too. id is the kernel's link ID when
	// it is known without a call (OpenLinkID), else 0; of is what the
	// Link attaches ("program handle_exec" for a Link made by an attach
	// of this package, "struct_ops map x"), "" when unknown; from is the
	// pin OpenLink opened, "" for none.
	id   uint32
	of   string
	from string
}

// subject names the Link in its errors (OpError.Subject), from what is
// known without a system call, so that a closed Link has the same:
// "link of program handle_exec" for a Link from Program.Attach*, "link 12"
// for one from OpenLinkID, "link pinned at " and the quoted pin path for
// one from OpenLink, and just "link" for a nil Link. The kernel ID of a
// Link made by an attach would take a BPF_OBJ_GET_INFO_BY_FD call, on the
// attach path or at error time (where the Link may be closed), so it is
// left out; Link.Info reports it.
func (l *Link) subject() string {
	if l == nil {
		return "link"
	}
	s := "link"
	if l.id != 0 {
		s += " " + strconv.FormatUint(uint64(l.id), 10)
	}
	if l.of != "" {
		s += " of " + l.of
	}
	if l.from != "" {
		s += " pinned at " + strconv.Quote(l.from)
	}
	return s
}

// opErr returns the *OpError of op on l: call failed with err ("" when
// op refused before any call).
func (l *Link) opErr(op, call string, err error) error {
	return opError(op, l.subject(), call, err)
}

// linkKind holds what differs between the kinds of Link (see "Ownership
// of handles" in handle.go): a libbpf link (bpfLink), a USDT link
// (usdtLink), the links of struct_ops maps (structOpsLink,
// structOpsMapLink), and a link opened by ID, which owns its descriptor
// (ownedLink). Its methods run under the Link's lock, for writing where
// they change the link's state (pin, unpin, disconnect, close).
type linkKind interface {
	// ownFD returns the link's own descriptor or the cause of the error
	// of a link that has none.
	ownFD() (C.int, error)
	// libbpfLink returns the libbpf link, nil for an owned link.
	libbpfLink() *C.struct_bpf_link
	// detach detaches the link, as bpf_link__detach does.
	detach() C.int
	// pin pins the link at path, which the caller has checked.
	pin(path string) error
	// unpin removes the link's pin.
	unpin() error
	// pinPath returns where the link is pinned, "" when it is not.
	pinPath() string
	// disconnect makes close leave the attachment in place.
	disconnect()
	// close detaches, unless disconnected, and frees the link.
	close() error
}

// newProgramLink wraps a link libbpf returned for an attach of p.
func newProgramLink(l *C.struct_bpf_link, p *Program) *Link {
	return &Link{kind: &bpfLink{l: l}, of: p.subject()}
}

// lock takes the read lock and reports whether the link is still open;
// when it returns true the caller must call l.mu.RUnlock.
func (l *Link) lock() bool {
	if l == nil {
		return false
	}
	l.mu.RLock()
	if !l.open() {
		l.mu.RUnlock()
		return false
	}
	return true
}

// open reports whether the link is open; the caller holds l.mu.
func (l *Link) open() bool {
	return l.kind != nil
}

// noFD returns the error of op, which needs the link's file descriptor,
// on a link that has none of its own, or nil for other links:
//   - libbpf makes a USDT link from one uprobe per probe site and leaves
//     the struct bpf_link's descriptor at 0, which is not the link's;
//   - a link of a SEC(".struct_ops") map (without .link) holds the map's
//     descriptor, which Object.Close closes and the process may reuse.
//
// Passing either to the kernel would act on whatever that descriptor is.
// The caller holds l.mu.
func (l *Link) noFD(op string) error {
	if _, err := l.kind.ownFD(); err != nil {
		return l.opErr(op, "", err)
	}
	return nil
}

// cFD returns the link's descriptor (bpf_link__fd for libbpf's links); the
// caller holds l.mu and has checked noFD.
func (l *Link) cFD() C.int {
	fd, _ := l.kind.ownFD()
	return fd
}

// bpfLink is a link libbpf made or opened (struct bpf_link), with its
// own descriptor.
type bpfLink struct {
	l *C.struct_bpf_link
}

func (b *bpfLink) ownFD() (C.int, error)          { return C.bpf_link__fd(b.l), nil }
func (b *bpfLink) libbpfLink() *C.struct_bpf_link { return b.l }
func (b *bpfLink) detach() C.int                  { return C.bpf_link__detach(b.l) }
func (b *bpfLink) disconnect()                    { C.bpf_link__disconnect(b.l) }

// pin pins the link with bpf_link__pin, which records the pin path.
func (b *bpfLink) pin(path string) error {
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory; libbpf copies it as the link's pin path.
	if ret := C.bpf_link__pin(b.l, cPath); ret < 0 {
		// An attachment through a perf event and the PERF_EVENT_IOC_SET_BPF
		// ioctl has the perf event's descriptor, which bpffs refuses. The
		// kernel names a link's file "bpf_link" when the link is made
		// (bpf_link_prime) and "bpf-link" when it is opened again
		// (bpf_link_new_fd).
		if kind, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", C.bpf_link__fd(b.l))); err == nil &&
			kind != "anon_inode:bpf-link" && kind != "anon_inode:bpf_link" {
			return &callError{call: "bpf_link__pin " + strconv.Quote(path), err: fmt.Errorf("the attachment is a %s, not a kernel BPF link, and cannot be pinned (Disconnect keeps it attached for the process's life): %w",
				strings.Trim(strings.TrimPrefix(kind, "anon_inode:"), "[]"), errnoErr(ret))}
		}
		return &callError{call: "bpf_link__pin " + strconv.Quote(path), err: errnoErr(ret)}
	}
	return nil
}

// unpin removes the pin with bpf_link__unpin.
func (b *bpfLink) unpin() error {
	// As Map.Unpin and Program.Unpin, never unlink a file outside bpffs,
	// which is what the pin path names once its bpffs is unmounted.
	// b.l is valid under the lock; GoString copies and maps NULL to "".
	if path := C.GoString(C.bpf_link__pin_path(b.l)); path != "" {
		if err := checkPinPath(path); err != nil {
			return err
		}
	}
	if ret := C.bpf_link__unpin(b.l); ret < 0 {
		return &callError{call: "bpf_link__unpin", err: errnoErr(ret)}
	}
	return nil
}

// pinPath returns bpf_link__pin_path.
func (b *bpfLink) pinPath() string {
	// b.l is valid under the read lock; GoString copies and maps NULL to "".
	return C.GoString(C.bpf_link__pin_path(b.l))
}

// close detaches and frees the link with bpf_link__destroy.
func (b *bpfLink) close() error {
	return destroyErr(C.bpf_link__destroy(b.l))
}

// destroyErr returns the error of bpf_link__destroy's result, which frees
// the link even when detaching fails.
func destroyErr(ret C.int) error {
	if ret < 0 {
		return &callError{call: "bpf_link__destroy", err: errnoErr(ret)}
	}
	return nil
}

// usdtLink is a USDT link (Program.AttachUSDT): a set of uprobes with no
// descriptor of its own, closed through the USDT manager of obj, the
// Object whose program it attached.
type usdtLink struct {
	bpfLink
	obj *Object
}

// newUSDTLink wraps l, a USDT link of p, a program of o.
func newUSDTLink(l *C.struct_bpf_link, o *Object, p *Program) *Link {
	return &Link{kind: &usdtLink{bpfLink: bpfLink{l: l}, obj: o}, of: p.subject()}
}

// ownFD returns the error of a USDT link, which has no descriptor (the
// cause alone, whatever fn: noFD names the method).
func (u *usdtLink) ownFD() (C.int, error) {
	return -1, errUSDTNoFD
}

// errUSDTNoFD is the cause of the error of the methods that need a link's
// descriptor on a USDT link.
var errUSDTNoFD = fmt.Errorf("a USDT link is a set of uprobes with no link file descriptor of its own: %w", unix.EOPNOTSUPP)

// close destroys the link through the object's USDT manager.
func (u *usdtLink) close() error {
	return destroyErr(u.obj.destroyUSDTLink(u.l))
}

// OpenLink opens the link pinned at path in bpffs with bpf_link__open
// (kernel 5.7). A pin that is not a link (a map or program) gives an error
// wrapping EINVAL. Its PinPath is path, so Unpin removes that pin. Close
// releases this process's reference; the pinned link stays attached.
func OpenLink(path string) (*Link, error) {
	const op = "OpenLink"
	subject := strconv.Quote(path)
	if err := checkPinPath(path); err != nil {
		return nil, opError(op, subject, "", err)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory; libbpf copies it as the link's pin path.
	l, err := C.bpf_link__open(cPath)
	if l == nil {
		return nil, opError(op, subject, "bpf_link__open", pinnedErr(ptrErr(err)))
	}
	// libbpf opens any pinned BPF object; refuse maps and programs.
	if err := checkFDKind(int(C.bpf_link__fd(l)), "bpf-link"); err != nil {
		// l was just opened; destroying it only closes its descriptor.
		C.bpf_link__destroy(l)
		return nil, opError(op, subject, "bpf_link__open", err)
	}
	return &Link{kind: &bpfLink{l: l}, from: path}, nil
}

// Disconnect makes Close stop short of detaching, with
// bpf_link__disconnect. Afterwards Close frees the Link's memory but, on
// purpose, neither detaches the program nor closes the link's file
// descriptor, which stays open in the process until it exits.
//
// What keeps a program attached after Close:
//   - a pinned kernel BPF link (Pin) stays attached after Close whether or
//     not Disconnect was called, and after the process exits, until the pin
//     is removed and the last descriptor closed: pinning, not Disconnect,
//     is what makes it outlive the process;
//   - a link that is not pinned stays attached after Close only with
//     Disconnect, and only for the rest of the process's life, since the
//     kernel detaches it when its last descriptor closes at exit;
//   - an attachment that is not a kernel BPF link, such as one made through
//     a perf event and the PERF_EVENT_IOC_SET_BPF ioctl (ProbeAttachModePerf,
//     or perf-event attachments before kernel 5.15), cannot be pinned:
//     Disconnect is the only way to keep it after Close, for the process's
//     life.
//
// Disconnect is also what to call when Close must not detach: libbpf's
// detach for some links does more than closing a descriptor (a USDT link
// removes its uprobes, a legacy kprobe or uprobe event is deleted from
// tracefs). Disconnect cannot be undone and is a no-op on a closed Link.
func (l *Link) Disconnect() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.open() {
		return
	}
	l.kind.disconnect()
}

// Close detaches the program, unless Disconnect was called, and frees the
// link, with bpf_link__destroy. For kernel BPF links, detaching means
// closing this process's file descriptor, so a pinned link stays attached
// until its pin is removed too (see Disconnect for what keeps a program
// attached). Close is idempotent: later calls return nil.
func (l *Link) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.open() {
		return nil
	}
	err := l.kind.close()
	l.kind = nil
	if err != nil {
		return l.kindErr("Link.Close", err)
	}
	return nil
}

// Detach detaches the program from its hook with bpf_link__detach
// (BPF_LINK_DETACH, kernel 5.9) while the Link stays open: its file
// descriptor and pin stay valid but no longer run the program. Close is
// still needed to free it. Links without a kernel link object fail with
// an error from the kernel.
func (l *Link) Detach() error {
	const op = "Link.Detach"
	if !l.lock() {
		return l.opErr(op, "", ErrClosed)
	}
	defer l.mu.RUnlock()
	if err := l.noFD(op); err != nil {
		return err
	}
	if ret := l.kind.detach(); ret < 0 {
		return l.opErr(op, "bpf_link__detach", errnoErr(ret))
	}
	return nil
}

// Pin pins the link at path in bpffs with bpf_link__pin (kernel 5.7), so
// that the attachment outlives this process and this Link: once pinned, a
// kernel BPF link stays attached after Close, with or without Disconnect,
// until the pin is removed and its last descriptor closed. path's parent
// folder must exist (else the error wraps ENOENT) and be on a bpffs mount
// (else ErrNotBPFFS). Only kernel BPF links can be pinned: an attachment
// made through a perf event and the PERF_EVENT_IOC_SET_BPF ioctl
// (ProbeAttachModePerf, or any perf-event attachment before kernel 5.15)
// gives an error wrapping EINVAL that says so.
func (l *Link) Pin(path string) error {
	const op = "Link.Pin"
	if l == nil {
		return l.opErr(op, "", ErrClosed)
	}
	// Pin records the pin path in the libbpf link.
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.open() {
		return l.opErr(op, "", ErrClosed)
	}
	if err := l.noFD(op); err != nil {
		return err
	}
	if err := checkPinPath(path); err != nil {
		return l.opErr(op, "", err)
	}
	if err := l.kind.pin(path); err != nil {
		return l.kindErr(op, err)
	}
	return nil
}

// Unpin removes the link's pin (at PinPath) with bpf_link__unpin. The link
// stays attached as long as this Link is open. The pin path is checked as
// for Pin, so that Unpin never removes a file outside bpffs (ErrNotBPFFS),
// for example after the bpffs holding the pin was unmounted.
func (l *Link) Unpin() error {
	const op = "Link.Unpin"
	if l == nil {
		return l.opErr(op, "", ErrClosed)
	}
	// Unpin clears the pin path in the libbpf link.
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.open() {
		return l.opErr(op, "", ErrClosed)
	}
	if err := l.kind.unpin(); err != nil {
		return l.kindErr(op, err)
	}
	return nil
}

// kindErr returns the *OpError of op on l for err, an error of one of
// l.kind's methods: with the call a callError names, else with none.
func (l *Link) kindErr(op string, err error) error {
	if ce, ok := err.(*callError); ok {
		return l.opErr(op, ce.call, ce.err)
	}
	return l.opErr(op, "", err)
}

// PinPath returns where the link is pinned (bpf_link__pin_path), or "" when
// it is not pinned or is closed.
func (l *Link) PinPath() string {
	if !l.lock() {
		return ""
	}
	defer l.mu.RUnlock()
	return l.kind.pinPath()
}

// FD returns the link's file descriptor (bpf_link__fd), or -1 once closed
// and for USDT links and links of SEC(".struct_ops") maps, which have none
// of their own. The descriptor belongs to the Link
// and is closed by Close.
func (l *Link) FD() int {
	if !l.lock() {
		return -1
	}
	defer l.mu.RUnlock()
	if fd, err := l.kind.ownFD(); err == nil && fd >= 0 {
		return int(fd)
	}
	return -1
}

// UpdateProgram atomically replaces the program the link runs with p, using
// bpf_link__update_program (BPF_LINK_UPDATE, kernel 5.7). p must be loaded
// and of a type the link accepts; perf-event based links (tracepoints,
// kprobes) do not support it and fail with an error from the kernel.
func (l *Link) UpdateProgram(p *Program) error {
	const op = "Link.UpdateProgram"
	if !l.lock() {
		return l.opErr(op, "", ErrClosed)
	}
	defer l.mu.RUnlock()
	if err := l.noFD(op); err != nil {
		return err
	}
	progFD, ok := p.lockFD()
	if !ok {
		return l.opErr(op, "", fmt.Errorf("%s: %w", p.subject(), ErrClosed))
	}
	defer p.mu.RUnlock()
	var ret C.int
	call := "bpf_link__update_program"
	if bl := l.kind.libbpfLink(); bl != nil && p.prog != nil {
		// Both handles are valid under their read locks.
		ret = C.bpf_link__update_program(bl, p.prog)
	} else {
		call = "bpf_link_update"
		// bpf_link__update_program's own call, for the handles without a
		// libbpf struct: a link opened by ID, a program opened without an
		// object.
		if progFD < 0 {
			return l.opErr(op, "", fmt.Errorf("%s not loaded: %w", p.subject(), unix.EINVAL))
		}
		ret = C.bpf_link_update(l.cFD(), progFD, nil)
	}
	if ret < 0 {
		return l.opErr(op, call+" "+p.subject(), errnoErr(ret))
	}
	return nil
}
