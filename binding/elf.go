package libbpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrInvalidObject is wrapped when OpenFile or OpenMem is given data that
// is not a well-formed 64-bit BPF ELF relocatable object for this host.
// The binding checks the ELF structure libbpf relies on (headers, section
// bounds, string and symbol tables) and the BTF type graph (no type that
// contains itself) in Go before libbpf sees the data, so that a truncated
// or corrupted object gives this error, naming what is wrong, rather than
// a crash or an endless loop inside libbpf.
var ErrInvalidObject = errors.New("libbpf: invalid BPF object")

// ELF constants used by checkELF (from elf.h).
const (
	elfIdentSize   = 16
	elfHeaderSize  = 64 // sizeof(Elf64_Ehdr)
	elfSectionSize = 64 // sizeof(Elf64_Shdr)
	elfSymbolSize  = 24 // sizeof(Elf64_Sym)

	elfClass64   = 2      // ELFCLASS64
	elfDataLSB   = 1      // ELFDATA2LSB
	elfDataMSB   = 2      // ELFDATA2MSB
	elfTypeRel   = 1      // ET_REL
	elfMachBPF   = 247    // EM_BPF
	elfShnXIndex = 0xffff // SHN_XINDEX

	sectionNull   = 0 // SHT_NULL
	sectionSymtab = 2 // SHT_SYMTAB
	sectionStrtab = 3 // SHT_STRTAB
	sectionNoBits = 8 // SHT_NOBITS
)

// hostELFData is the EI_DATA value of objects built for this host.
var hostELFData = func() byte {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return elfDataLSB
	}
	return elfDataMSB
}()

// elfSection is the part of an Elf64_Shdr that checkELF looks at.
type elfSection struct {
	name, typ    uint32
	offset, size uint64
	link         uint32
	entsize      uint64
}

// invalidObject returns an error wrapping ErrInvalidObject.
func invalidObject(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalidObject)
}

// inBounds reports whether size bytes at offset lie within n bytes,
// without overflowing.
func inBounds(offset, size, n uint64) bool {
	return offset <= n && size <= n-offset
}

// checkELF checks that data is an ELF image libbpf can parse without
// trusting anything it does not check itself: the ELF header (magic,
// 64-bit class, this host's byte order, ET_REL, EM_BPF), the section
// header table and every section's contents lying within data, a valid
// section name string table that every section name points into, and
// symbol tables with Elf64_Sym-sized entries, and a .BTF section whose
// types do not contain themselves (checkBTF). Errors wrap ErrInvalidObject
// and name the defect; the caller names the object.
func checkELF(data []byte) error {
	fail := invalidObject
	n := uint64(len(data))
	if n < elfHeaderSize {
		return fail("%d bytes is shorter than an ELF header (%d bytes)", n, elfHeaderSize)
	}
	if string(data[:4]) != "\x7fELF" {
		return fail("no ELF magic number")
	}
	if data[4] != elfClass64 {
		return fail("ELF class %d, want 64-bit (%d)", data[4], elfClass64)
	}
	if data[5] != hostELFData {
		return fail("ELF byte order %d, want this host's (%d)", data[5], hostELFData)
	}
	ne := binary.NativeEndian
	ident := data[elfIdentSize:]
	if typ := ne.Uint16(ident[0:]); typ != elfTypeRel {
		return fail("ELF type %d, want a relocatable object (ET_REL, %d)", typ, elfTypeRel)
	}
	if mach := ne.Uint16(ident[2:]); mach != elfMachBPF {
		return fail("ELF machine %d, want BPF (EM_BPF, %d)", mach, elfMachBPF)
	}
	shoff := ne.Uint64(data[0x28:])
	shentsize := uint64(ne.Uint16(data[0x3a:]))
	shnum := uint64(ne.Uint16(data[0x3c:]))
	shstrndx := uint64(ne.Uint16(data[0x3e:]))
	if shoff == 0 {
		return fail("no section header table")
	}
	if shentsize != elfSectionSize {
		return fail("section header size %d, want %d", shentsize, elfSectionSize)
	}
	if !inBounds(shoff, elfSectionSize, n) {
		return fail("section header table at offset %d extends past the end of the data (%d bytes)", shoff, n)
	}
	section := func(i uint64) elfSection {
		pos := shoff + i*elfSectionSize
		h := data[pos : pos+elfSectionSize]
		return elfSection{
			name:    ne.Uint32(h[0:]),
			typ:     ne.Uint32(h[4:]),
			offset:  ne.Uint64(h[0x18:]),
			size:    ne.Uint64(h[0x20:]),
			link:    ne.Uint32(h[0x28:]),
			entsize: ne.Uint64(h[0x38:]),
		}
	}
	// With 0xff00 sections or more, section 0 holds the real count (in
	// sh_size) and string table index (in sh_link).
	first := section(0)
	if shnum == 0 {
		shnum = first.size
	}
	if shstrndx == elfShnXIndex {
		shstrndx = uint64(first.link)
	}
	if shnum == 0 {
		return fail("no sections")
	}
	if shnum > (n-shoff)/elfSectionSize {
		return fail("section header table of %d entries at offset %d extends past the end of the data (%d bytes)", shnum, shoff, n)
	}
	if shstrndx == 0 || shstrndx >= shnum {
		return fail("section name string table index %d is not a section (%d sections)", shstrndx, shnum)
	}
	for i := uint64(1); i < shnum; i++ {
		s := section(i)
		if s.typ != sectionNoBits && !inBounds(s.offset, s.size, n) {
			return fail("section %d (%d bytes at offset %d) extends past the end of the data (%d bytes)", i, s.size, s.offset, n)
		}
		if s.typ == sectionSymtab {
			if s.entsize != elfSymbolSize || s.size%elfSymbolSize != 0 {
				return fail("symbol table section %d has %d-byte entries and %d bytes, want %d-byte entries", i, s.entsize, s.size, elfSymbolSize)
			}
			if s.link == 0 || uint64(s.link) >= shnum || section(uint64(s.link)).typ != sectionStrtab {
				return fail("symbol table section %d links to section %d, which is not a string table", i, s.link)
			}
		}
	}
	strtab := section(shstrndx)
	if strtab.typ != sectionStrtab {
		return fail("section name string table (section %d) has type %d, want SHT_STRTAB (%d)", shstrndx, strtab.typ, sectionStrtab)
	}
	if strtab.size == 0 || data[strtab.offset+strtab.size-1] != 0 {
		return fail("section name string table (section %d) does not end with a NUL byte", shstrndx)
	}
	names := data[strtab.offset : strtab.offset+strtab.size]
	for i := uint64(0); i < shnum; i++ {
		s := section(i)
		if i == 0 && s.typ == sectionNull {
			continue
		}
		if uint64(s.name) >= strtab.size {
			return fail("section %d has its name at offset %d, past the end of the section name table (%d bytes)", i, s.name, strtab.size)
		}
		// names ends with a NUL, so the name ends within it.
		name := names[s.name:]
		name = name[:bytes.IndexByte(name, 0)]
		if string(name) == ".BTF" && s.typ != sectionNoBits {
			if err := checkBTF(data[s.offset : s.offset+s.size]); err != nil {
				return fail("section %d (.BTF): %v", i, err)
			}
		}
	}
	return nil
}

// BTF kinds (BTF_KIND_*) whose size checkBTF must know to walk the types,
// and the size of their fixed and per-member trailing data.
const (
	btfKindInt       = 1
	btfKindArray     = 3
	btfKindStruct    = 4
	btfKindUnion     = 5
	btfKindEnum      = 6
	btfKindTypedef   = 8
	btfKindVolatile  = 9
	btfKindConst     = 10
	btfKindRestrict  = 11
	btfKindFuncProto = 13
	btfKindVar       = 14
	btfKindDatasec   = 15
	btfKindDeclTag   = 17
	btfKindTypeTag   = 18
	btfKindEnum64    = 19
	btfKindMax       = 19

	btfMagic      = 0xeb9f
	btfHeaderSize = 24
	btfTypeSize   = 12 // struct btf_type
)

// checkBTF checks that the type graph of the object's BTF has no cycle that
// does not pass through a pointer or a function: a type that contains
// itself through typedefs, modifiers (const, volatile, restrict, type
// tags), array elements, struct or union members, variables or declaration
// tags. Such a cycle cannot come from a compiler (the kernel rejects it as
// well), but libbpf follows these references without a depth limit, in
// loops and recursions that never end on one. The BTF's other properties
// are left to libbpf's own checks (btf__new), so data it does not
// understand is not reported here.
func checkBTF(data []byte) error {
	ne := binary.NativeEndian
	if len(data) < btfHeaderSize || ne.Uint16(data) != btfMagic {
		return nil
	}
	hdrLen := uint64(ne.Uint32(data[4:]))
	typeOff := uint64(ne.Uint32(data[8:]))
	typeLen := uint64(ne.Uint32(data[12:]))
	start := hdrLen + typeOff
	if !inBounds(start, typeLen, uint64(len(data))) {
		return nil
	}
	types := data[start : start+typeLen]

	// refs[id] lists the types that type id holds by value; id 0 is void.
	refs := [][]uint32{nil}
	for len(types) >= btfTypeSize {
		info := ne.Uint32(types[4:])
		kind, vlen := int(info>>24)&0x1f, int(info&0xffff)
		ref := ne.Uint32(types[8:])
		extra := 0
		var out []uint32
		switch kind {
		case btfKindInt, btfKindVar, btfKindDeclTag:
			extra = 4
			if kind != btfKindInt {
				out = append(out, ref)
			}
		case btfKindArray:
			extra = 12
		case btfKindStruct, btfKindUnion, btfKindDatasec, btfKindEnum64:
			extra = 12 * vlen
		case btfKindEnum, btfKindFuncProto:
			extra = 8 * vlen
		case btfKindTypedef, btfKindVolatile, btfKindConst, btfKindRestrict, btfKindTypeTag:
			out = append(out, ref)
		}
		if kind > btfKindMax || len(types) < btfTypeSize+extra {
			// libbpf rejects what it cannot walk.
			return nil
		}
		body := types[btfTypeSize : btfTypeSize+extra]
		switch kind {
		case btfKindArray:
			out = append(out, ne.Uint32(body))
		case btfKindStruct, btfKindUnion:
			for m := range vlen {
				out = append(out, ne.Uint32(body[12*m+4:]))
			}
		case btfKindDatasec:
			for m := range vlen {
				out = append(out, ne.Uint32(body[12*m:]))
			}
		}
		refs = append(refs, out)
		types = types[btfTypeSize+extra:]
	}

	// Depth-first search without recursion; a type met again while it is
	// on the path closes a cycle.
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]byte, len(refs))
	type frame struct {
		id   uint32
		next int
	}
	var stack []frame
	for root := range refs {
		if state[root] != unseen {
			continue
		}
		state[root] = onPath
		stack = append(stack[:0], frame{id: uint32(root)})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(refs[top.id]) {
				state[top.id] = done
				stack = stack[:len(stack)-1]
				continue
			}
			child := refs[top.id][top.next]
			top.next++
			if int(child) >= len(refs) {
				continue // libbpf rejects unknown type IDs
			}
			switch state[child] {
			case onPath:
				return fmt.Errorf("BTF type %d contains itself (through typedefs, modifiers, arrays, members or variables)", child)
			case unseen:
				state[child] = onPath
				stack = append(stack, frame{id: child})
			}
		}
	}
	return nil
}
