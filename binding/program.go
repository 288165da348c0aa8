package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Program is one BPF program of an Object (struct bpf_program). It belongs
// to its Object: once the Object is closed, every method returns an error
// wrapping ErrClosed or a zero value. Links made from it do not depend on
// the Object.
//
// A Program opened without an object, by OpenProgramPinned or
// OpenProgramID, has no struct bpf_program: Name, Type, FD, Info, ID,
// TestRun, Pin, Unpin, XDPAttach and AttachTC work as for a loaded
// program, and it can be given to Map.AttachProgram, Link.UpdateProgram,
// SetAttachTarget and AttachFreplace as the program or target; the other
// libbpf methods fail with EOPNOTSUPP, and Program.Close releases it.
//
// Its methods' errors are *OpError with Op the method ("Program.AttachXDP")
// and Subject "program <name>" ("program id <ID>" for a program opened
// without an object whose kernel name is empty); Call is the libbpf
// function that failed with its target, or "" when the method refused
// first (a closed or unloaded program, a bad argument).
type Program struct {
	// fdHandle is what every Program has, whatever its kind (see
	// "Ownership of handles" in handle.go): the lock, state and
	// descriptor, which the calls on the descriptor alone (TestRun, Info,
	// pinning an owned program) use.
	fdHandle
	// obj and prog are the Object and libbpf program of a program of an
	// Object; both nil for a program opened without an object.
	obj  *Object
	prog *C.struct_bpf_program
	// own is the state of a program opened without an object, which owns
	// its descriptor (OpenProgramPinned, OpenProgramID); nil for a
	// program of an Object.
	own  *ownedProgram
	name string
	// id is the kernel ID of a program opened without an object, which
	// names it in errors when its kernel name is empty (subject); 0 for
	// a program of an Object.
	id uint32
	// progType is the type of a program opened without an object, as the
	// kernel reports it; libbpf keeps the others' (progTypeLocked).
	progType ProgramType
	// targetFD is the duplicate of the descriptor given to
	// SetAttachTarget, which libbpf uses at Load; 0 for none. Closed by
	// releaseTarget after Load or at Object.Close.
	targetFD C.int
	// logBuf is the program's own verifier log buffer of logSize bytes
	// (SetLogSize), C memory freed by releaseLog at Object.Close; nil for
	// none.
	logBuf  *C.char
	logSize int
	// unloaded is set by Unload (under the write lock), so that the
	// errors of the methods that need the program loaded say why it is
	// not.
	unloaded bool
}

// ownedProgram is what only a program opened without an object has: the
// lock its fdHandle points to.
type ownedProgram struct {
	mu handleLock
}

// newObjectProgram returns the Program of prog, a program of o.
func newObjectProgram(o *Object, prog *C.struct_bpf_program) *Program {
	p := &Program{obj: o, prog: prog, name: C.GoString(C.bpf_program__name(prog))}
	p.mu, p.fd = &o.mu, -1
	return p
}

// lock takes the object's read lock and reports whether the program is a
// program of an open object; when it returns true the caller must call
// p.mu.RUnlock (p.obj.mu is the same lock). It is false for a program
// opened without an object, which has no struct bpf_program.
func (p *Program) lock() bool {
	return p != nil && p.prog != nil && p.rlock()
}

// lockLoaded is lock for the methods that need the program loaded: it is
// also false, without the lock, when the object is not loaded or Load left
// the program unloaded, which p.closed then reports.
func (p *Program) lockLoaded() bool {
	if !p.lock() {
		return false
	}
	if _, ok := p.loadedFD(); ok {
		return true
	}
	p.mu.RUnlock()
	return false
}

// lockFD takes the read lock and returns the program's descriptor, for
// the methods that need only that, whatever the program's kind: libbpf's
// (bpf_program__fd, -1 before Load) or the one of a program opened
// without an object. Unless ok is false, the caller must call
// p.mu.RUnlock.
func (p *Program) lockFD() (fd C.int, ok bool) {
	if p == nil || !p.rlock() {
		return -1, false
	}
	return p.fd, true
}

// subject names p in its errors (OpError.Subject): "program <name>", or
// "program id <ID>" for a program opened without an object whose kernel
// name is empty, and "program" for a nil Program. It reads only what
// stays known after Close, and makes no call.
func (p *Program) subject() string {
	switch {
	case p == nil:
		return "program"
	case p.name == "" && p.id != 0:
		return "program id " + strconv.FormatUint(uint64(p.id), 10)
	}
	return "program " + p.name
}

// opErr returns the *OpError of op on p: call failed with err (call ""
// when op refused before any call).
func (p *Program) opErr(op, call string, err error) error {
	return opError(op, p.subject(), call, err)
}

// closed returns the error of op, a method of p, when lock, lockLoaded or
// lockFD refused: p is closed (or nil), or is a program of an object that
// is not loaded or that Load left unloaded, or is a program opened without
// an object while op needs its struct bpf_program. Call is "": nothing
// was called.
func (p *Program) closed(op string) error {
	return p.opErr(op, "", p.refusal())
}

// refusal is the cause closed reports.
func (p *Program) refusal() error {
	if p == nil || p.mu == nil {
		return ErrClosed
	}
	fd, ok := p.lockFD()
	if !ok {
		return ErrClosed
	}
	defer p.mu.RUnlock()
	switch {
	case p.own != nil:
		return errOpenedWithoutObject
	case p.prog != nil && fd < 0:
		return p.notLoadedCause(unix.EINVAL)
	}
	return ErrClosed
}

// errOpenedWithoutObject is the cause of a libbpf method's error on a
// program opened without an object, which has no struct bpf_program.
var errOpenedWithoutObject = fmt.Errorf("program opened without an object: %w", unix.EOPNOTSUPP)

// notLoadedCause says why p, a program of an object, has no descriptor,
// wrapping errno: the object is not loaded yet, or Load skipped or failed
// the program, or Unload unloaded it. The caller holds the read lock.
func (p *Program) notLoadedCause(errno error) error {
	switch {
	case !p.obj.loaded:
		return fmt.Errorf("object %q is not loaded: call Object.Load first: %w", p.obj.name, errno)
	case p.unloaded:
		return fmt.Errorf("program was unloaded (Program.Unload): %w", errno)
	case p.prog != nil && !bool(C.bpf_program__autoload(p.prog)): // p.prog is valid under the read lock.
		return fmt.Errorf("program was not loaded (SetAutoload(false)): %w", errno)
	}
	return fmt.Errorf("program was not loaded: Object.Load failed: %w", errno)
}

// notLoadedErr returns the error of op on p, whose descriptor is -1,
// wrapping errno: for a program of an object, why it is not loaded
// (notLoadedCause); for one opened without an object (which always has
// one until closed), "program not loaded". The caller holds the read
// lock.
func (p *Program) notLoadedErr(op string, errno error) error {
	if p.prog == nil {
		return p.opErr(op, "", fmt.Errorf("program not loaded: %w", errno))
	}
	return p.opErr(op, "", p.notLoadedCause(errno))
}

// Name returns the program's function name (bpf_program__name; for a
// program opened without an object, the kernel's name, at most 15 bytes),
// or "" once closed.
func (p *Program) Name() string {
	if _, ok := p.lockFD(); !ok {
		return ""
	}
	defer p.mu.RUnlock()
	return p.name
}

// SectionName returns the ELF section the program is in, such as
// "tracepoint/syscalls/sys_enter_getpid" (bpf_program__section_name), or ""
// once the object is closed.
func (p *Program) SectionName() string {
	if !p.lock() {
		return ""
	}
	defer p.mu.RUnlock()
	// p.prog is valid while the read lock is held; GoString copies.
	return C.GoString(C.bpf_program__section_name(p.prog))
}

// Type returns the program type (bpf_program__type), which libbpf derives
// from the section name unless SetType changed it, or 0 once closed.
func (p *Program) Type() ProgramType {
	if _, ok := p.lockFD(); !ok {
		return ProgramTypeUnspec
	}
	defer p.mu.RUnlock()
	return p.progTypeLocked()
}

// SetType sets the program type with bpf_program__set_type. It must be
// called before Object.Load; afterwards libbpf refuses with EBUSY.
func (p *Program) SetType(t ProgramType) error {
	if !p.lock() {
		return p.closed("Program.SetType")
	}
	defer p.mu.RUnlock()
	if ret := C.bpf_program__set_type(p.prog, C.enum_bpf_prog_type(t)); ret < 0 {
		return p.opErr("Program.SetType", "bpf_program__set_type "+t.String(), errnoErr(ret))
	}
	return nil
}

// ExpectedAttachType returns the attach type given to the kernel at load
// time (bpf_program__expected_attach_type), or 0 once the object is closed.
func (p *Program) ExpectedAttachType() AttachType {
	if !p.lock() {
		return 0
	}
	defer p.mu.RUnlock()
	return AttachType(C.bpf_program__expected_attach_type(p.prog))
}

// SetExpectedAttachType sets the attach type given to the kernel at load
// time with bpf_program__set_expected_attach_type. It must be called before
// Object.Load; afterwards libbpf refuses with EBUSY.
func (p *Program) SetExpectedAttachType(t AttachType) error {
	if !p.lock() {
		return p.closed("Program.SetExpectedAttachType")
	}
	defer p.mu.RUnlock()
	if ret := C.bpf_program__set_expected_attach_type(p.prog, C.enum_bpf_attach_type(t)); ret < 0 {
		return p.opErr("Program.SetExpectedAttachType", "bpf_program__set_expected_attach_type "+t.String(), errnoErr(ret))
	}
	return nil
}

// Autoload reports whether Object.Load loads the program
// (bpf_program__autoload); false once the object is closed.
func (p *Program) Autoload() bool {
	if !p.lock() {
		return false
	}
	defer p.mu.RUnlock()
	return bool(C.bpf_program__autoload(p.prog))
}

// SetAutoload chooses whether Object.Load loads the program, with
// bpf_program__set_autoload. It must be called before Object.Load;
// afterwards it fails with EBUSY like the other setters (libbpf itself
// would answer EINVAL).
func (p *Program) SetAutoload(autoload bool) error {
	const op = "Program.SetAutoload"
	if !p.lock() {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if p.loaded() {
		return p.opErr(op, "", fmt.Errorf("object already loaded: %w", unix.EBUSY))
	}
	if ret := C.bpf_program__set_autoload(p.prog, C.bool(autoload)); ret < 0 {
		return p.opErr(op, "bpf_program__set_autoload", errnoErr(ret))
	}
	return nil
}

// FD returns the program's file descriptor (bpf_program__fd), or -1 when it
// is not loaded or is closed. The descriptor belongs to the object and is
// closed by Object.Close (or by Program.Close for a program opened without
// an object).
func (p *Program) FD() int {
	fd, ok := p.lockFD()
	if !ok {
		return -1
	}
	defer p.mu.RUnlock()
	if fd < 0 {
		return -1
	}
	return int(fd)
}

// Pin pins the loaded program at path in bpffs with bpf_program__pin, so it
// outlives the process. path's parent folder must exist (else the error
// wraps ENOENT) and be on a bpffs mount (else ErrNotBPFFS). A program
// opened without an object is pinned with bpf_obj_pin, as libbpf would.
func (p *Program) Pin(path string) error {
	return p.pinOp("Program.Pin", "bpf_program__pin", path, func(cPath *C.char) C.int {
		return C.bpf_program__pin(p.prog, cPath)
	})
}

// Unpin removes the pin at path with bpf_program__unpin (for a program
// opened without an object, with unlink(2), as libbpf does). The path is
// checked as for Pin, so that Unpin never unlinks files outside bpffs.
func (p *Program) Unpin(path string) error {
	return p.pinOp("Program.Unpin", "bpf_program__unpin", path, func(cPath *C.char) C.int {
		return C.bpf_program__unpin(p.prog, cPath)
	})
}

// pinOp is op (Program.Pin or Program.Unpin): it checks path and calls
// fn, the libbpf function, with it under the object's read lock.
func (p *Program) pinOp(op, fn, path string, call func(*C.char) C.int) error {
	if p != nil && p.own != nil {
		return p.pinOwned(op, path)
	}
	if !p.lock() {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if err := checkPinPath(path); err != nil {
		return p.opErr(op, "", err)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory and p.prog is valid under the read lock.
	if ret := call(cPath); ret < 0 {
		return p.opErr(op, fn+" "+strconv.Quote(path), errnoErr(ret))
	}
	return nil
}

// TestRunOptions are the inputs of Program.TestRun (struct
// bpf_test_run_opts). Which fields a program type accepts is up to the
// kernel.
type TestRunOptions struct {
	// Data is the input packet (data_in), if any.
	Data []byte
	// DataOut receives the output packet (data_out); nil for none.
	DataOut []byte
	// Context is the input context (ctx_in), if any.
	Context []byte
	// ContextOut receives the output context (ctx_out); nil for none.
	ContextOut []byte
	// Repeat runs the program that many times (repeat); 0 runs it once.
	Repeat int
	// Flags are BPF_F_TEST_* flags (flags).
	Flags uint32
	// CPU is the CPU to run on, with BPF_F_TEST_RUN_ON_CPU (cpu).
	CPU uint32
}

// TestRunResult is the output of Program.TestRun.
type TestRunResult struct {
	// ReturnValue is the program's return value (retval).
	ReturnValue uint32
	// Duration is the average time of one run, as the kernel measured it.
	Duration time.Duration
	// DataOut is TestRunOptions.DataOut cut to the output packet's length.
	DataOut []byte
	// ContextOut is TestRunOptions.ContextOut cut to the output context's
	// length.
	ContextOut []byte
}

// TestRun runs the loaded program in the kernel on the given input with
// bpf_prog_test_run_opts (BPF_PROG_TEST_RUN), without attaching it. Not
// every program type supports it (XDP, socket filter, raw tracepoint and
// others do; tracepoint programs do not). A nil opts runs with no input.
// If DataOut or ContextOut is too small the kernel fails with ENOSPC.
// The program runs exactly Repeat times: the kernel would stop early with
// EINTR when a signal arrives, and Go's runtime signals its threads often,
// so the calling thread holds its signals (but SIGKILL and SIGSTOP) until
// the run ends; a long run delays, say, a SIGINT handler until then.
func (p *Program) TestRun(opts *TestRunOptions) (*TestRunResult, error) {
	const op = "Program.TestRun"
	fd, ok := p.lockFD()
	if !ok {
		return nil, p.closed(op)
	}
	defer p.mu.RUnlock()
	if opts == nil {
		opts = &TestRunOptions{}
	}
	for _, b := range [][]byte{opts.Data, opts.DataOut, opts.Context, opts.ContextOut} {
		if len(b) > math.MaxUint32 {
			return nil, p.opErr(op, "", fmt.Errorf("buffer of %d bytes: %w", len(b), ErrInvalidSize))
		}
	}
	if opts.Repeat < 0 || opts.Repeat > math.MaxInt32 {
		return nil, p.opErr(op, "", fmt.Errorf("repeat %d out of range: %w", opts.Repeat, unix.EINVAL))
	}
	if fd < 0 {
		return nil, p.notLoadedErr(op, unix.EBADF)
	}
	// The four buffers are Go memory without Go pointers, passed as call
	// arguments: the kernel reads and writes them only during the call.
	res := C.lbg_test_run(fd,
		bytesPtr(opts.Data), C.__u32(len(opts.Data)),
		bytesPtr(opts.DataOut), C.__u32(len(opts.DataOut)),
		bytesPtr(opts.Context), C.__u32(len(opts.Context)),
		bytesPtr(opts.ContextOut), C.__u32(len(opts.ContextOut)),
		C.int(opts.Repeat), C.__u32(opts.Flags), C.__u32(opts.CPU))
	if res.err < 0 {
		return nil, p.opErr(op, "bpf_prog_test_run_opts", errnoErr(res.err))
	}
	out := &TestRunResult{
		ReturnValue: uint32(res.retval),
		Duration:    time.Duration(res.duration),
	}
	if opts.DataOut != nil {
		out.DataOut = opts.DataOut[:min(int(res.data_size_out), len(opts.DataOut))]
	}
	if opts.ContextOut != nil {
		out.ContextOut = opts.ContextOut[:min(int(res.ctx_size_out), len(opts.ContextOut))]
	}
	return out, nil
}

// releaseTarget closes the target descriptor SetAttachTarget kept, once
// libbpf no longer needs it (after Load) or the object goes away.
func (p *Program) releaseTarget() {
	if p.targetFD > 0 {
		unix.Close(int(p.targetFD))
		p.targetFD = 0
	}
}
