package libbpf

/*
#include <bpf/btf.h>
#include "glue.h"
#include "glue_linfo.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// JitedFunc is one JIT-compiled function of a loaded program: the program
// itself or one of its subprograms, where its machine code lies in the
// kernel's address space.
type JitedFunc struct {
	// Addr is the function's first byte, as kernel stack traces show it
	// (bpf_prog_<tag>_<name> in /proc/kallsyms).
	Addr uint64
	// Len is the length of its machine code in bytes.
	Len uint32
}

// progLinfo fetches, for op, the program's JIT symbols and line table
// (bpf_prog_get_info_by_fd, then bpf_prog_linfo__new) with the read lock
// held; the caller frees the result with release, which drops the lock.
func (p *Program) progLinfo(op string) (C.struct_lbg_linfo, *C.struct_btf, func(), error) {
	var l C.struct_lbg_linfo
	fd, ok := p.lockFD()
	if !ok {
		return l, nil, nil, p.closed(op)
	}
	if fd < 0 {
		err := p.notLoadedErr(op, unix.EBADF)
		p.mu.RUnlock()
		return l, nil, nil, err
	}
	// l is Go memory that C fills with C pointers only.
	if ret := C.lbg_prog_linfo(fd, &l); ret < 0 {
		p.mu.RUnlock()
		return l, nil, nil, p.opErr(op, "bpf_prog_get_info_by_fd", errnoErr(ret))
	}
	var btf *C.struct_btf
	if p.prog != nil {
		btf = C.bpf_object__btf(p.obj.obj)
	}
	return l, btf, func() {
		C.lbg_linfo_free(&l)
		p.mu.RUnlock()
	}, nil
}

// errNoLineInfo is the cause of LineAt's and LineAtInstruction's error
// for a program without jited line information.
var errNoLineInfo = fmt.Errorf("no line information: %w", unix.ENOENT)

// linfoFuncs returns l's JIT-compiled functions.
func linfoFuncs(l *C.struct_lbg_linfo) []JitedFunc {
	if l.nr_funcs == 0 || l.ksyms == nil {
		return nil
	}
	// ksyms and func_lens hold nr_funcs entries of C memory.
	addrs := unsafe.Slice(l.ksyms, l.nr_funcs)
	lens := unsafe.Slice(l.func_lens, l.nr_funcs)
	out := make([]JitedFunc, l.nr_funcs)
	for i := range out {
		out[i] = JitedFunc{Addr: uint64(addrs[i]), Len: uint32(lens[i])}
	}
	return out
}

// JitedFunctions returns where the loaded program's JIT-compiled functions
// lie, the program first, from bpf_prog_get_info_by_fd (jited_ksyms and
// jited_func_lens, kernel 4.18). It is empty when the program is not JIT
// compiled, or when the kernel hides kernel addresses from the caller
// (kernel.kptr_restrict, or no CAP_SYSLOG/root).
func (p *Program) JitedFunctions() ([]JitedFunc, error) {
	l, _, release, err := p.progLinfo("Program.JitedFunctions")
	if err != nil {
		return nil, err
	}
	defer release()
	return linfoFuncs(&l), nil
}

// lineInfo converts a libbpf line record; btf (may be NULL) names it.
func lineInfo(btf *C.struct_btf, li *C.struct_bpf_line_info) LineInfo {
	return LineInfo{
		InstructionOffset: uint32(li.insn_off),
		File:              btfString(btf, li.file_name_off),
		Source:            btfString(btf, li.line_off),
		Line:              uint32(li.line_col) >> 10,
		Column:            uint32(li.line_col) & 0x3ff,
	}
}

// LineAt returns the source line of the JIT-compiled code at addr, a
// kernel address inside one of the program's functions (JitedFunctions),
// as a profiler's sample or a stack trace gives it: the line whose code
// starts at or before addr, found with bpf_prog_linfo__new and
// bpf_prog_linfo__lfind_addr_func over the kernel's jited line
// information (kernel 5.0). File and Source come from the object's BTF;
// for a program opened without an object they are "". An address outside
// the program, or a program without line information, gives ENOENT.
func (p *Program) LineAt(addr uint64) (LineInfo, error) {
	const op = "Program.LineAt"
	l, btf, release, err := p.progLinfo(op)
	if err != nil {
		return LineInfo{}, err
	}
	defer release()
	if l.linfo == nil {
		return LineInfo{}, p.opErr(op, "", errNoLineInfo)
	}
	for i, f := range linfoFuncs(&l) {
		if addr < f.Addr || addr-f.Addr >= uint64(f.Len) {
			continue
		}
		// l.linfo is libbpf's table, alive until release.
		li, cerr := C.bpf_prog_linfo__lfind_addr_func(l.linfo, C.__u64(addr), C.__u32(i), 0)
		if li == nil {
			return LineInfo{}, p.opErr(op, fmt.Sprintf("bpf_prog_linfo__lfind_addr_func %#x", addr), ptrErr(cerr))
		}
		return lineInfo(btf, li), nil
	}
	return LineInfo{}, p.opErr(op, "", fmt.Errorf("address %#x is outside the program: %w", addr, unix.ENOENT))
}

// LineAtInstruction returns the source line of the instruction at offset
// off (in instructions) of the program as the kernel holds it after
// verification, with bpf_prog_linfo__lfind: the line whose first
// instruction is at or before off (for offsets past the end, the last
// line). A program without line information gives ENOENT; File and Source
// are as for LineAt.
func (p *Program) LineAtInstruction(off uint32) (LineInfo, error) {
	const op = "Program.LineAtInstruction"
	l, btf, release, err := p.progLinfo(op)
	if err != nil {
		return LineInfo{}, err
	}
	defer release()
	if l.linfo == nil {
		return LineInfo{}, p.opErr(op, "", errNoLineInfo)
	}
	// l.linfo is libbpf's table, alive until release.
	li, cerr := C.bpf_prog_linfo__lfind(l.linfo, C.__u32(off), 0)
	if li == nil {
		return LineInfo{}, p.opErr(op, fmt.Sprintf("bpf_prog_linfo__lfind %d", off), ptrErr(cerr))
	}
	return lineInfo(btf, li), nil
}
