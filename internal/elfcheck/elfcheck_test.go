package elfcheck

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// image is an ELF64 image of this host's byte order whose records the
// tests rewrite through debug/elf's types.
type image []byte

// header rewrites the file header with edit.
func (e image) header(edit func(h *elf.Header64)) image {
	var h elf.Header64
	decode(e, &h)
	edit(&h)
	_, err := binary.Encode(e, binary.NativeEndian, &h)
	if err != nil {
		panic(err)
	}
	return e
}

// hdr returns the file header.
func (e image) hdr() elf.Header64 {
	var h elf.Header64
	decode(e, &h)
	return h
}

// section rewrites the header of section i with edit.
func (e image) section(i int, edit func(s *elf.Section64)) image {
	b := e[e.hdr().Shoff+uint64(i)*sectionSize:]
	var s elf.Section64
	decode(b, &s)
	edit(&s)
	if _, err := binary.Encode(b, binary.NativeEndian, &s); err != nil {
		panic(err)
	}
	return e
}

// find returns the index of the first section that debug/elf says
// matches, and the section.
func (e image) find(t *testing.T, match func(s *elf.Section) bool) (int, *elf.Section) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(e))
	require.NoError(t, err)
	for i, s := range f.Sections {
		if match(s) {
			return i, s
		}
	}
	t.Fatal("no such section")
	return 0, nil
}

// ofType returns the index of the first section of type typ.
func (e image) ofType(t *testing.T, typ elf.SectionType) int {
	i, _ := e.find(t, func(s *elf.Section) bool { return s.Type == typ })
	return i
}

// named returns the contents of the section called name, as a slice of e.
func (e image) named(t *testing.T, name string) []byte {
	_, s := e.find(t, func(s *elf.Section) bool { return s.Name == name })
	return e[s.Offset : s.Offset+s.FileSize]
}

// buildObject returns a minimal BPF relocatable object of this host's byte
// order: a null section, .shstrtab, .strtab, .symtab with the null symbol,
// and .BTF holding btf unless it is nil.
func buildObject(btf []byte) image {
	names := []byte("\x00.shstrtab\x00.strtab\x00.symtab\x00.BTF\x00")
	type sec struct {
		name    uint32
		typ     elf.SectionType
		data    []byte
		link    uint32
		entsize uint64
	}
	secs := []sec{
		{},
		{1, elf.SHT_STRTAB, names, 0, 0},
		{11, elf.SHT_STRTAB, []byte{0}, 0, 0},
		{19, elf.SHT_SYMTAB, make([]byte, elf.Sym64Size), 2, elf.Sym64Size},
	}
	if btf != nil {
		secs = append(secs, sec{27, elf.SHT_PROGBITS, btf, 0, 0})
	}
	out := make([]byte, headerSize)
	headers := make([]elf.Section64, len(secs))
	for i, s := range secs[1:] {
		headers[i+1] = elf.Section64{Name: s.name, Type: uint32(s.typ), Off: uint64(len(out)),
			Size: uint64(len(s.data)), Link: s.link, Addralign: 1, Entsize: s.entsize}
		out = append(out, s.data...)
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
	}
	h := elf.Header64{Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_BPF), Version: uint32(elf.EV_CURRENT),
		Shoff: uint64(len(out)), Ehsize: uint16(headerSize), Shentsize: uint16(sectionSize),
		Shnum: uint16(len(secs)), Shstrndx: 1}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	h.Ident[elf.EI_DATA] = byte(hostData)
	h.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	out, err := binary.Append(out, binary.NativeEndian, headers)
	if err != nil {
		panic(err)
	}
	if _, err := binary.Encode(out, binary.NativeEndian, &h); err != nil {
		panic(err)
	}
	return out
}

// testObjects returns the BPF objects that `make bpf` builds into
// binding/testdata, by name.
func testObjects(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob("../../binding/testdata/*.bpf.o")
	require.NoError(t, err)
	objs := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		objs[filepath.Base(p)] = data
	}
	return objs
}

// The objects clang builds pass, and their sections read as debug/elf
// reads them.
func TestOpenCompiledObjects(t *testing.T) {
	objs := testObjects(t)
	if len(objs) == 0 {
		t.Skip("binding/testdata/*.bpf.o are missing: run `make bpf`")
	}
	for name, data := range objs {
		t.Run(name, func(t *testing.T) {
			f, err := Open(data)
			require.NoError(t, err)
			assert.Equal(t, elf.EM_BPF, f.ELF.Machine)
			btf, ok := f.Section(".BTF")
			require.True(t, ok, "clang -g emits .BTF")
			want, err := f.ELF.Section(".BTF").Data()
			require.NoError(t, err)
			assert.Equal(t, want, btf)
			_, ok = f.Section(".no such section")
			assert.False(t, ok)
		})
	}
}

func TestOpenBuiltObject(t *testing.T) {
	f, err := Open(buildObject(btfOf(btfInt(), btfRef(btfKindTypedef, 1))))
	require.NoError(t, err)
	btf, ok := f.Section(".BTF")
	assert.True(t, ok)
	assert.Equal(t, uint16(btfMagic), binary.NativeEndian.Uint16(btf))
	assert.NoError(t, Check(buildObject(nil)), "no .BTF at all")
}

// Each defect gives an error that names it.
func TestOpenInvalid(t *testing.T) {
	const noSection = 1 << 20
	cases := []struct {
		name   string
		mutate func(t *testing.T, e image) image
		want   string
	}{
		{"empty", func(t *testing.T, e image) image { return nil },
			"0 bytes is shorter than an ELF header (64 bytes)"},
		{"shorter than the header", func(t *testing.T, e image) image { return e[:40] },
			"40 bytes is shorter than an ELF header (64 bytes)"},
		{"no magic", func(t *testing.T, e image) image { e[0] = 'x'; return e },
			"no ELF magic number"},
		{"32-bit", func(t *testing.T, e image) image { e[elf.EI_CLASS] = byte(elf.ELFCLASS32); return e },
			"ELF class 1, want 64-bit (ELFCLASS64, 2)"},
		{"foreign byte order", func(t *testing.T, e image) image { e[elf.EI_DATA] ^= 3; return e },
			"ELF byte order"},
		{"executable", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Type = uint16(elf.ET_EXEC) })
		}, "ELF type 2, want a relocatable object (ET_REL, 1)"},
		{"x86-64 machine", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Machine = uint16(elf.EM_X86_64) })
		}, "ELF machine 62, want BPF (EM_BPF, 247)"},
		{"no section header table", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shoff = 0 })
		}, "no section header table"},
		{"section header size", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shentsize = 40 })
		}, "section header size 40, want 64"},
		{"section header table starts past the end", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shoff = uint64(len(e)) })
		}, "section header table at offset"},
		{"section header table ends past the end", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shoff = uint64(len(e)) - sectionSize })
		}, "section header table of"},
		{"no sections", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shnum = 0 })
		}, "no sections"},
		{"truncated", func(t *testing.T, e image) image { return e[:len(e)-100] },
			"extends past the end of the data"},
		{"section past the end", func(t *testing.T, e image) image {
			return e.section(e.ofType(t, elf.SHT_SYMTAB), func(s *elf.Section64) { s.Off = uint64(len(e)) })
		}, "extends past the end of the data"},
		{"section size overflows", func(t *testing.T, e image) image {
			return e.section(e.ofType(t, elf.SHT_SYMTAB), func(s *elf.Section64) { s.Size = ^uint64(0) })
		}, "bytes at offset"},
		{"string table index out of range", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shstrndx = h.Shnum })
		}, "section name string table index"},
		{"string table index zero", func(t *testing.T, e image) image {
			return e.header(func(h *elf.Header64) { h.Shstrndx = 0 })
		}, "section name string table index 0 is not a section"},
		{"string table index names no string table", func(t *testing.T, e image) image {
			i := e.ofType(t, elf.SHT_SYMTAB)
			return e.header(func(h *elf.Header64) { h.Shstrndx = uint16(i) })
		}, "has type 2, want SHT_STRTAB (3)"},
		{"string table without a final NUL", func(t *testing.T, e image) image {
			i := int(e.hdr().Shstrndx)
			_, s := e.find(t, func(s *elf.Section) bool { i--; return i == -1 })
			e[s.Offset+s.FileSize-1] = 'x'
			return e
		}, "does not end with a NUL byte"},
		{"section name outside the string table", func(t *testing.T, e image) image {
			return e.section(1, func(s *elf.Section64) { s.Name = 1 << 30 })
		}, "section 1 has its name at offset 1073741824, past the end of the section name table"},
		{"symbol entry size", func(t *testing.T, e image) image {
			return e.section(e.ofType(t, elf.SHT_SYMTAB), func(s *elf.Section64) { s.Entsize = 16 })
		}, "has 16-byte entries"},
		{"symbol table of a partial entry", func(t *testing.T, e image) image {
			return e.section(e.ofType(t, elf.SHT_SYMTAB), func(s *elf.Section64) { s.Size-- })
		}, "want 24-byte entries (Elf64_Sym)"},
		{"symbol table without string table", func(t *testing.T, e image) image {
			return e.section(e.ofType(t, elf.SHT_SYMTAB), func(s *elf.Section64) { s.Link = noSection })
		}, "links to section 1048576, which is not a string table"},
		{"symbol table linking to itself", func(t *testing.T, e image) image {
			i := e.ofType(t, elf.SHT_SYMTAB)
			return e.section(i, func(s *elf.Section64) { s.Link = uint32(i) })
		}, "which is not a string table"},
		{"refused by debug/elf", func(t *testing.T, e image) image { e[elf.EI_VERSION] = 0; return e },
			"debug/elf: unknown ELF version"},
		{"BTF type containing itself", func(t *testing.T, e image) image {
			loopFirstModifier(t, e.named(t, ".BTF"))
			return e
		}, "(.BTF): BTF type"},
	}
	objs := map[string]image{"built": buildObject(btfOf(btfInt(), btfRef(btfKindConst, 1)))}
	if counter, ok := testObjects(t)["counter.bpf.o"]; ok {
		objs["counter.bpf.o"] = counter
	}
	for objName, valid := range objs {
		for _, c := range cases {
			t.Run(objName+"/"+c.name, func(t *testing.T) {
				data := c.mutate(t, append(image(nil), valid...))
				f, err := Open(data)
				assert.Nil(t, f)
				assert.ErrorContains(t, err, c.want)
				assert.Equal(t, err, Check(data))
			})
		}
	}
}

// A section without contents in the file (SHT_NOBITS, as .bss) may have
// any offset and size.
func TestNoBitsSectionUnchecked(t *testing.T) {
	e := buildObject(btfOf(btfRef(btfKindTypedef, 1)))
	e.section(4, func(s *elf.Section64) {
		s.Type = uint32(elf.SHT_NOBITS)
		s.Off, s.Size = ^uint64(0)>>1, 1<<40
	})
	f, err := Open(e)
	require.NoError(t, err)
	_, ok := f.Section(".BTF")
	assert.False(t, ok, "NOBITS has no contents, and its BTF is not checked")
}

// With 0xff00 sections or more, the count and string table index are in
// section 0; debug/elf refuses a smaller count there.
func TestExtendedSectionCount(t *testing.T) {
	e := buildObject(nil)
	n := e.hdr().Shnum
	e.header(func(h *elf.Header64) { h.Shnum, h.Shstrndx = 0, uint16(elf.SHN_XINDEX) })
	e.section(0, func(s *elf.Section64) { s.Size, s.Link = uint64(n), 1 })
	assert.ErrorContains(t, Check(e), "debug/elf: invalid ELF shnum contained in sh_size")

	e.section(0, func(s *elf.Section64) { s.Size = 0 })
	assert.ErrorContains(t, Check(e), "no sections")
	e.section(0, func(s *elf.Section64) { s.Size, s.Link = uint64(n), 0 })
	assert.ErrorContains(t, Check(e), "section name string table index 0")
}

// A panic of the parser is an error, not a crash.
func TestParserPanic(t *testing.T) {
	saved := newFile
	t.Cleanup(func() { newFile = saved })
	newFile = func(io.ReaderAt) (*elf.File, error) { panic("boom") }
	f, err := Open(buildObject(nil))
	assert.Nil(t, f)
	assert.ErrorIs(t, err, errPanic)
	assert.ErrorContains(t, err, "debug/elf panicked: boom")
}

// loopFirstModifier makes the first const, volatile or typedef type of the
// BTF data refer to itself.
func loopFirstModifier(t *testing.T, btf []byte) {
	t.Helper()
	var h btfHeader
	decode(btf, &h)
	start := h.HdrLen + h.TypeOff
	refs, ok := btfRefs(btf[start : start+h.TypeLen])
	require.True(t, ok)
	types := btf[start:]
	for id := 1; id < refs.len(); id++ {
		info := binary.NativeEndian.Uint32(types[4:])
		kind, vlen := int(info>>24&0x1f), int(info&0xffff)
		if kind == btfKindTypedef || kind == btfKindVolatile || kind == btfKindConst {
			binary.NativeEndian.PutUint32(types[8:], uint32(id))
			return
		}
		types = types[btfTypeSize+btfExtra(kind, vlen):]
	}
	t.Fatal("no modifier or typedef in the BTF")
}
