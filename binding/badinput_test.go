package libbpf_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// elfImage gives access to the header fields of a 64-bit little-endian ELF
// image that the ELF checks look at.
type elfImage []byte

func (e elfImage) shoff() uint64 { return binary.LittleEndian.Uint64(e[0x28:]) }
func (e elfImage) shnum() int    { return int(binary.LittleEndian.Uint16(e[0x3c:])) }
func (e elfImage) shstrndx() int { return int(binary.LittleEndian.Uint16(e[0x3e:])) }
func (e elfImage) section(i int) []byte {
	off := e.shoff() + uint64(i)*64
	return e[off : off+64]
}
func (e elfImage) sectionType(i int) uint32 { return binary.LittleEndian.Uint32(e.section(i)[4:]) }

// sectionNamed returns the contents of the section called name, as a
// slice of e.
func (e elfImage) sectionNamed(t *testing.T, name string) []byte {
	t.Helper()
	names := e.section(e.shstrndx())
	namesOff := binary.LittleEndian.Uint64(names[0x18:])
	for i := 1; i < e.shnum(); i++ {
		s := e.section(i)
		off := namesOff + uint64(binary.LittleEndian.Uint32(s[0:]))
		if string(e[off:off+uint64(len(name))+1]) == name+"\x00" {
			start := binary.LittleEndian.Uint64(s[0x18:])
			return e[start : start+binary.LittleEndian.Uint64(s[0x20:])]
		}
	}
	t.Fatalf("no section %s", name)
	return nil
}

// loopFirstModifier makes the first const, volatile or typedef type of
// the BTF data refer to itself.
func loopFirstModifier(t *testing.T, btf []byte) {
	t.Helper()
	le := binary.LittleEndian
	hdrLen, typeOff, typeLen := le.Uint32(btf[4:]), le.Uint32(btf[8:]), le.Uint32(btf[12:])
	types := btf[hdrLen+typeOff : hdrLen+typeOff+typeLen]
	// Trailing bytes of each kind that this walk may meet before a
	// modifier: fixed, and per member.
	fixed := map[uint32]int{1: 4, 3: 12, 14: 4, 17: 4}
	perMember := map[uint32]int{4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}
	for id := uint32(1); len(types) >= 12; id++ {
		info := le.Uint32(types[4:])
		kind, vlen := info>>24&0x1f, int(info&0xffff)
		if kind == 8 || kind == 9 || kind == 10 {
			le.PutUint32(types[8:], id)
			return
		}
		types = types[12+fixed[kind]+perMember[kind]*vlen:]
	}
	t.Fatal("no modifier or typedef in the BTF")
}

// sectionOfType returns the index of the first section of type typ.
func (e elfImage) sectionOfType(t *testing.T, typ uint32) int {
	t.Helper()
	for i := 1; i < e.shnum(); i++ {
		if e.sectionType(i) == typ {
			return i
		}
	}
	t.Fatalf("no section of type %d", typ)
	return 0
}

// Malformed ELF data is refused in Go, before libbpf parses it, with an
// error wrapping ErrInvalidObject that says what is wrong. No kernel is
// needed: nothing reaches libbpf.
func TestInvalidObjectELF(t *testing.T) {
	valid := readObject(t, "counter")
	const (
		progbits = 1 // SHT_PROGBITS
		symtab   = 2 // SHT_SYMTAB
		strtab   = 3 // SHT_STRTAB
	)
	require.Equal(t, strtab, int(elfImage(valid).sectionType(elfImage(valid).shstrndx())))
	cases := []struct {
		name   string
		mutate func(t *testing.T, e elfImage) elfImage
		want   string
	}{
		{"shorter than the header", func(t *testing.T, e elfImage) elfImage { return e[:40] },
			"shorter than an ELF header"},
		{"no magic", func(t *testing.T, e elfImage) elfImage { e[0] = 'x'; return e },
			"no ELF magic"},
		{"32-bit", func(t *testing.T, e elfImage) elfImage { e[4] = 1; return e },
			"ELF class 1, want 64-bit"},
		{"big-endian", func(t *testing.T, e elfImage) elfImage { e[5] = 2; return e },
			"ELF byte order 2"},
		{"executable", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint16(e[16:], 2)
			return e
		}, "ELF type 2, want a relocatable object"},
		{"x86-64 machine", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint16(e[18:], 62)
			return e
		}, "ELF machine 62, want BPF"},
		{"no section header table", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint64(e[0x28:], 0)
			return e
		}, "no section header table"},
		{"section header size", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint16(e[0x3a:], 40)
			return e
		}, "section header size 40, want 64"},
		{"section header table past the end", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint64(e[0x28:], uint64(len(e)-64))
			return e
		}, "section header table of"},
		{"truncated", func(t *testing.T, e elfImage) elfImage { return e[:len(e)-100] },
			"extends past the end of the data"},
		{"section past the end", func(t *testing.T, e elfImage) elfImage {
			i := e.sectionOfType(t, symtab)
			binary.LittleEndian.PutUint64(e.section(i)[0x18:], uint64(len(e)))
			return e
		}, "extends past the end of the data"},
		{"section size overflows", func(t *testing.T, e elfImage) elfImage {
			i := e.sectionOfType(t, symtab)
			binary.LittleEndian.PutUint64(e.section(i)[0x20:], ^uint64(0))
			return e
		}, "extends past the end of the data"},
		{"string table index out of range", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint16(e[0x3e:], uint16(e.shnum()))
			return e
		}, "section name string table index"},
		{"string table index names no string table", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint16(e[0x3e:], uint16(e.sectionOfType(t, progbits)))
			return e
		}, "want SHT_STRTAB"},
		{"section name outside the string table", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint32(e.section(1)[0:], 1<<30)
			return e
		}, "past the end of the section name table"},
		{"symbol entry size", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint64(e.section(e.sectionOfType(t, symtab))[0x38:], 16)
			return e
		}, "symbol table section"},
		{"BTF type containing itself", func(t *testing.T, e elfImage) elfImage {
			loopFirstModifier(t, e.sectionNamed(t, ".BTF"))
			return e
		}, "contains itself"},
		{"symbol table without string table", func(t *testing.T, e elfImage) elfImage {
			binary.LittleEndian.PutUint32(e.section(e.sectionOfType(t, symtab))[0x28:], uint32(e.shnum()+5))
			return e
		}, "which is not a string table"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.mutate(t, append(elfImage(nil), valid...))

			obj, err := libbpf.OpenMem("mutated", data, nil)
			assert.Nil(t, obj)
			assert.ErrorIs(t, err, libbpf.ErrInvalidObject)
			assert.ErrorContains(t, err, c.want)
			requireOpError(t, err, "OpenMem", `"mutated"`, "")

			path := filepath.Join(t.TempDir(), "mutated.bpf.o")
			require.NoError(t, os.WriteFile(path, data, 0o600))
			obj, err = libbpf.OpenFile(path, nil)
			assert.Nil(t, obj)
			assert.ErrorIs(t, err, libbpf.ErrInvalidObject)
			assert.ErrorContains(t, err, c.want)
			requireOpError(t, err, "OpenFile", fmt.Sprintf("%q", path), "")
		})
	}
}

// OpenFile reads the file itself now: errors of the read keep their errno.
func TestOpenFileNotAFile(t *testing.T) {
	dir := t.TempDir()
	obj, err := libbpf.OpenFile(dir, nil)
	assert.Nil(t, obj)
	assert.ErrorIs(t, err, syscall.EISDIR)
	assert.EqualError(t, err, fmt.Sprintf("OpenFile %q: read: is a directory", dir))
}

// The methods TestNilHandles does not cover behave the same on nil
// handles: ErrClosed or a zero value, never a panic.
func TestNilHandlesOtherMethods(t *testing.T) {
	var obj *libbpf.Object
	var prog *libbpf.Program
	var m *libbpf.Map
	var rb *libbpf.RingBuffer
	var pb *libbpf.PerfBuffer

	assert.Empty(t, obj.Maps())
	assert.ErrorIs(t, obj.Global("x", make([]byte, 1)), libbpf.ErrClosed)
	_, err := obj.GlobalSize("x")
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	assert.Empty(t, prog.SectionName())
	assert.Zero(t, prog.Type())
	assert.Zero(t, prog.ExpectedAttachType())
	assert.False(t, prog.Autoload())
	assert.ErrorIs(t, prog.SetType(libbpf.ProgramTypeXDP), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.SetExpectedAttachType(0), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.SetAutoload(false), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.Unpin("/sys/fs/bpf/x"), libbpf.ErrClosed)
	_, err = prog.AttachTracepoint("syscalls", "sys_enter_getpid")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.AttachRawTracepoint("sys_enter")
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	assert.Zero(t, m.Type())
	assert.Zero(t, m.KeySize())
	assert.Zero(t, m.ValueSize())
	assert.Zero(t, m.ValueBufferSize())
	assert.Zero(t, m.MaxEntries())
	assert.Empty(t, m.PinPath())
	assert.False(t, m.IsPinned())
	assert.ErrorIs(t, m.SetMaxEntries(1), libbpf.ErrClosed)
	assert.ErrorIs(t, m.Delete(u32(0)), libbpf.ErrClosed)
	assert.ErrorIs(t, m.NextKey(nil, u32(0)), libbpf.ErrClosed)
	assert.ErrorIs(t, m.LookupAndDelete(u32(0), u64(0)), libbpf.ErrClosed)
	assert.ErrorIs(t, m.Pin("/sys/fs/bpf/x"), libbpf.ErrClosed)
	assert.ErrorIs(t, m.Unpin("/sys/fs/bpf/x"), libbpf.ErrClosed)
	assert.ErrorIs(t, m.SetPinPath("/sys/fs/bpf/x"), libbpf.ErrClosed)
	assert.ErrorIs(t, m.ReuseFD(0), libbpf.ErrClosed)

	assert.ErrorIs(t, rb.Add(m, func([]byte) error { return nil }), libbpf.ErrClosed)
	_, err = libbpf.NewPerfBuffer(m, 1, func(int, []byte) {}, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = pb.Consume()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// KernelLogSize outside what the kernel accepts is refused at open.
func TestKernelLogSizeOutOfRange(t *testing.T) {
	path := objectPath(t, "xdp")
	for _, size := range []int{-1, -1 << 40, 1, 127, 1 << 30, 1 << 40} {
		obj, err := libbpf.OpenFile(path, &libbpf.ObjectOptions{KernelLogSize: size})
		assert.Nil(t, obj, "%d", size)
		assert.ErrorIs(t, err, syscall.EINVAL, "%d", size)
		assert.EqualError(t, err, fmt.Sprintf("OpenFile %q: kernel log size %d is outside [128, 1073741823]: invalid argument", path, size))
	}
}

// Sizes the kernel refuses fail Load with an error naming the map.
func TestSetMaxEntriesRefusedAtLoad(t *testing.T) {
	requireKernel(t)
	cases := []struct {
		name  string
		m     string
		max   uint32
		errno syscall.Errno
	}{
		{"empty hash map", "hash_map", 0, syscall.EINVAL},
		{"empty array map", "array_map", 0, syscall.EINVAL},
		// More buckets than the kernel can index: refused before it
		// allocates anything.
		{"hash map of 2^31 entries", "hash_map", 1 << 31, syscall.E2BIG},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj := openObject(t, "maps", nil)
			m := objMap(t, obj, c.m)
			require.NoError(t, m.SetMaxEntries(c.max), "libbpf takes any value")
			err := obj.Load()
			assert.ErrorIs(t, err, c.errno)
			requireOpError(t, err, "Object.Load", "object maps", "bpf_object__prepare")
			assert.ErrorContains(t, err, "Object.Load object maps: bpf_object__prepare: map "+c.m+": ")
			assert.Equal(t, -1, m.FD())
		})
	}
}

// A BTFPath that is not BTF fails Load with libbpf's format error
// (LIBBPF_ERRNO__FORMAT), not a crash.
func TestBTFPathNotBTFError(t *testing.T) {
	requireKernel(t)
	path := filepath.Join(t.TempDir(), "garbage.btf")
	require.NoError(t, os.WriteFile(path, []byte("this is not BTF at all"), 0o600))
	obj := openObject(t, "core", &libbpf.ObjectOptions{BTFPath: path})
	err := obj.Load()
	oe := opErrorOf(t, err)
	assert.Equal(t, "Object.Load", oe.Op)
	assert.Equal(t, "object core", oe.Subject)
	assert.ErrorContains(t, err, "format invalid")
	var errno syscall.Errno
	require.ErrorAs(t, err, &errno)
	assert.EqualValues(t, 4001, errno, "LIBBPF_ERRNO__FORMAT")
}

// Absurd perf buffer sizes are refused by the kernel with an error.
func TestPerfBufferHugePages(t *testing.T) {
	requireKernel(t)
	perf := objMap(t, loadObject(t, "events"), "perf")
	pb, err := libbpf.NewPerfBuffer(perf, 1<<30, func(int, []byte) {}, nil)
	assert.Nil(t, pb)
	assert.Error(t, err)
	assert.ErrorContains(t, err, "perf_buffer__new")
}

// With the bpffs that holds the pins unmounted underneath a running
// program, pin operations fail with clear errors, never removing what is
// now in the folder, while the maps and links themselves keep working.
func TestBPFFSUnmountedUnderneath(t *testing.T) {
	requireKernel(t)
	dir := t.TempDir()
	require.NoError(t, unix.Mount("bpf", dir, "bpf", 0, ""))
	mounted := true
	t.Cleanup(func() {
		if mounted {
			assert.NoError(t, unix.Unmount(dir, unix.MNT_DETACH))
		}
	})

	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	link := attachCounter(t, obj, attachKinds[1])
	mapPin, linkPin := filepath.Join(dir, "counts"), filepath.Join(dir, "link")
	require.NoError(t, counts.Pin(mapPin))
	require.NoError(t, link.Pin(linkPin))

	require.NoError(t, unix.Unmount(dir, unix.MNT_DETACH))
	mounted = false
	// What the folder holds now is plain files, which no pin operation
	// may remove.
	require.NoError(t, os.WriteFile(mapPin, []byte("not a pin"), 0o600))
	require.NoError(t, os.WriteFile(linkPin, []byte("not a pin"), 0o600))

	assert.ErrorIs(t, counts.Unpin(mapPin), libbpf.ErrNotBPFFS)
	assert.ErrorIs(t, counts.Unpin(""), libbpf.ErrNotBPFFS, "the map's own pin path")
	assert.ErrorIs(t, counts.Pin(filepath.Join(dir, "again")), libbpf.ErrNotBPFFS)
	assert.ErrorIs(t, link.Unpin(), libbpf.ErrNotBPFFS)
	assert.ErrorIs(t, link.Pin(filepath.Join(dir, "again")), libbpf.ErrNotBPFFS)
	assert.ErrorIs(t, program(t, obj, "count_tp").Pin(filepath.Join(dir, "prog")), libbpf.ErrNotBPFFS)
	_, err := libbpf.OpenLink(linkPin)
	assert.ErrorIs(t, err, libbpf.ErrNotBPFFS)
	assert.FileExists(t, mapPin)
	assert.FileExists(t, linkPin)

	// The kernel objects do not depend on the mount.
	assert.True(t, counterMoves(t, counts), "the link still runs its program")
	require.NoError(t, counts.Update(u32(1), u64(7), libbpf.UpdateAny))
	assert.Equal(t, uint64(7), counter(t, counts, 1))
	require.NoError(t, link.Close())
	assertStops(t, counts)
}
