// Package elfcheck checks, in pure Go, that bytes are a BPF ELF object
// that libbpf can parse without trusting anything it does not check
// itself, and that libbpf's walks over its BTF end. The binding runs
// [Check] before it hands an object to libbpf (bpf_object__open_mem,
// bpf_linker__add_buf ...), so that a truncated or corrupted object gives
// a Go error naming the defect instead of a crash or an endless loop
// inside libbpf; cmd/syscount reads its object's sections through [Open].
//
// The ELF records are decoded into debug/elf's types (elf.Header64,
// elf.Section64) and checked with debug/elf's constants, then the object
// is parsed by [elf.NewFile], whose panics on hostile input, should it
// have any, are recovered into errors. Nothing here needs cgo, libbpf or
// privileges.
package elfcheck

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"
)

// Sizes of the ELF64 records: the file header, a section header and a
// symbol.
var (
	headerSize  = uint64(binary.Size(elf.Header64{}))
	sectionSize = uint64(binary.Size(elf.Section64{}))
)

// hostData is the EI_DATA value of objects built for this host.
var hostData = func() elf.Data {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return elf.ELFDATA2LSB
	}
	return elf.ELFDATA2MSB
}()

// File is a BPF ELF object that passed the checks of [Open].
type File struct {
	// ELF is the object as debug/elf parsed it. Its sections' readers
	// read from the data given to Open.
	ELF  *elf.File
	data []byte
}

// Check reports whether data is a well-formed BPF object for this host, as
// [Open] checks it, returning nil or an error that names the defect.
func Check(data []byte) error {
	_, err := Open(data)
	return err
}

// Open checks that data is an ELF image libbpf can parse and returns it
// parsed by debug/elf. It checks the ELF header (magic, 64-bit class, this
// host's byte order, ET_REL, EM_BPF), the section header table and every
// section's contents lying within data, a section name string table that
// ends with a NUL and that every section name points into, symbol tables
// with Elf64_Sym-sized entries that link to a string table, that
// debug/elf parses the result, and that no type of the .BTF section
// contains itself (see checkBTF). An error names the defect; the caller
// names the object. data is not copied: it must not change while the
// File is in use.
func Open(data []byte) (*File, error) {
	hdr, err := readHeader(data)
	if err != nil {
		return nil, err
	}
	sections, shstrndx, err := readSections(data, hdr)
	if err != nil {
		return nil, err
	}
	if err := checkSections(data, sections, shstrndx); err != nil {
		return nil, err
	}
	f, err := parse(data)
	if err != nil {
		return nil, err
	}
	if len(f.Sections) != len(sections) {
		return nil, fmt.Errorf("debug/elf found %d sections, the section header table has %d", len(f.Sections), len(sections))
	}
	file := &File{ELF: f, data: data}
	for i, s := range f.Sections {
		if s.Name != ".BTF" || !hasContents(s.Type) {
			continue
		}
		if err := checkBTF(file.contents(s)); err != nil {
			return nil, fmt.Errorf("section %d (.BTF): %w", i, err)
		}
	}
	return file, nil
}

// Section returns the contents of the first section called name, as a
// slice of the data given to Open, and true; or nil and false when there
// is no such section or it has no contents in the file (SHT_NOBITS,
// SHT_NULL).
func (f *File) Section(name string) ([]byte, bool) {
	s := f.ELF.Section(name)
	if s == nil || !hasContents(s.Type) {
		return nil, false
	}
	return f.contents(s), true
}

// hasContents reports whether a section of type typ has contents in the
// file: all but SHT_NOBITS (such as .bss) and SHT_NULL (section 0, whose
// size field may hold the section count instead).
func hasContents(typ elf.SectionType) bool {
	return typ != elf.SHT_NOBITS && typ != elf.SHT_NULL
}

// contents returns the bytes of section s, which Open checked to lie
// within f.data.
func (f *File) contents(s *elf.Section) []byte {
	return f.data[s.Offset : s.Offset+s.FileSize]
}

// ByteOrder is the byte order of every object Open accepts: this host's.
var ByteOrder binary.ByteOrder = binary.NativeEndian

// newFile is the parser; tests replace it to check that a panic becomes an
// error.
var newFile = elf.NewFile

// errPanic is wrapped by the error of a parser panic.
var errPanic = errors.New("debug/elf panicked")

// parse parses data with debug/elf, turning a panic of the parser into an
// error, as hostile input must never crash the caller.
func parse(data []byte) (f *elf.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	f, err = newFile(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("debug/elf: %w", err)
	}
	return f, nil
}

// inBounds reports whether size bytes at offset lie within n bytes,
// without overflowing.
func inBounds(offset, size, n uint64) bool {
	return offset <= n && size <= n-offset
}

// decode fills v, an ELF record or a slice of them, from b in this host's
// byte order; b is long enough.
func decode(b []byte, v any) {
	if _, err := binary.Decode(b, binary.NativeEndian, v); err != nil {
		panic(fmt.Sprintf("elfcheck: decoding %T from %d bytes: %v", v, len(b), err))
	}
}

// readHeader checks and returns the ELF file header of data: long enough,
// the ELF magic, 64-bit, this host's byte order, a relocatable BPF object
// with a section header table of 64-byte entries that starts within data.
func readHeader(data []byte) (elf.Header64, error) {
	var h elf.Header64
	n := uint64(len(data))
	if n < headerSize {
		return h, fmt.Errorf("%d bytes is shorter than an ELF header (%d bytes)", n, headerSize)
	}
	if string(data[:len(elf.ELFMAG)]) != elf.ELFMAG {
		return h, errors.New("no ELF magic number")
	}
	if c := elf.Class(data[elf.EI_CLASS]); c != elf.ELFCLASS64 {
		return h, fmt.Errorf("ELF class %d, want 64-bit (%v, %d)", c, elf.ELFCLASS64, elf.ELFCLASS64)
	}
	if d := elf.Data(data[elf.EI_DATA]); d != hostData {
		return h, fmt.Errorf("ELF byte order %d, want this host's (%v, %d)", d, hostData, hostData)
	}
	decode(data, &h)
	if t := elf.Type(h.Type); t != elf.ET_REL {
		return h, fmt.Errorf("ELF type %d, want a relocatable object (%v, %d)", t, elf.ET_REL, elf.ET_REL)
	}
	if m := elf.Machine(h.Machine); m != elf.EM_BPF {
		return h, fmt.Errorf("ELF machine %d, want BPF (%v, %d)", m, elf.EM_BPF, elf.EM_BPF)
	}
	if h.Shoff == 0 {
		return h, errors.New("no section header table")
	}
	if uint64(h.Shentsize) != sectionSize {
		return h, fmt.Errorf("section header size %d, want %d", h.Shentsize, sectionSize)
	}
	if !inBounds(h.Shoff, sectionSize, n) {
		return h, fmt.Errorf("section header table at offset %d extends past the end of the data (%d bytes)", h.Shoff, n)
	}
	return h, nil
}

// readSections returns the section headers of data, whose file header h
// readHeader checked, and the index of the section name string table.
// With SHN_LORESERVE (0xff00) sections or more, section 0 holds the real
// count (in sh_size) and string table index (in sh_link).
func readSections(data []byte, h elf.Header64) ([]elf.Section64, uint64, error) {
	n := uint64(len(data))
	first := sectionAt(data[h.Shoff:])
	shnum, shstrndx := uint64(h.Shnum), uint64(h.Shstrndx)
	if shnum == 0 {
		shnum = first.Size
	}
	if shstrndx == uint64(elf.SHN_XINDEX) {
		shstrndx = uint64(first.Link)
	}
	if shnum == 0 {
		return nil, 0, errors.New("no sections")
	}
	if shnum > (n-h.Shoff)/sectionSize {
		return nil, 0, fmt.Errorf("section header table of %d entries at offset %d extends past the end of the data (%d bytes)", shnum, h.Shoff, n)
	}
	if shstrndx == 0 || shstrndx >= shnum {
		return nil, 0, fmt.Errorf("section name string table index %d is not a section (%d sections)", shstrndx, shnum)
	}
	sections := make([]elf.Section64, shnum)
	for i := range sections {
		sections[i] = sectionAt(data[h.Shoff+uint64(i)*sectionSize:])
	}
	return sections, shstrndx, nil
}

// sectionAt decodes the section header at the start of b, which is at
// least sectionSize long, field by field as debug/elf does: binary.Decode
// would take a third of Open's time.
func sectionAt(b []byte) elf.Section64 {
	var s elf.Section64
	ne := binary.NativeEndian
	// SAFETY: unsafe only gives the fields' offsets in the record, which
	// debug/elf declares with the layout of Elf64_Shdr; no pointer is made.
	return elf.Section64{
		Name:      ne.Uint32(b[unsafe.Offsetof(s.Name):]),
		Type:      ne.Uint32(b[unsafe.Offsetof(s.Type):]),
		Flags:     ne.Uint64(b[unsafe.Offsetof(s.Flags):]),
		Addr:      ne.Uint64(b[unsafe.Offsetof(s.Addr):]),
		Off:       ne.Uint64(b[unsafe.Offsetof(s.Off):]),
		Size:      ne.Uint64(b[unsafe.Offsetof(s.Size):]),
		Link:      ne.Uint32(b[unsafe.Offsetof(s.Link):]),
		Info:      ne.Uint32(b[unsafe.Offsetof(s.Info):]),
		Addralign: ne.Uint64(b[unsafe.Offsetof(s.Addralign):]),
		Entsize:   ne.Uint64(b[unsafe.Offsetof(s.Entsize):]),
	}
}

// checkSections checks the section headers of data: every section with
// contents (see hasContents) lies within data; symbol tables have Elf64_Sym entries
// and link to a string table; the section name string table (section
// shstrndx) is a string table ending with a NUL that every section's name
// offset points into.
func checkSections(data []byte, sections []elf.Section64, shstrndx uint64) error {
	n := uint64(len(data))
	for i, s := range sections {
		typ := elf.SectionType(s.Type)
		if hasContents(typ) && !inBounds(s.Off, s.Size, n) {
			return fmt.Errorf("section %d (%d bytes at offset %d) extends past the end of the data (%d bytes)", i, s.Size, s.Off, n)
		}
		if typ != elf.SHT_SYMTAB {
			continue
		}
		if s.Entsize != elf.Sym64Size || s.Size%elf.Sym64Size != 0 {
			return fmt.Errorf("symbol table section %d has %d-byte entries and %d bytes, want %d-byte entries (Elf64_Sym)", i, s.Entsize, s.Size, elf.Sym64Size)
		}
		if s.Link == 0 || uint64(s.Link) >= uint64(len(sections)) || elf.SectionType(sections[s.Link].Type) != elf.SHT_STRTAB {
			return fmt.Errorf("symbol table section %d links to section %d, which is not a string table (%v)", i, s.Link, elf.SHT_STRTAB)
		}
	}
	names := sections[shstrndx]
	if typ := elf.SectionType(names.Type); typ != elf.SHT_STRTAB {
		return fmt.Errorf("section name string table (section %d) has type %d, want %v (%d)", shstrndx, typ, elf.SHT_STRTAB, elf.SHT_STRTAB)
	}
	if names.Size == 0 || data[names.Off+names.Size-1] != 0 {
		return fmt.Errorf("section name string table (section %d) does not end with a NUL byte", shstrndx)
	}
	for i, s := range sections {
		if uint64(s.Name) >= names.Size {
			return fmt.Errorf("section %d has its name at offset %d, past the end of the section name table (%d bytes)", i, s.Name, names.Size)
		}
	}
	return nil
}
