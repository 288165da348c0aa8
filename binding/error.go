package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/libbpf-go/libbpf-go/binding/internal/privilege"

	"golang.org/x/sys/unix"
)

// ErrClosed is wrapped by the error of every method called on a closed or
// nil Object, Program, Map, Link or event consumer. It also matches
// [os.ErrClosed], as the errors of a closed file do. Methods that return
// plain values (Name, FD, PinPath, Type and so on) return the zero value
// instead: "" for strings, 0 for types and sizes, -1 for file descriptors.
var ErrClosed error = &sentinel{msg: "libbpf: use of closed handle", alias: fs.ErrClosed}

// sentinel is an error variable of the package that also matches alias,
// the standard error of the same meaning.
type sentinel struct {
	msg   string
	alias error
}

func (s *sentinel) Error() string { return s.msg }

// Is makes the sentinel match its standard alias.
func (s *sentinel) Is(target error) bool { return target == s.alias }

// ErrNotFound is wrapped when a program, map or global variable of that
// name does not exist in the object. Such errors also satisfy
// errors.Is(err, os.ErrNotExist).
var ErrNotFound = errors.New("libbpf: not found")

// ErrInvalidSize is wrapped when a key, value or global variable buffer does
// not have the size the map or variable needs. The check happens in Go,
// before libbpf is called, and the message names both sizes.
var ErrInvalidSize = errors.New("libbpf: invalid size")

// ErrNotBPFFS is wrapped when a pin path's parent folder is not on a BPF
// file system (bpffs) mount, where the kernel requires pins to live.
var ErrNotBPFFS = errors.New("libbpf: not on a bpffs mount")

// notFoundError is the error returned for unknown names: it matches both
// ErrNotFound and fs.ErrNotExist.
type notFoundError struct {
	what string
}

// Error names what was not found.
func (e *notFoundError) Error() string { return e.what + ": " + ErrNotFound.Error() }

// Is makes the error match both ErrNotFound and fs.ErrNotExist.
func (e *notFoundError) Is(target error) bool {
	return target == ErrNotFound || target == fs.ErrNotExist
}

// OpError is the error of every method and function of the package that
// fails, in one form: the Go operation, what it was called on, the libbpf
// function or system call that failed, and the cause. Its text reads
//
//	Map.Lookup map counts: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory
//	Program.AttachXDP program xdp_pass: bpf_program__attach_xdp ifindex 3: operation not supported
//	Map.Update map counts: value is 4 bytes, want 8: libbpf: invalid size
//
// as net.OpError's does. Call is empty when the method refused before any
// call (a bad argument, a closed handle); Subject is empty for a package
// function that has no argument to name (EnableStats). Unwrap returns
// Err, so errors.Is(err, unix.ENOENT), errors.Is(err, ErrClosed) and
// errors.As(err, **VerifierError) see through it.
type OpError struct {
	// Op is the operation as Go names it: "Map.Lookup", "Object.Load",
	// "OpenFile", "TypedMap.Update".
	Op string
	// Subject names what Op was called on, its kind and identity: "map
	// counts", "program handle_exec", "object minimal", "link of program
	// handle_exec", "link 12", "ring buffer events", or a package
	// function's argument (a path, quoted).
	Subject string
	// Call is the libbpf function or system call that failed, with the
	// arguments that tell which ("bpf_link__pin \"/sys/fs/bpf/x\"",
	// "bpf(BPF_MAP_LOOKUP_ELEM)"), or "" when none was made.
	Call string
	// Err is the cause: a unix.Errno (possibly explained, as for EPERM), a
	// sentinel of this package such as ErrClosed or ErrInvalidSize with
	// what was wrong, or a *VerifierError.
	Err error
}

// Error joins the non-empty parts: "Op Subject: Call: Err".
func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Subject != "" {
		b.WriteByte(' ')
		b.WriteString(e.Subject)
	}
	if e.Call != "" {
		b.WriteString(": ")
		b.WriteString(e.Call)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("<nil>")
	}
	return b.String()
}

// Unwrap returns Err.
func (e *OpError) Unwrap() error { return e.Err }

// opError returns the OpError of op on subject, when call failed with err
// (call "" when none was made).
func opError(op, subject, call string, err error) error {
	return &OpError{Op: op, Subject: subject, Call: call, Err: err}
}

// callError is the failure of one libbpf function or system call, as the
// package's internal helpers (and the kinds of Link) return it: call names
// it with the arguments that identify the target ("bpf_obj_get
// \"/sys/fs/bpf/x\""), err is the cause. Its text is "call: err". The
// exported method that gets one makes it its OpError's Call and Err
// (wrapOp).
type callError struct {
	call string
	err  error
}

// Error returns "call: err".
func (e *callError) Error() string { return e.call + ": " + e.err.Error() }

// Unwrap returns the cause.
func (e *callError) Unwrap() error { return e.err }

// wrapOp returns err, the failure of op on subject, as an OpError: a
// *callError gives the OpError's Call and Err; an *OpError of op already
// (from a shared helper that made it) is returned as it is, so that no
// prefix is doubled; any other error is the cause of a refusal before
// any call (Call ""). nil stays nil.
func wrapOp(op, subject string, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *OpError:
		if e.Op == op {
			return e
		}
	case *callError:
		return opError(op, subject, e.call, e.err)
	}
	return opError(op, subject, "", err)
}

// libbpfErrno is one of libbpf's own error codes (LIBBPF_ERRNO__*, from
// 4000 up), which unix.Errno cannot describe.
type libbpfErrno struct {
	errno unix.Errno
}

// Error returns libbpf's description of the code (libbpf_strerror).
func (e *libbpfErrno) Error() string {
	var buf [128]C.char
	// buf is Go memory without Go pointers, written only during the call.
	C.libbpf_strerror(C.int(e.errno), &buf[0], C.size_t(len(buf)))
	// buf is NUL-terminated by libbpf_strerror and still in scope.
	return C.GoString(&buf[0])
}

// Unwrap returns the code as a unix.Errno.
func (e *libbpfErrno) Unwrap() error { return e.errno }

// errnoErr converts a libbpf return value (a negative error code) to an
// error wrapping unix.Errno.
func errnoErr(ret C.int) error {
	code := unix.Errno(-ret)
	if ret > 0 {
		code = unix.Errno(ret)
	}
	if code >= C.__LIBBPF_ERRNO__START && code < C.__LIBBPF_ERRNO__END {
		return &libbpfErrno{errno: code}
	}
	return code
}

// ptrErr converts the errno cgo captured after a libbpf function returned
// NULL into an error wrapping unix.Errno.
func ptrErr(err error) error {
	var code unix.Errno
	if errors.As(err, &code) && code != 0 {
		return errnoErr(C.int(-code))
	}
	return unix.EINVAL
}

// VerifierError is the cause (OpError.Err) of the error of Object.Load when
// the kernel rejects one of the object's programs, most often because the
// BPF verifier refused it; errors.As(err, &verr) finds it.
// Log holds the kernel's log for that program as libbpf captured it in the
// object's kernel log buffer (see ObjectOptions.KernelLogSize); it may be
// empty when the kernel failed the load before the verifier ran, and holds
// the end of the log if the buffer was too small.
type VerifierError struct {
	// Program is the name of the program that failed to load.
	Program string
	// Log is the kernel's verifier log for the program.
	Log string
	// Err is the error code of the BPF_PROG_LOAD command, a unix.Errno;
	// for EPERM it also says which capabilities the process lacks (or
	// that lockdown is on), and errors.Is(Err, unix.EPERM) holds.
	Err error
}

// verifierTailLines is how many of the log's last non-empty lines
// VerifierError.Error quotes.
const verifierTailLines = 3

// Error names the program, the system call and the error code and quotes
// the last non-empty lines of the verifier log, which usually state the
// reason: "program handle: bpf(BPF_PROG_LOAD): permission denied: verifier
// log: ...", which reads on from the "Object.Load object x:
// bpf_object__load: " of the OpError that holds it.
func (e *VerifierError) Error() string {
	msg := fmt.Sprintf("program %s: bpf(BPF_PROG_LOAD): %v", e.Program, e.Err)
	var tail []string
	for line := range strings.Lines(e.Log) {
		if line = strings.TrimSpace(line); line != "" {
			tail = append(tail, line)
		}
	}
	if len(tail) > verifierTailLines {
		tail = tail[len(tail)-verifierTailLines:]
	}
	if len(tail) > 0 {
		msg += ": verifier log: " + strings.Join(tail, " | ")
	}
	return msg
}

// Unwrap returns Err, so errors.Is(err, unix.EACCES) and similar hold.
func (e *VerifierError) Unwrap() error { return e.Err }

// notBPFFSError is the error of a pin path whose folder is not on a bpffs
// mount. It matches ErrNotBPFFS without repeating its text.
type notBPFFSError struct {
	path, dir string
}

// Error names the pin path and its folder, and says where pins go.
func (e *notBPFFSError) Error() string {
	return fmt.Sprintf("pin path %q: %s is not on a bpffs mount (pins live in bpffs, usually mounted at /sys/fs/bpf)", e.path, e.dir)
}

// Is makes the error match ErrNotBPFFS.
func (e *notBPFFSError) Is(target error) bool { return target == ErrNotBPFFS }

// permissionError is an EPERM (or EACCES) from the kernel with the reason
// privilege.Explain found when it happened: the capabilities the process
// lacks, or kernel lockdown. It replaces libbpf's hint about
// RLIMIT_MEMLOCK, which has not limited BPF memory since kernel 5.11.
type permissionError struct {
	err error
	why string
}

// Error is the errno's text and the reason.
func (e *permissionError) Error() string { return e.err.Error() + ": " + e.why }

// Unwrap returns the errno, so errors.Is(err, unix.EPERM) and
// errors.Is(err, os.ErrPermission) hold.
func (e *permissionError) Unwrap() error { return e.err }

// explainPermission adds to err, when it is an EPERM (or, with eacces, an
// EACCES caused by a missing capability, as perf_event_open gives), what
// the process lacks for an operation that needs need. The capabilities
// are read now, from the calling thread.
func explainPermission(err error, need privilege.Need, eacces bool) error {
	var perm *permissionError
	if err == nil || need == 0 || errors.As(err, &perm) {
		return err
	}
	state := privilege.Current()
	switch {
	case errors.Is(err, unix.EPERM):
	case eacces && errors.Is(err, unix.EACCES) && state.InitUserNS && len(state.Missing(need)) > 0:
	default:
		return err
	}
	return &permissionError{err: err, why: privilege.Explain(need, state)}
}

// programNeed is what loading and attaching a program of type t needs
// (bpf_prog_load's checks): CAP_BPF, plus CAP_PERFMON for tracing types
// and CAP_NET_ADMIN for networking types.
func programNeed(t ProgramType) privilege.Need {
	need := privilege.BPF
	switch t {
	case ProgramTypeKprobe, ProgramTypeTracepoint, ProgramTypePerfEvent,
		ProgramTypeRawTracepoint, ProgramTypeRawTracepointWritable,
		ProgramTypeTracing, ProgramTypeLSM, ProgramTypeStructOps:
		need |= privilege.Perfmon
	case ProgramTypeSchedCLS, ProgramTypeSchedACT, ProgramTypeXDP,
		ProgramTypeLWTIn, ProgramTypeLWTOut, ProgramTypeLWTXmit,
		ProgramTypeLWTSeg6Local, ProgramTypeSKSKB, ProgramTypeSKMsg,
		ProgramTypeLIRCMode2, ProgramTypeFlowDissector,
		ProgramTypeCgroupDevice, ProgramTypeCgroupSock,
		ProgramTypeCgroupSockAddr, ProgramTypeCgroupSockopt,
		ProgramTypeCgroupSysctl, ProgramTypeSockOps, ProgramTypeNetfilter:
		need |= privilege.NetAdmin
	case ProgramTypeExt:
		need |= privilege.Perfmon | privilege.NetAdmin
	}
	return need
}

// mapNeed is what creating a map of type t needs (map_create's checks):
// CAP_BPF, and CAP_NET_ADMIN too for maps of sockets and devices.
func mapNeed(t MapType) privilege.Need {
	switch t {
	case MapTypeSockMap, MapTypeSockHash, MapTypeDevMap, MapTypeDevMapHash, MapTypeXSKMap:
		return privilege.BPF | privilege.NetAdmin
	}
	return privilege.BPF
}

// pinnedErr explains err, the error of opening a pinned object
// (bpf_obj_get), when it is an EPERM: before kernel 6.5 every bpf(2)
// command needed CAP_BPF while kernel.unprivileged_bpf_disabled was set.
func pinnedErr(err error) error {
	return explainPermission(err, privilege.BPF, false)
}

// byIDErr explains err, the error of opening an object by ID
// (BPF_*_GET_FD_BY_ID), when it is an EPERM: those commands need
// CAP_SYS_ADMIN.
func byIDErr(err error) error {
	return explainPermission(err, privilege.SysAdmin, false)
}

// createErr explains err, the error of creating m, when it is an EPERM.
func (m *Map) createErr(err error) error {
	return explainPermission(err, mapNeed(m.mapType), false)
}

// permErr explains err, an error of Load that no one map or program
// caused, such as that of libbpf's trial load of a trivial program
// (bpf_object__probe_loading), when it is an EPERM: with what loading the
// whole object needs, its maps and the programs it loads. The caller holds
// the object's lock.
func (o *Object) permErr(err error) error {
	var need privilege.Need
	for _, m := range o.maps {
		need |= mapNeed(m.mapType)
	}
	for _, p := range o.progs {
		// p.prog is valid under the object's lock.
		if C.bpf_program__autoload(p.prog) {
			need |= programNeed(p.progTypeLocked())
		}
	}
	return explainPermission(err, need, false)
}

// progTypeLocked returns the program's type without taking the lock, which
// the caller holds.
func (p *Program) progTypeLocked() ProgramType {
	if p.prog != nil {
		// p.prog is valid under the caller's lock.
		return ProgramType(C.bpf_program__type(p.prog))
	}
	return p.progType
}

// permErr explains err, the error of loading or attaching p, when it is a
// permission error (see explainPermission). The caller holds p's lock.
func (p *Program) permErr(err error) error {
	return explainPermission(err, programNeed(p.progTypeLocked()), true)
}

// loadErr is permErr for the EPERM of loading p, where an EACCES is the
// verifier's and says nothing about privileges.
func (p *Program) loadErr(err error) error {
	return explainPermission(err, programNeed(p.progTypeLocked()), false)
}
