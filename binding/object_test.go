package libbpf_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func readObject(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(objectPath(t, name))
	require.NoError(t, err)
	return data
}

func programNames(progs []*libbpf.Program) []string {
	var names []string
	for _, p := range progs {
		names = append(names, p.Name())
	}
	return names
}

func mapNames(maps []*libbpf.Map) []string {
	var names []string
	for _, m := range maps {
		names = append(names, m.Name())
	}
	return names
}

func TestOpenFileListsProgramsAndMaps(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "counter", nil)

	assert.Equal(t, "counter", obj.Name(), "object name defaults to the file name without extensions")
	assert.Equal(t, []string{"count_tp", "count_raw", "count_raw_alt"}, programNames(obj.Programs()))
	maps := mapNames(obj.Maps())
	assert.Contains(t, maps, "counts")
	assert.Len(t, maps, 2, "counts and the .rodata map: %v", maps)

	prog := program(t, obj, "count_raw")
	assert.Same(t, obj.Programs()[1], prog, "Program returns the same pointer as Programs")
	counts := objMap(t, obj, "counts")
	assert.Equal(t, "counts", counts.Name())

	rodata, err := obj.Map(".rodata")
	require.NoError(t, err, "internal maps are found by section name")
	assert.True(t, strings.HasSuffix(rodata.Name(), ".rodata"), rodata.Name())
}

func TestOpenMem(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenMem("from-memory", readObject(t, "xdp"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, obj.Close()) })

	assert.Equal(t, "from-memory", obj.Name())
	assert.Equal(t, []string{"xdp_mark"}, programNames(obj.Programs()))
	requireLoad(t, obj)
	assert.GreaterOrEqual(t, program(t, obj, "xdp_mark").FD(), 0)
}

// OpenMem copies nothing it needs later from data: the caller may reuse
// the slice right after the call.
func TestOpenMemDataMayBeReused(t *testing.T) {
	requireKernel(t)
	data := readObject(t, "xdp")
	obj, err := libbpf.OpenMem("reused", data, nil)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, obj.Close()) })
	clear(data)
	requireLoad(t, obj)
}

func TestOpenFileMissing(t *testing.T) {
	requireKernel(t)
	path := filepath.Join(t.TempDir(), "missing.bpf.o")
	obj, err := libbpf.OpenFile(path, nil)
	assert.Nil(t, obj)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.EqualError(t, err, fmt.Sprintf("OpenFile %q: open: no such file or directory", path))
	oe := requireOpError(t, err, "OpenFile", fmt.Sprintf("%q", path), "open")
	assert.Equal(t, syscall.ENOENT, oe.Err)
}

// Malformed objects are refused with an error, at open or at the latest at
// load, and never crash the process.
func TestCorruptObjects(t *testing.T) {
	requireKernel(t)
	valid := readObject(t, "counter")
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	elfHeaderThenNoise := append([]byte("\x7fELF\x02\x01\x01"), random[:1024]...)
	flipped := append([]byte(nil), valid...)
	for i := 64; i < len(flipped); i += 7 {
		flipped[i] ^= 0x5a
	}
	cases := map[string][]byte{
		"random bytes":               random,
		"ELF magic then noise":       elfHeaderThenNoise,
		"truncated to half":          valid[:len(valid)/2],
		"truncated to the header":    valid[:64],
		"truncated to a few bytes":   valid[:5],
		"corrupted after the header": flipped,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			t.Run("OpenMem", func(t *testing.T) {
				obj, err := libbpf.OpenMem("corrupt", data, nil)
				if err == nil {
					err = obj.Load()
					assert.NoError(t, obj.Close())
				} else {
					assert.Nil(t, obj)
					oe := opErrorOf(t, err)
					assert.Equal(t, "OpenMem", oe.Op)
					assert.Equal(t, `"corrupt"`, oe.Subject)
				}
				assert.Error(t, err)
			})
			t.Run("OpenFile", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "corrupt.bpf.o")
				require.NoError(t, os.WriteFile(path, data, 0o600))
				obj, err := libbpf.OpenFile(path, nil)
				if err == nil {
					err = obj.Load()
					assert.NoError(t, obj.Close())
				} else {
					assert.Nil(t, obj)
					oe := opErrorOf(t, err)
					assert.Equal(t, "OpenFile", oe.Op)
					assert.Equal(t, fmt.Sprintf("%q", path), oe.Subject)
				}
				assert.Error(t, err)
			})
		})
	}
}

func TestOpenMemEmpty(t *testing.T) {
	requireKernel(t)
	for name, data := range map[string][]byte{"nil": nil, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			obj, err := libbpf.OpenMem("empty", data, nil)
			assert.Nil(t, obj)
			assert.ErrorIs(t, err, syscall.EINVAL)
			assert.EqualError(t, err, `OpenMem "empty": empty object data: invalid argument`)
		})
	}
}

func TestUnknownProgramAndMap(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "counter", nil)

	prog, err := obj.Program("no_such_program")
	assert.Nil(t, prog)
	assert.ErrorIs(t, err, libbpf.ErrNotFound)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, `Object.Program object counter: program "no_such_program": libbpf: not found`)
	requireOpError(t, err, "Object.Program", "object counter", "")

	m, err := obj.Map("no_such_map")
	assert.Nil(t, m)
	assert.ErrorIs(t, err, libbpf.ErrNotFound)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, `Object.Map object counter: map "no_such_map": libbpf: not found`)
	requireOpError(t, err, "Object.Map", "object counter", "")

	_, err = obj.Map(".data")
	assert.ErrorIs(t, err, libbpf.ErrNotFound, "counter.bpf.c has no .data section")
}

func TestLoadTwice(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	err := obj.Load()
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.EqualError(t, err, "Object.Load object xdp: object was already loaded: invalid argument")
	requireOpError(t, err, "Object.Load", "object xdp", "")
	assert.GreaterOrEqual(t, program(t, obj, "xdp_mark").FD(), 0, "the first load is intact")
}

func TestObjectCloseTwice(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "xdp"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	assert.NoError(t, obj.Close())
	assert.NoError(t, obj.Close(), "Close is idempotent")
}

// After Close, the object and everything it owns answer ErrClosed (or a
// zero value) instead of touching freed libbpf memory.
func TestUseAfterObjectClose(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj, err := libbpf.OpenFile(objectPath(t, "xdp"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	prog := program(t, obj, "xdp_mark")
	bss := objMap(t, obj, ".bss")
	require.NoError(t, obj.Close())

	assert.ErrorIs(t, obj.Load(), libbpf.ErrClosed)
	assert.Empty(t, obj.Name())
	assert.Empty(t, obj.Programs())
	assert.Empty(t, obj.Maps())
	_, err = obj.Program("xdp_mark")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = obj.Map(".bss")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, obj.SetGlobal("extra", u8(1)), libbpf.ErrClosed)
	assert.ErrorIs(t, obj.Global("extra", make([]byte, 1)), libbpf.ErrClosed)
	_, err = obj.GlobalSize("extra")
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	assert.Empty(t, prog.Name())
	assert.Empty(t, prog.SectionName())
	assert.Equal(t, -1, prog.FD())
	assert.Zero(t, prog.Type())
	assert.False(t, prog.Autoload())
	assert.ErrorIs(t, prog.SetAutoload(true), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.SetType(libbpf.ProgramTypeXDP), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.Pin(filepath.Join(dir, "prog")), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.Unpin(filepath.Join(dir, "prog")), libbpf.ErrClosed)
	_, err = prog.Attach()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.AttachTracepoint("syscalls", "sys_enter_getpid")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.AttachRawTracepoint("sys_enter")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assertPinned(t, filepath.Join(dir, "prog"), false)

	key, value := u32(0), make([]byte, bss.ValueSize())
	assert.Empty(t, bss.Name())
	assert.Equal(t, -1, bss.FD())
	assert.Zero(t, bss.KeySize())
	assert.ErrorIs(t, bss.Lookup(key, value), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.Update(key, value, libbpf.UpdateAny), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.Delete(key), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.NextKey(nil, key), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.LookupAndDelete(key, value), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.Pin(filepath.Join(dir, "map")), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.SetPinPath(filepath.Join(dir, "map")), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.SetMaxEntries(2), libbpf.ErrClosed)
	assert.ErrorIs(t, bss.ReuseFD(0), libbpf.ErrClosed)
	assert.False(t, bss.IsPinned())
	assert.Empty(t, bss.PinPath())
}

// Methods on nil handles behave like methods on closed ones.
func TestNilHandles(t *testing.T) {
	var obj *libbpf.Object
	var prog *libbpf.Program
	var m *libbpf.Map
	var link *libbpf.Link

	assert.ErrorIs(t, obj.Load(), libbpf.ErrClosed)
	assert.Empty(t, obj.Name())
	assert.Empty(t, obj.Programs())
	_, err := obj.Program("x")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = obj.Map("x")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, obj.SetGlobal("x", u8(0)), libbpf.ErrClosed)
	assert.NotPanics(t, func() { _ = obj.Close() })

	assert.Empty(t, prog.Name())
	assert.Equal(t, -1, prog.FD())
	assert.ErrorIs(t, prog.Pin("/sys/fs/bpf/x"), libbpf.ErrClosed)
	_, err = prog.Attach()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.TestRun(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	assert.Empty(t, m.Name())
	assert.Equal(t, -1, m.FD())
	assert.ErrorIs(t, m.Lookup(u32(0), u64(0)), libbpf.ErrClosed)
	assert.ErrorIs(t, m.Update(u32(0), u64(0), libbpf.UpdateAny), libbpf.ErrClosed)

	assert.Equal(t, -1, link.FD())
	assert.Empty(t, link.PinPath())
	assert.ErrorIs(t, link.Pin("/sys/fs/bpf/x"), libbpf.ErrClosed)
	assert.ErrorIs(t, link.Unpin(), libbpf.ErrClosed)
	assert.ErrorIs(t, link.Detach(), libbpf.ErrClosed)
	assert.ErrorIs(t, link.UpdateProgram(prog), libbpf.ErrClosed)
	assert.NotPanics(t, link.Disconnect)
	assert.NotPanics(t, func() { _ = link.Close() })
}

func TestObjectOptionsName(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", &libbpf.ObjectOptions{Name: "renamed"})
	assert.Equal(t, "renamed", obj.Name())
	bss := objMap(t, obj, ".bss")
	assert.True(t, strings.HasPrefix(bss.Name(), "renamed"), "internal maps are named after the object: %s", bss.Name())
	requireLoad(t, obj)
}

// Maps declared with LIBBPF_PIN_BY_NAME are pinned under PinRoot, and a
// second object with the same PinRoot shares them.
func TestObjectOptionsPinRoot(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	path := filepath.Join(dir, "shared_counts")

	first := openObject(t, "pinned", &libbpf.ObjectOptions{PinRoot: dir})
	shared := objMap(t, first, "shared_counts")
	assert.Equal(t, path, shared.PinPath(), "pin path is known from open")
	requireLoad(t, first)
	assertPinned(t, path, true)
	assert.True(t, shared.IsPinned())

	second := openObject(t, "pinned", &libbpf.ObjectOptions{PinRoot: dir})
	requireLoad(t, second)
	require.NoError(t, shared.Update(u32(0), u64(42), libbpf.UpdateAny))
	value := make([]byte, 8)
	require.NoError(t, objMap(t, second, "shared_counts").Lookup(u32(0), value))
	assert.Equal(t, u64(42), value, "second object reuses the pinned map")

	require.NoError(t, shared.Unpin(path))
	assertPinned(t, path, false)
}

func TestObjectOptionsPinRootNotOnBPFFS(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "pinned"), &libbpf.ObjectOptions{PinRoot: t.TempDir()})
	if err == nil {
		err = obj.Load()
		assert.NoError(t, obj.Close())
	}
	assert.Error(t, err, "pinning outside bpffs fails")
}

// KConfig adds Kconfig values that __kconfig externs see.
func TestObjectOptionsKConfig(t *testing.T) {
	requireKernel(t)
	seen := func(t *testing.T, opts *libbpf.ObjectOptions) uint32 {
		obj := openObject(t, "kconfig", opts)
		requireLoad(t, obj)
		res, err := program(t, obj, "xdp_kconfig").TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
		require.NoError(t, err)
		assert.Equal(t, uint32(2), res.ReturnValue, "XDP_PASS")
		value := make([]byte, 4)
		require.NoError(t, obj.Global("seen_config", value))
		return uint32(value[0]) | uint32(value[1])<<8 | uint32(value[2])<<16 | uint32(value[3])<<24
	}
	t.Run("unset", func(t *testing.T) {
		assert.Zero(t, seen(t, nil), "a weak extern the kernel lacks is 0")
	})
	t.Run("set", func(t *testing.T) {
		assert.Equal(t, uint32(42), seen(t, &libbpf.ObjectOptions{KConfig: "CONFIG_LIBBPF_GO_TEST=42\n"}))
	})
	t.Run("malformed", func(t *testing.T) {
		obj, err := libbpf.OpenFile(objectPath(t, "kconfig"), &libbpf.ObjectOptions{KConfig: "CONFIG_LIBBPF_GO_TEST\n"})
		if err == nil {
			err = obj.Load()
			assert.NoError(t, obj.Close())
		}
		assert.ErrorIs(t, err, syscall.EINVAL)
	})
}

// BTFPath replaces the kernel's BTF for CO-RE relocations.
func TestObjectOptionsBTFPath(t *testing.T) {
	requireKernel(t)
	coreValues := func(t *testing.T, obj *libbpf.Object) (size, hasPid uint32) {
		res, err := program(t, obj, "xdp_core").TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
		require.NoError(t, err)
		assert.Equal(t, uint32(2), res.ReturnValue, "XDP_PASS")
		buf := make([]byte, 4)
		require.NoError(t, obj.Global("task_size", buf))
		size = uint32(buf[0]) | uint32(buf[1])<<8 | uint32(buf[2])<<16 | uint32(buf[3])<<24
		require.NoError(t, obj.Global("has_pid", buf))
		hasPid = uint32(buf[0])
		return size, hasPid
	}

	kernelObj := loadObject(t, "core")
	wantSize, wantPid := coreValues(t, kernelObj)
	require.NotZero(t, wantSize)
	require.Equal(t, uint32(1), wantPid)

	t.Run("copy of the kernel BTF", func(t *testing.T) {
		src, err := os.Open("/sys/kernel/btf/vmlinux")
		require.NoError(t, err)
		defer src.Close()
		path := filepath.Join(t.TempDir(), "vmlinux.btf")
		dst, err := os.Create(path)
		require.NoError(t, err)
		_, err = io.Copy(dst, src)
		require.NoError(t, err)
		require.NoError(t, dst.Close())

		obj := openObject(t, "core", &libbpf.ObjectOptions{BTFPath: path})
		requireLoad(t, obj)
		size, hasPid := coreValues(t, obj)
		assert.Equal(t, wantSize, size)
		assert.Equal(t, wantPid, hasPid)
	})
	t.Run("missing file", func(t *testing.T) {
		obj := openObject(t, "core", &libbpf.ObjectOptions{BTFPath: filepath.Join(t.TempDir(), "missing.btf")})
		err := obj.Load()
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("not BTF", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "garbage.btf")
		require.NoError(t, os.WriteFile(path, []byte("this is not BTF at all"), 0o600))
		obj := openObject(t, "core", &libbpf.ObjectOptions{BTFPath: path})
		assert.Error(t, obj.Load())
	})
}

func TestObjectOptionsKernelLogLevel(t *testing.T) {
	requireKernel(t)
	t.Run("successful load", func(t *testing.T) {
		obj := openObject(t, "xdp", &libbpf.ObjectOptions{KernelLogLevel: 1})
		requireLoad(t, obj)
		assert.GreaterOrEqual(t, program(t, obj, "xdp_mark").FD(), 0)
	})
	t.Run("failed load with verbose log", func(t *testing.T) {
		obj := openObject(t, "bad", &libbpf.ObjectOptions{KernelLogLevel: 2})
		var verr *libbpf.VerifierError
		require.ErrorAs(t, obj.Load(), &verr)
		assert.Contains(t, verr.Log, "invalid mem access")
		assert.Contains(t, verr.Log, "R0", "level 2 logs register states")
	})
}

func TestObjectOptionsKernelLogSize(t *testing.T) {
	requireKernel(t)
	t.Run("room for the whole log", func(t *testing.T) {
		obj := openObject(t, "bad", &libbpf.ObjectOptions{KernelLogSize: 64 << 10})
		var verr *libbpf.VerifierError
		require.ErrorAs(t, obj.Load(), &verr)
		assert.Contains(t, verr.Log, "invalid mem access")
	})
	t.Run("tiny buffer", func(t *testing.T) {
		const size = 128
		obj := openObject(t, "bad", &libbpf.ObjectOptions{KernelLogSize: size})
		var verr *libbpf.VerifierError
		require.ErrorAs(t, obj.Load(), &verr)
		assert.NotEmpty(t, verr.Log, "the end of the log fits")
		assert.LessOrEqual(t, len(verr.Log), size)
	})
}

// A program the verifier rejects fails Load with a *VerifierError naming
// the program and carrying the verifier's log.
func TestVerifierError(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "bad", nil)
	err := obj.Load()
	var verr *libbpf.VerifierError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "xdp_unchecked", verr.Program)
	assert.Contains(t, verr.Log, "R0 invalid mem access 'map_value_or_null'")
	assert.ErrorIs(t, err, syscall.EACCES)
	assert.ErrorIs(t, verr.Err, syscall.EACCES)
	oe := requireOpError(t, err, "Object.Load", "object bad", "bpf_object__load")
	assert.Same(t, verr, oe.Err, "the VerifierError is the OpError's cause")
	assert.True(t, strings.HasPrefix(err.Error(),
		"Object.Load object bad: bpf_object__load: program xdp_unchecked: bpf(BPF_PROG_LOAD): permission denied: verifier log: "), err.Error())
	assert.Contains(t, err.Error(), "invalid mem access", "the message quotes the end of the log")
	assert.Equal(t, 1, strings.Count(err.Error(), "xdp_unchecked"), "the program is named once: %s", err)
	assert.Less(t, program(t, obj, "xdp_unchecked").FD(), 0)
}
