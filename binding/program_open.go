package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ProgramInfo is what the kernel reports about a program (struct
// bpf_prog_info, from BPF_OBJ_GET_INFO_BY_FD, kernel 4.13).
type ProgramInfo struct {
	// Type is the program type.
	Type ProgramType
	// ID is the program's system-wide ID, usable with OpenProgramID.
	ID uint32
	// Name is the program's name as the kernel keeps it: at most 15 bytes.
	Name string
	// Tag is the hash of the program's instructions, as bpftool shows it.
	Tag [8]byte
	// BTFID is the ID of the program's BTF object, 0 when it has none.
	BTFID uint32
	// LoadTime is when the program was loaded, in nanoseconds since boot
	// (CLOCK_BOOTTIME).
	LoadTime uint64
	// CreatedByUID is the user that loaded the program.
	CreatedByUID uint32
	// RunCount and RunTime are how often the program ran and for how long
	// in total, counted only while statistics are on (EnableStats, kernel
	// 5.8); RecursionMisses counts the runs the kernel skipped because
	// the program was already running on that CPU (kernel 5.12).
	RunCount        uint64
	RunTime         time.Duration
	RecursionMisses uint64
	// VerifiedInstructions is how many instructions the verifier
	// processed to accept the program (kernel 5.16).
	VerifiedInstructions uint32
	// MapIDs are the maps the program uses or was bound to
	// (Program.BindMap).
	MapIDs []uint32
}

// programInfo reads fd's struct bpf_prog_info with bpf_prog_get_info_by_fd.
// Its error is the cause alone: the caller names the call.
func programInfo(fd C.int) (ProgramInfo, error) {
	var info C.struct_bpf_prog_info
	size := C.__u32(C.sizeof_struct_bpf_prog_info)
	// info and size are Go memory without Go pointers, written only during
	// the call; info asks for no arrays, so the kernel writes nothing else.
	if ret := C.bpf_prog_get_info_by_fd(fd, &info, &size); ret < 0 {
		return ProgramInfo{}, errnoErr(ret)
	}
	pi := ProgramInfo{
		Type:         ProgramType(info._type),
		ID:           uint32(info.id),
		Name:         C.GoString(&info.name[0]),
		BTFID:        uint32(info.btf_id),
		LoadTime:     uint64(info.load_time),
		CreatedByUID: uint32(info.created_by_uid),

		RunCount:             uint64(info.run_cnt),
		RunTime:              time.Duration(info.run_time_ns),
		RecursionMisses:      uint64(info.recursion_misses),
		VerifiedInstructions: uint32(info.verified_insns),
	}
	for i := range pi.Tag {
		pi.Tag[i] = byte(info.tag[i])
	}
	if n := info.nr_map_ids; n > 0 {
		ids, err := programMapIDs(fd, n)
		if err != nil {
			return ProgramInfo{}, err
		}
		pi.MapIDs = ids
	}
	return pi, nil
}

// programMapIDs reads the IDs of the n maps of fd's program with a second
// bpf_prog_get_info_by_fd call that asks only for them.
func programMapIDs(fd C.int, n C.__u32) ([]uint32, error) {
	ids := (*C.__u32)(C.calloc(C.size_t(n), C.sizeof___u32))
	if ids == nil {
		return nil, fmt.Errorf("map IDs: %w", unix.ENOMEM)
	}
	defer C.free(unsafe.Pointer(ids))
	var info C.struct_bpf_prog_info
	info.nr_map_ids = n
	// SAFETY: ids is C memory for n IDs, which the kernel writes through
	// the integer field during the call; info is Go memory without Go
	// pointers.
	info.map_ids = C.__u64(uintptr(unsafe.Pointer(ids)))
	size := C.__u32(C.sizeof_struct_bpf_prog_info)
	if ret := C.bpf_prog_get_info_by_fd(fd, &info, &size); ret < 0 {
		return nil, fmt.Errorf("map IDs: %w", errnoErr(ret))
	}
	// The program cannot gain maps after load, except by BindMap between
	// the two calls; read no more than there is room for.
	got := min(info.nr_map_ids, n)
	out := make([]uint32, got)
	for i, id := range unsafe.Slice(ids, got) {
		out[i] = uint32(id)
	}
	return out, nil
}

// newOwnedProgram wraps fd, a program descriptor the caller hands over,
// in a Program without an object, which owns it; it closes fd when it
// fails, with the error of op on subject.
func newOwnedProgram(fd C.int, op, subject string) (*Program, error) {
	info, err := programInfo(fd)
	if err != nil {
		unix.Close(int(fd))
		return nil, opError(op, subject, "bpf_prog_get_info_by_fd", err)
	}
	own := &ownedProgram{}
	return &Program{
		fdHandle: fdHandle{mu: &own.mu, state: handleLoaded, fd: fd},
		own:      own,
		name:     info.Name,
		id:       info.ID,
		progType: info.Type,
	}, nil
}

// OpenProgramPinned opens the program pinned at path in bpffs with
// bpf_obj_get (BPF_OBJ_GET, kernel 4.4), without any Object. The Program
// has no struct bpf_program: it works as the Program type's documentation
// says for such programs (TestRun, XDPAttach, AttachTC, Map.AttachProgram,
// Link.UpdateProgram, freplace targets, Pin and Unpin, so Unpin(path)
// removes the pin it was opened from), the libbpf attach methods fail
// with EOPNOTSUPP, and the caller must Close it. path's folder must exist
// (else the error wraps ENOENT) and be on bpffs (else ErrNotBPFFS); a pin
// that is not a program gives an error wrapping EINVAL.
func OpenProgramPinned(path string) (*Program, error) {
	const op = "OpenProgramPinned"
	subject := strconv.Quote(path)
	if err := checkPinPath(path); err != nil {
		return nil, opError(op, subject, "", err)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	fd := C.bpf_obj_get(cPath)
	if fd < 0 {
		return nil, opError(op, subject, "bpf_obj_get", pinnedErr(errnoErr(fd)))
	}
	// bpf_obj_get opens any pinned BPF object; refuse maps and links.
	if err := checkFDKind(int(fd), "bpf-prog"); err != nil {
		unix.Close(int(fd))
		return nil, opError(op, subject, "bpf_obj_get", err)
	}
	return newOwnedProgram(fd, op, subject)
}

// pinOwned is op, Program.Pin or Program.Unpin, for a program opened
// without an object: bpf_obj_pin (BPF_OBJ_PIN, kernel 4.4) of its
// descriptor at path, or unlink(2) of path, which is what
// bpf_program__pin and bpf_program__unpin do, after the same check of path.
func (p *Program) pinOwned(op, path string) error {
	fd, ok := p.lockFD()
	if !ok {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if err := checkPinPath(path); err != nil {
		return p.opErr(op, "", err)
	}
	if op == "Program.Unpin" {
		if err := unix.Unlink(path); err != nil {
			return p.opErr(op, "unlink "+strconv.Quote(path), err)
		}
		return nil
	}
	// fd stays open under the read lock.
	if err := objPin(fd, path); err != nil {
		return p.opErr(op, "bpf_obj_pin "+strconv.Quote(path), err)
	}
	return nil
}

// OpenProgramID opens the program whose system-wide ID is id with
// bpf_prog_get_fd_by_id (BPF_PROG_GET_FD_BY_ID, kernel 4.13, needs
// CAP_SYS_ADMIN), without any Object; the Program works as for
// OpenProgramPinned and the caller must Close it. An ID no program has
// gives an error wrapping ENOENT.
func OpenProgramID(id uint32) (*Program, error) {
	const op = "OpenProgramID"
	subject := "id " + strconv.FormatUint(uint64(id), 10)
	fd := C.bpf_prog_get_fd_by_id(C.__u32(id))
	if fd < 0 {
		return nil, opError(op, subject, "bpf_prog_get_fd_by_id", byIDErr(errnoErr(fd)))
	}
	return newOwnedProgram(fd, op, subject)
}

// Close closes a program opened by OpenProgramPinned or OpenProgramID;
// later calls to its methods return errors wrapping ErrClosed. The kernel
// unloads the program once nothing else (a pin, a link, an attachment,
// another descriptor) holds it. For a program of an Object, Close does
// nothing: Object.Close releases it. Close is idempotent and returns nil.
func (p *Program) Close() error {
	if p == nil || p.own == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != handleClosed {
		unix.Close(int(p.fd))
		p.markClosed()
	}
	return nil
}

// Info returns what the kernel reports about the loaded program, with
// bpf_prog_get_info_by_fd (kernel 4.13).
func (p *Program) Info() (ProgramInfo, error) {
	const op = "Program.Info"
	fd, ok := p.lockFD()
	if !ok {
		return ProgramInfo{}, p.closed(op)
	}
	defer p.mu.RUnlock()
	if fd < 0 {
		return ProgramInfo{}, p.notLoadedErr(op, unix.EBADF)
	}
	info, err := programInfo(fd)
	if err != nil {
		return ProgramInfo{}, p.opErr(op, "bpf_prog_get_info_by_fd", err)
	}
	return info, nil
}

// ID returns the program's system-wide ID (from bpf_prog_get_info_by_fd,
// kernel 4.13), or 0 before Load or once closed.
func (p *Program) ID() uint32 {
	info, err := p.Info()
	if err != nil {
		return 0
	}
	return info.ID
}
