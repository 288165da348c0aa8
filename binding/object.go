package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// defaultKernelLogSize is the size of the kernel log buffer when
// ObjectOptions.KernelLogSize is 0.
const defaultKernelLogSize = 1 << 20

// minKernelLogSize and maxKernelLogSize are the bounds the kernel puts on a
// BPF_PROG_LOAD log buffer.
const (
	minKernelLogSize = 128
	maxKernelLogSize = math.MaxUint32 >> 2
)

// ObjectOptions are the options of OpenFile and OpenMem; they fill libbpf's
// struct bpf_object_open_opts. The zero value keeps libbpf's defaults.
type ObjectOptions struct {
	// Name overrides the object name (object_name). The default is the
	// file's base name for OpenFile and the name argument for OpenMem.
	Name string
	// PinRoot is the folder where maps declared with LIBBPF_PIN_BY_NAME are
	// pinned (pin_root_path); libbpf's default is /sys/fs/bpf.
	PinRoot string
	// KConfig is extra Kconfig text (kconfig), such as "CONFIG_HZ=100\n",
	// that overrides the system's values for __kconfig externs.
	KConfig string
	// BTFPath is a custom BTF file for CO-RE relocations (btf_custom_path)
	// used instead of the kernel's own /sys/kernel/btf/vmlinux.
	BTFPath string
	// KernelLogLevel is the kernel log level for program and BTF loads
	// (kernel_log_level). 0 asks for a verifier log only when a load
	// fails; 1 or more also logs loads that succeed.
	KernelLogLevel uint32
	// KernelLogSize is the size in bytes of the kernel log buffer
	// (kernel_log_buf) the binding allocates for the object; 0 means
	// 1 MiB. The kernel accepts 128 bytes up to 1 GiB - 1, and keeps the
	// end of a log that does not fit (failing the load with ENOSPC if the
	// program was otherwise fine).
	KernelLogSize int
	// BPFTokenPath is a bpffs mount with delegation options from which
	// Load creates a BPF token (bpf_token_path, kernel 6.9; see
	// NewToken), so that a process without CAP_BPF in the initial user
	// namespace, such as root of a container's user namespace, loads the
	// object with what the mount delegates. "" keeps libbpf's default:
	// the LIBBPF_BPF_TOKEN_PATH environment variable, else
	// /sys/fs/bpf if it was mounted with delegation options, else no
	// token. Object.TokenFD reports the token.
	BPFTokenPath string
}

// Object is a BPF ELF object file opened by libbpf (struct bpf_object): its
// programs, maps and global variables. Open it with OpenFile or OpenMem,
// configure it, Load it into the kernel, and Close it when done.
//
// Object, and the Programs and Maps that belong to it, are safe for
// concurrent use once loaded; see the package documentation for the rules
// that apply before Load.
type Object struct {
	// mu guards obj: readers are the methods of Object, Program and Map,
	// writers are Load, Close and the Map methods that change libbpf's
	// state after Load (ReuseFD, Pin, Unpin).
	mu handleLock
	// obj is the libbpf object; nil once closed.
	obj *C.struct_bpf_object
	// logBuf is the C kernel_log_buf given to libbpf at open time; libbpf
	// writes to it during Load, so it lives until Close.
	logBuf  *C.char
	logSize int
	// loaded is set once Load has been attempted.
	loaded bool
	name   string
	progs  []*Program
	maps   []*Map
	// usdtMu serialises the use of libbpf's USDT manager, which the
	// object owns and which USDT attaches and USDT link closes change; it
	// guards usdtLinks and closing. Taken after mu, never before.
	usdtMu sync.Mutex
	// usdtLinks counts the open USDT links of the object's programs.
	usdtLinks int
	// closing holds the libbpf object (and its log buffer) that Close left
	// for the last USDT link to free: closing those links needs the USDT
	// manager.
	closing    *C.struct_bpf_object
	closingLog *C.char
	// res holds the memory mappings and descriptors the binding made for
	// the maps (Map.Memory, Map.SetInnerMap); Close releases them.
	res mapResources
	// btf is the object's BTF (Object.BTF), nil when it has none; it
	// shares mu, and Close marks it closed.
	btf *BTF
}

// OpenFile opens the BPF ELF object file at path, as bpf_object__open_file
// does. opts may be nil. The file is read once, into C memory, its ELF
// structure is checked in Go (see ErrInvalidObject), so that a malformed
// file is refused before libbpf parses it, and libbpf parses those same
// bytes with bpf_object__open_mem: the file is not read a second time, and
// a change to it after the read does not reach libbpf. The object's name
// is the one bpf_object__open_file gives (the file's base name up to its
// first dot, unless opts.Name is set), and errors name the path; libbpf's
// own log lines about the object name it by that name rather than by its
// path. The object is not loaded into the kernel yet: configure it, then
// call Load. Close releases it.
func OpenFile(path string, opts *ObjectOptions) (*Object, error) {
	const op = "OpenFile"
	subject := fmt.Sprintf("%q", path)
	if path == "" {
		return nil, opError(op, subject, "", fmt.Errorf("empty path: %w", unix.EINVAL))
	}
	buf, size, call, err := readFileC(path)
	if err != nil {
		return nil, opError(op, subject, call, err)
	}
	// buf is C memory (malloc) that only this function frees.
	defer C.free(buf)
	// SAFETY: buf holds size bytes of C memory, alive until the deferred
	// free; checkELF only reads it and keeps no reference.
	if err := checkELF(unsafe.Slice((*byte)(buf), size)); err != nil {
		return nil, opError(op, subject, "", err)
	}
	name := objectName(path)
	if opts != nil && opts.Name != "" {
		name = opts.Name
	}
	if name == "" {
		// A file named ".bpf.o" gets the empty name from
		// bpf_object__open_file, which open_mem cannot be given (it
		// would name the object after the buffer's address): let libbpf
		// open the file itself.
		return openFileLibbpf(path, opts)
	}
	o := ObjectOptions{}
	if opts != nil {
		o = *opts
	}
	o.Name = name
	return open(&o, op, subject, "bpf_object__open_mem", func(co *C.struct_lbg_open_opts) (*C.struct_bpf_object, error) {
		// SAFETY: buf is C memory, freed after the call returns (libbpf
		// parses it during bpf_object__open_mem only); co is Go memory
		// holding only C pointers, used only during the call.
		obj, err := C.lbg_open_mem(buf, C.size_t(size), co)
		return obj, err
	})
}

// openFileLibbpf opens path with libbpf's bpf_object__open_file, which
// reads the file itself; the Go check of OpenFile has run on its bytes.
func openFileLibbpf(path string, opts *ObjectOptions) (*Object, error) {
	cPath := C.CString(path)
	defer freeCString(cPath)
	return open(opts, "OpenFile", fmt.Sprintf("%q", path), "bpf_object__open_file",
		func(o *C.struct_lbg_open_opts) (*C.struct_bpf_object, error) {
			// SAFETY: cPath is C memory; o is Go memory holding only C
			// pointers, used only during the call.
			obj, err := C.lbg_open_file(cPath, o)
			return obj, err
		})
}

// objectName is the object name bpf_object__open_file derives from path:
// the part after the last slash (GNU basename, which keeps nothing of a
// trailing slash), up to its first dot. libbpf truncates it to its name
// buffer either way; cutting at the dot before or after the truncation
// gives the same name.
func objectName(path string) string {
	base := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	return base
}

// readFileC reads the file at path into C memory (malloc; the caller
// frees it) with one open, fstat, read and close when it is a regular
// file of known size, as os.ReadFile would read it otherwise. Errors are
// the bare errno, as the *os.PathError of os.ReadFile would carry, and
// call names the system call that failed ("open", "fstat", "read").
func readFileC(path string) (buf unsafe.Pointer, size int, call string, err error) {
	var fd int
	for {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, "open", err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, 0, "fstat", err
	}
	switch {
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		return nil, 0, "read", unix.EISDIR
	case st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size <= 0 || st.Size > math.MaxInt32:
		// Pipes, /proc files that report no size, empty files: read
		// until the end.
		data, err := os.ReadFile(path)
		if err != nil {
			var pathErr *os.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err
			}
			return nil, 0, "read", err
		}
		if len(data) == 0 {
			// checkELF refuses it; malloc(0) may return NULL.
			return C.malloc(1), 0, "", nil
		}
		return C.CBytes(data), len(data), "", nil
	}
	size = int(st.Size)
	buf = C.malloc(C.size_t(size))
	if buf == nil {
		return nil, 0, "malloc", unix.ENOMEM
	}
	// SAFETY: buf holds size bytes of C memory that the read fills.
	b := unsafe.Slice((*byte)(buf), size)
	n := 0
	for n < size {
		m, err := unix.Pread(fd, b[n:], int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			C.free(buf)
			return nil, 0, "read", err
		}
		if m == 0 {
			// The file shrank since fstat: take what it holds.
			break
		}
		n += m
	}
	return buf, n, "", nil
}

// OpenMem opens a BPF ELF object held in memory with bpf_object__open_mem.
// name is the object's name (opts.Name, when set, overrides it); opts may
// be nil. The ELF structure of data is checked in Go first, and malformed
// data gives an error wrapping ErrInvalidObject. data is copied, so the
// caller may reuse it once OpenMem returns. The object is not loaded into
// the kernel yet: configure it, then call Load. Close releases it.
func OpenMem(name string, data []byte, opts *ObjectOptions) (*Object, error) {
	const op = "OpenMem"
	subject := fmt.Sprintf("%q", name)
	if len(data) == 0 {
		return nil, opError(op, subject, "", fmt.Errorf("empty object data: %w", unix.EINVAL))
	}
	if err := checkELF(data); err != nil {
		return nil, opError(op, subject, "", err)
	}
	if name != "" && (opts == nil || opts.Name == "") {
		o := ObjectOptions{}
		if opts != nil {
			o = *opts
		}
		o.Name = name
		opts = &o
	}
	// libbpf parses the ELF image during bpf_object__open_mem only, but the
	// copy keeps Go memory out of libbpf's hands entirely.
	buf := C.CBytes(data)
	defer C.free(buf)
	return open(opts, op, subject, "bpf_object__open_mem",
		func(o *C.struct_lbg_open_opts) (*C.struct_bpf_object, error) {
			// buf is C memory; o is Go memory holding only C pointers, used only during the call.
			obj, err := C.lbg_open_mem(buf, C.size_t(len(data)), o)
			return obj, err
		})
}

// open converts opts to C, calls openFn, which calls the libbpf function
// call, and wraps the resulting object. Its errors are the OpErrors of op
// (OpenFile, OpenMem) on subject, the path or name given.
func open(opts *ObjectOptions, op, subject, call string,
	openFn func(*C.struct_lbg_open_opts) (*C.struct_bpf_object, error)) (*Object, error) {
	if opts == nil {
		opts = &ObjectOptions{}
	}
	logSize := opts.KernelLogSize
	if logSize == 0 {
		logSize = defaultKernelLogSize
	}
	if logSize < minKernelLogSize || logSize > maxKernelLogSize {
		return nil, opError(op, subject, "", fmt.Errorf("kernel log size %d is outside [%d, %d]: %w",
			opts.KernelLogSize, minKernelLogSize, maxKernelLogSize, unix.EINVAL))
	}
	syncLogLevel()

	// co is Go memory holding only C pointers, which cgo allows to pass.
	// libbpf copies the strings during the open call (checked in 1.7), so
	// they are freed on return; the log buffer stays for Load.
	var co C.struct_lbg_open_opts
	co.object_name = cString(opts.Name)
	defer freeCString(co.object_name)
	co.pin_root_path = cString(opts.PinRoot)
	defer freeCString(co.pin_root_path)
	co.kconfig = cString(opts.KConfig)
	defer freeCString(co.kconfig)
	co.btf_custom_path = cString(opts.BTFPath)
	defer freeCString(co.btf_custom_path)
	co.bpf_token_path = cString(opts.BPFTokenPath)
	defer freeCString(co.bpf_token_path)
	// malloc, not calloc: once glibc has raised its mmap threshold past
	// the buffer's size (it does when such a buffer is freed), calloc
	// takes it from the heap and clears all of it, about a tenth of the
	// open phase on the benchmark object for a buffer that is written, if
	// ever, only by the kernel during Load. The kernel NUL-terminates what
	// it writes; an empty log is the NUL set here.
	logBuf := (*C.char)(C.malloc(C.size_t(logSize)))
	if logBuf == nil {
		return nil, opError(op, subject, "malloc", fmt.Errorf("kernel log buffer of %d bytes: %w", logSize, unix.ENOMEM))
	}
	// SAFETY: logBuf holds logSize >= minKernelLogSize bytes of C memory.
	*logBuf = 0
	co.kernel_log_buf = logBuf
	co.kernel_log_size = C.size_t(logSize)
	co.kernel_log_level = C.__u32(opts.KernelLogLevel)

	obj, err := openFn(&co)
	if obj == nil {
		// logBuf was only ever referenced by the failed, freed object.
		C.free(unsafe.Pointer(logBuf))
		return nil, opError(op, subject, call, ptrErr(err))
	}

	o := &Object{obj: obj, logBuf: logBuf, logSize: logSize}
	o.mu.guard = new(readGuard)
	// obj is valid; bpf_object__name returns a string owned by it.
	o.name = C.GoString(C.bpf_object__name(obj))
	// The object's BTF, if any, lives from open to bpf_object__close.
	if b := C.bpf_object__btf(obj); b != nil {
		o.btf = &BTF{mu: &o.mu, btf: b, what: "of " + o.subject()}
	}
	for p := C.bpf_object__next_program(obj, nil); p != nil; p = C.bpf_object__next_program(obj, p) {
		o.progs = append(o.progs, newObjectProgram(o, p))
	}
	for m := C.bpf_object__next_map(obj, nil); m != nil; m = C.bpf_object__next_map(obj, m) {
		mp := newObjectMap(o, m)
		if err := mp.refresh(); err != nil {
			o.Close()
			return nil, opError(op, subject, "", fmt.Errorf("map %s: %w", mp.name, err))
		}
		o.maps = append(o.maps, mp)
	}
	return o, nil
}

// Load creates the object's maps and loads its programs into the kernel
// with bpf_object__load (run as bpf_object__prepare, which creates the
// maps, then bpf_object__load, which loads the programs). Load can be called
// once: like libbpf, it refuses a second attempt with EINVAL, even after a
// failure.
//
// Errors are *OpError of Op "Object.Load". When the kernel rejects a
// program, its Err is a *VerifierError holding the program's name and
// verifier log (errors.As finds it), as in
//
//	Object.Load object minimal: bpf_object__load: program handle: bpf(BPF_PROG_LOAD): permission denied: verifier log: ...
//
// otherwise it names the libbpf function (bpf_object__prepare, which
// creates the maps, or bpf_object__load) and wraps the error code, naming
// the map when one of the maps could not be created (for example when
// the kernel refuses its size). Load blocks every other method of the
// object, its programs and maps until it returns.
func (o *Object) Load() error {
	const op = "Object.Load"
	if o == nil {
		return opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.obj == nil {
		return opError(op, o.subject(), "", ErrClosed)
	}
	if o.loaded {
		return opError(op, o.subject(), "", fmt.Errorf("object was already loaded: %w", unix.EINVAL))
	}
	syncLogLevel()
	o.loaded = true
	// The maps' descriptors exist from here on (or stay -1 where creating
	// them failed); cache them for the element operations.
	defer func() {
		for _, mp := range o.maps {
			mp.markLoaded(C.bpf_map__fd(mp.m))
		}
		// libbpf used the attach targets' descriptors for the loads.
		for _, p := range o.progs {
			p.markLoaded(C.bpf_program__fd(p.prog))
			p.releaseTarget()
		}
	}()
	if prep := C.lbg_object_prepare(o.obj); prep.err < 0 {
		if mp := o.mapOf(prep.failed_map); mp != nil {
			return opError(op, o.subject(), "bpf_object__prepare",
				fmt.Errorf("map %s: %w", mp.name, mp.createErr(errnoErr(prep.err))))
		}
		return opError(op, o.subject(), "bpf_object__prepare", o.permErr(errnoErr(prep.err)))
	}
	// Forget any BTF log from the prepare step, so that the buffer holds
	// only what program loads write.
	*o.logBuf = 0
	res := C.lbg_object_load(o.obj)
	if res.err == 0 {
		return nil
	}
	err := errnoErr(res.err)
	for _, p := range o.progs {
		if p.prog == res.failed_prog {
			// The program's own buffer (SetLogSize) holds its log, if
			// it has one.
			buf, size := o.logBuf, o.logSize
			if p.logBuf != nil {
				buf, size = p.logBuf, p.logSize
			}
			return opError(op, o.subject(), "bpf_object__load", &VerifierError{
				Program: p.name,
				// The kernel NUL-terminates the log within size bytes,
				// and the buffer starts with a NUL (open, SetLogSize).
				Log: goStringN(buf, size),
				Err: p.loadErr(err),
			})
		}
	}
	return opError(op, o.subject(), "bpf_object__load", o.permErr(err))
}

// Close releases the object with bpf_object__close: its maps and programs
// are unloaded unless something else holds them (a pin, a Link, another
// file descriptor), and the Programs and Maps of the object become closed.
// Links made from its programs are independent and stay attached. USDT
// links (Program.AttachUSDT, SEC("usdt/...")) are closed through libbpf's
// USDT manager, which the object owns: while any is open, Close leaves the
// libbpf object's memory to the last of them to free. Close waits for
// running map operations, is idempotent and returns nil.
func (o *Object) Close() error {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.obj == nil {
		return nil
	}
	o.res.release()
	if o.btf != nil {
		// bpf_object__close frees it; the write lock keeps its users out.
		o.btf.btf = nil
	}
	for _, mp := range o.maps {
		mp.markClosed()
	}
	for _, p := range o.progs {
		p.markClosed()
		p.releaseTarget()
		// libbpf uses a program's log buffer only during Load.
		p.releaseLog()
	}
	o.usdtMu.Lock()
	if o.usdtLinks > 0 {
		// Open USDT links still need the object's USDT manager: the last
		// one to close frees the object (Link.Close).
		o.closing, o.closingLog = o.obj, o.logBuf
	} else {
		freeObject(o.obj, o.logBuf)
	}
	o.usdtMu.Unlock()
	o.obj = nil
	o.logBuf = nil
	return nil
}

// freeObject closes the libbpf object obj with bpf_object__close and frees
// its log buffer logBuf, to which libbpf no longer refers then.
func freeObject(obj *C.struct_bpf_object, logBuf *C.char) {
	C.bpf_object__close(obj)
	C.free(unsafe.Pointer(logBuf))
}

// subject is the object's identity in the errors of its methods, "object
// <name>" ("object" for a nil Object). The name is set at open and never
// changes, so it is known once closed too.
func (o *Object) subject() string {
	switch {
	case o == nil:
		return "object"
	case o.name == "":
		return `object ""`
	}
	return "object " + o.name
}

// Name returns the object's name (bpf_object__name), or "" once closed.
func (o *Object) Name() string {
	if o == nil {
		return ""
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return ""
	}
	return o.name
}

// Programs returns the object's programs in ELF order (as
// bpf_object__next_program walks them), or nil once closed. The pointers
// are created at open and stay the same for the object's life.
func (o *Object) Programs() []*Program {
	if o == nil {
		return nil
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil
	}
	return append([]*Program(nil), o.progs...)
}

// Maps returns the object's maps in ELF order (as bpf_object__next_map walks
// them), including internal maps such as .bss, .data and .rodata, or nil
// once closed. The pointers are created at open and stay the same for the
// object's life.
func (o *Object) Maps() []*Map {
	if o == nil {
		return nil
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil
	}
	return append([]*Map(nil), o.maps...)
}

// Program returns the program whose function name is name, as
// bpf_object__find_program_by_name finds it. An unknown name gives an error
// wrapping ErrNotFound and os.ErrNotExist.
func (o *Object) Program(name string) (*Program, error) {
	const op = "Object.Program"
	if o == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	for _, p := range o.progs {
		if p.name == name {
			return p, nil
		}
	}
	return nil, opError(op, o.subject(), "", &notFoundError{what: fmt.Sprintf("program %q", name)})
}

// Map returns the map called name, found with bpf_object__find_map_by_name,
// which also accepts the ELF section name of an internal map (".bss",
// ".data", ".rodata", ".data.custom", ...). An unknown name gives an error
// wrapping ErrNotFound and os.ErrNotExist.
func (o *Object) Map(name string) (*Map, error) {
	const op = "Object.Map"
	if o == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	if name != "" {
		cName := C.CString(name)
		defer freeCString(cName)
		// o.obj is open (read lock held) and cName is C memory.
		if m := C.bpf_object__find_map_by_name(o.obj, cName); m != nil {
			if mp := o.mapOf(m); mp != nil {
				return mp, nil
			}
		}
	}
	return nil, opError(op, o.subject(), "", &notFoundError{what: fmt.Sprintf("map %q", name)})
}

// mapOf returns the Map wrapping m. The caller holds o.mu.
func (o *Object) mapOf(m *C.struct_bpf_map) *Map {
	for _, mp := range o.maps {
		if mp.m == m {
			return mp
		}
	}
	return nil
}
