package libbpf

/*
#include <bpf/btf.h>
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Verifier log levels for Program.SetLogLevel and
// ObjectOptions.KernelLogLevel (the log_level of BPF_PROG_LOAD).
const (
	// LogLevelBasic logs the verifier's summary and, when a program
	// fails, the path that failed (1).
	LogLevelBasic uint32 = 1
	// LogLevelVerbose logs every instruction the verifier walks (2).
	LogLevelVerbose uint32 = 2
	// LogLevelStats adds the verifier's statistics (4).
	LogLevelStats uint32 = 4
)

// Program flags for Program.SetFlags (the prog_flags of BPF_PROG_LOAD).
const (
	// ProgramFlagStrictAlignment makes the verifier check alignment as on
	// architectures without efficient unaligned access
	// (BPF_F_STRICT_ALIGNMENT, kernel 4.12).
	ProgramFlagStrictAlignment uint32 = C.BPF_F_STRICT_ALIGNMENT
	// ProgramFlagAnyAlignment turns off the verifier's alignment checks
	// (BPF_F_ANY_ALIGNMENT, kernel 4.20).
	ProgramFlagAnyAlignment uint32 = C.BPF_F_ANY_ALIGNMENT
	// ProgramFlagSleepable lets fentry/fexit/fmod_ret, LSM, iterator,
	// uprobe and struct_ops programs sleep (BPF_F_SLEEPABLE, kernel
	// 5.10); libbpf sets it for sections ending in ".s".
	ProgramFlagSleepable uint32 = C.BPF_F_SLEEPABLE
	// ProgramFlagXDPHasFrags declares that an XDP program handles
	// multi-buffer packets (BPF_F_XDP_HAS_FRAGS, kernel 5.18); libbpf sets
	// it for SEC("xdp.frags").
	ProgramFlagXDPHasFrags uint32 = C.BPF_F_XDP_HAS_FRAGS
)

// setBeforeLoad is op: it runs call, fn, one of libbpf's
// bpf_program__set_* functions that only work before the program is
// loaded, with arg, under the object's write lock (libbpf's getters and
// Load read the same fields). libbpf answers EBUSY once the object is
// loaded.
func (p *Program) setBeforeLoad(op, fn string, arg any, call func() C.int) error {
	if err := p.writeLibbpf(op); err != nil {
		return err
	}
	defer p.mu.Unlock()
	// p.prog is valid under the write lock.
	if ret := call(); ret < 0 {
		return p.opErr(op, fmt.Sprintf("%s %v", fn, arg), errnoErr(ret))
	}
	return nil
}

// writeLibbpf takes the write lock for op, a method that changes the
// program's struct bpf_program, and checks that the program is open and
// has one. Unless it returns an error, the caller must call p.mu.Unlock.
func (p *Program) writeLibbpf(op string) error {
	if p == nil || p.mu == nil || !p.wlock() {
		return p.opErr(op, "", ErrClosed)
	}
	if p.prog == nil {
		p.mu.Unlock()
		return p.opErr(op, "", errOpenedWithoutObject)
	}
	return nil
}

// programGetter returns get() under the object's read lock, or zero for a
// closed program or one opened without an object.
func programGetter[T any](p *Program, get func() T) T {
	var zero T
	if !p.lock() {
		return zero
	}
	defer p.mu.RUnlock()
	// p.prog is valid under the read lock.
	return get()
}

// SetLogLevel sets, before Object.Load, the verifier log level of this
// program's load (bpf_program__set_log_level): a sum of LogLevelBasic,
// LogLevelVerbose and LogLevelStats, or 0 for a log only when the load
// fails (libbpf then loads again at level 1 to get it). It starts at
// ObjectOptions.KernelLogLevel. The log goes to the program's own buffer
// (SetLogSize) if it has one, else to the object's. Afterwards libbpf
// refuses with EBUSY. Levels the kernel does not know fail Load with
// EINVAL.
func (p *Program) SetLogLevel(level uint32) error {
	return p.setBeforeLoad("Program.SetLogLevel", "bpf_program__set_log_level", level, func() C.int {
		return C.bpf_program__set_log_level(p.prog, C.__u32(level))
	})
}

// LogLevel returns the program's verifier log level
// (bpf_program__log_level); 0 once closed or for a program opened without
// an object.
func (p *Program) LogLevel() uint32 {
	return programGetter(p, func() uint32 { return uint32(C.bpf_program__log_level(p.prog)) })
}

// SetLogSize gives the program, before Object.Load, a verifier log buffer
// of size bytes of its own (bpf_program__set_log_buf), so that its log is
// kept whole after Load instead of sharing the object's buffer (see
// ObjectOptions.KernelLogSize), which the next program's load overwrites.
// Log returns it, and a *VerifierError for this program carries it. The
// kernel accepts 128 bytes up to 1 GiB - 1 (else EINVAL, checked in Go);
// a log that does not fit fails the load with ENOSPC, as libbpf does not
// grow a buffer it was given. 0 takes the buffer away. The binding
// allocates the buffer in C and frees it at Object.Close; afterwards
// libbpf refuses with EBUSY.
func (p *Program) SetLogSize(size int) error {
	const op, fn = "Program.SetLogSize", "bpf_program__set_log_buf"
	if size != 0 && (size < minKernelLogSize || size > maxKernelLogSize) {
		return p.opErr(op, "", fmt.Errorf("size %d is outside [%d, %d]: %w",
			size, minKernelLogSize, maxKernelLogSize, unix.EINVAL))
	}
	var buf *C.char
	if size > 0 {
		// calloc leaves the pages untouched until the kernel writes.
		buf = (*C.char)(C.calloc(1, C.size_t(size)))
		if buf == nil {
			return p.opErr(op, "", fmt.Errorf("allocate %d bytes: %w", size, unix.ENOMEM))
		}
	}
	err := p.setBeforeLoad(op, fn, size, func() C.int {
		// buf is C memory that lives until Object.Close or the next
		// SetLogSize, and libbpf only writes to it during Load.
		ret := C.bpf_program__set_log_buf(p.prog, buf, C.size_t(size))
		if ret == 0 {
			p.releaseLog()
			p.logBuf, p.logSize = buf, size
		}
		return ret
	})
	if err != nil {
		C.free(unsafe.Pointer(buf))
	}
	return err
}

// Log returns the program's own verifier log (bpf_program__log_buf) as the
// kernel wrote it during Object.Load: the whole log at the program's log
// level, or, at level 0, the log of the failed attempt only. It is "" when
// the program has no buffer of its own (SetLogSize), before Load, once
// closed or for a program opened without an object.
func (p *Program) Log() string {
	return programGetter(p, func() string {
		var size C.size_t
		buf := C.bpf_program__log_buf(p.prog, &size)
		if buf == nil || size == 0 {
			return ""
		}
		// buf is the program's C log buffer of size bytes, alive until
		// Object.Close (the read lock is held).
		return goStringN(buf, int(size))
	})
}

// releaseLog frees the program's own log buffer. The caller holds the
// object's write lock, and libbpf no longer uses the buffer (it does only
// during Load, or it was replaced).
func (p *Program) releaseLog() {
	if p.logBuf != nil {
		C.free(unsafe.Pointer(p.logBuf))
		p.logBuf, p.logSize = nil, 0
	}
}

// SetFlags replaces, before Object.Load, the program's load flags
// (bpf_program__set_flags): the ProgramFlag* values (BPF_F_* of
// BPF_PROG_LOAD's prog_flags). libbpf starts from the flags its section
// name implies (such as ProgramFlagSleepable for ".s" sections), so add to
// Flags rather than overwrite it. The kernel checks them at Load: a flag
// it does not know, or one the program type does not take, fails Load with
// EINVAL. Afterwards libbpf refuses with EBUSY.
func (p *Program) SetFlags(flags uint32) error {
	return p.setBeforeLoad("Program.SetFlags", "bpf_program__set_flags", fmt.Sprintf("%#x", flags), func() C.int {
		return C.bpf_program__set_flags(p.prog, C.__u32(flags))
	})
}

// Flags returns the program's load flags (bpf_program__flags); 0 once
// closed or for a program opened without an object.
func (p *Program) Flags() uint32 {
	return programGetter(p, func() uint32 { return uint32(C.bpf_program__flags(p.prog)) })
}

// InstructionSize is the size of one BPF instruction (struct bpf_insn).
const InstructionSize = C.sizeof_struct_bpf_insn

// Instructions returns a copy of the program's BPF instructions
// (bpf_program__insns, bpf_program__insn_cnt), InstructionSize bytes each
// in the host's byte order, as struct bpf_insn lays them out. Before
// Object.Load they are what the ELF file holds; after Load, what libbpf
// gave the kernel: CO-RE relocated, with subprograms appended and map
// descriptors filled in. nil once closed or for a program opened without
// an object.
func (p *Program) Instructions() []byte {
	return programGetter(p, func() []byte {
		n := int(C.bpf_program__insn_cnt(p.prog))
		insns := C.bpf_program__insns(p.prog)
		if n == 0 || insns == nil {
			return nil
		}
		// insns points to n struct bpf_insn owned by libbpf, valid under
		// the read lock; C.GoBytes copies them.
		return C.GoBytes(unsafe.Pointer(insns), C.int(n*InstructionSize))
	})
}

// InstructionCount returns the number of the program's BPF instructions
// (bpf_program__insn_cnt); see Instructions. 0 once closed or for a
// program opened without an object.
func (p *Program) InstructionCount() int {
	return programGetter(p, func() int { return int(C.bpf_program__insn_cnt(p.prog)) })
}

// FuncInfo is one entry of a program's BTF function information (struct
// bpf_func_info): where a function, the program itself or one of its
// subprograms, starts.
type FuncInfo struct {
	// InstructionOffset is the function's first instruction, counted in
	// instructions from the program's start.
	InstructionOffset uint32
	// TypeID is the function's BTF_KIND_FUNC type in the object's BTF.
	TypeID TypeID
	// Name is the function's name from that type.
	Name string
}

// LineInfo is one entry of a program's BTF line information (struct
// bpf_line_info): the source line an instruction comes from.
type LineInfo struct {
	// InstructionOffset is the first instruction of the line, counted
	// in instructions from the program's start.
	InstructionOffset uint32
	// File is the source file as clang recorded it.
	File string
	// Source is the text of the source line.
	Source string
	// Line and Column are the position in File, from 1 (Column may be 0
	// when clang did not record it).
	Line, Column uint32
}

// FuncInfo returns the program's function information after Object.Load
// (bpf_program__func_info, bpf_program__func_info_cnt; libbpf 1.6), with
// the names resolved in the object's BTF: one entry for the program and
// one per subprogram, with offsets into Instructions. It is nil when the
// object has no BTF or .BTF.ext, or the kernel took none (before 5.0);
// an error wraps ErrClosed once closed, EOPNOTSUPP for a program opened
// without an object, and EBADF before Load or after Unload.
func (p *Program) FuncInfo() ([]FuncInfo, error) {
	const op = "Program.FuncInfo"
	var out []FuncInfo
	err := p.btfInfo(op, func(btf *C.struct_btf) error {
		n := int(C.bpf_program__func_info_cnt(p.prog))
		info, err := C.bpf_program__func_info(p.prog)
		if info == nil || n == 0 {
			if err != nil && n > 0 {
				return p.opErr(op, "bpf_program__func_info", ptrErr(err))
			}
			return nil
		}
		// info points to n records owned by libbpf, valid under the read
		// lock.
		for _, fi := range unsafe.Slice(info, n) {
			out = append(out, FuncInfo{
				InstructionOffset: uint32(fi.insn_off),
				TypeID:            TypeID(fi.type_id),
				Name:              btfTypeName(btf, fi.type_id),
			})
		}
		return nil
	})
	return out, err
}

// LineInfo returns the program's line information after Object.Load
// (bpf_program__line_info, bpf_program__line_info_cnt; libbpf 1.6), with
// file names and source lines resolved in the object's BTF, in instruction
// order. It is nil when the object has no line information (compiled
// without -g); errors are those of FuncInfo.
func (p *Program) LineInfo() ([]LineInfo, error) {
	const op = "Program.LineInfo"
	var out []LineInfo
	err := p.btfInfo(op, func(btf *C.struct_btf) error {
		n := int(C.bpf_program__line_info_cnt(p.prog))
		info, err := C.bpf_program__line_info(p.prog)
		if info == nil || n == 0 {
			if err != nil && n > 0 {
				return p.opErr(op, "bpf_program__line_info", ptrErr(err))
			}
			return nil
		}
		// info points to n records owned by libbpf, valid under the read
		// lock.
		for _, li := range unsafe.Slice(info, n) {
			out = append(out, LineInfo{
				InstructionOffset: uint32(li.insn_off),
				File:              btfString(btf, li.file_name_off),
				Source:            btfString(btf, li.line_off),
				Line:              uint32(li.line_col) >> 10,
				Column:            uint32(li.line_col) & 0x3ff,
			})
		}
		return nil
	})
	return out, err
}

// btfInfo is op: it runs read with the object's BTF (NULL when it has
// none) under the read lock, once the program is loaded. read returns
// op's *OpError.
func (p *Program) btfInfo(op string, read func(*C.struct_btf) error) error {
	if !p.lock() {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if p.fd < 0 {
		return p.notLoadedErr(op, unix.EBADF)
	}
	return read(C.bpf_object__btf(p.obj.obj))
}

// btfString returns the string at off in btf, or "" (btf__name_by_offset).
func btfString(btf *C.struct_btf, off C.__u32) string {
	if btf == nil {
		return ""
	}
	// btf is the object's BTF, alive under the caller's read lock;
	// GoString copies and maps NULL to "".
	return C.GoString(C.btf__name_by_offset(btf, off))
}

// btfTypeName returns the name of type id in btf, or "".
func btfTypeName(btf *C.struct_btf, id C.__u32) string {
	if btf == nil {
		return ""
	}
	// btf__type_by_id returns NULL for an id out of range.
	t := C.btf__type_by_id(btf, id)
	if t == nil {
		return ""
	}
	return btfString(btf, t.name_off)
}

// Unload removes the loaded program from the kernel with
// bpf_program__unload, which closes libbpf's descriptor and forgets the
// program's function and line information: FD returns -1 afterwards, and
// the program cannot be loaded again (libbpf loads an object once). Links
// and pins hold programs of their own, so an attached or pinned program
// keeps running until they go. Unloading twice, or before Load, does
// nothing. Unload waits for other users of the object.
func (p *Program) Unload() error {
	if err := p.writeLibbpf("Program.Unload"); err != nil {
		return err
	}
	defer p.mu.Unlock()
	// p.prog is valid under the write lock; nothing else uses its
	// descriptor meanwhile.
	C.bpf_program__unload(p.prog)
	// Only a program that was loaded is unloaded (else Unload does
	// nothing, and the reason stays Load's).
	p.unloaded = p.unloaded || p.fd >= 0
	p.fd = -1
	return nil
}
