package libbpf_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestProgramGetters(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "counter", nil)
	tp := program(t, obj, "count_tp")
	raw := program(t, obj, "count_raw")

	check := func(t *testing.T) {
		assert.Equal(t, "count_tp", tp.Name())
		assert.Equal(t, "tracepoint/syscalls/sys_enter_getpid", tp.SectionName())
		assert.Equal(t, libbpf.ProgramTypeTracepoint, tp.Type())
		assert.Equal(t, "tracepoint", tp.Type().String())
		assert.True(t, tp.Autoload())
		assert.Equal(t, "raw_tracepoint/sys_enter", raw.SectionName())
		assert.Equal(t, libbpf.ProgramTypeRawTracepoint, raw.Type())
		assert.Equal(t, "raw_tracepoint", raw.Type().String())
	}
	t.Run("before load", func(t *testing.T) {
		check(t)
		assert.Less(t, tp.FD(), 0, "no fd before load")
	})
	requireLoad(t, obj)
	t.Run("after load", func(t *testing.T) {
		check(t)
		assert.GreaterOrEqual(t, tp.FD(), 0)
		assert.GreaterOrEqual(t, raw.FD(), 0)
		assert.NotEqual(t, tp.FD(), raw.FD())
	})
}

func TestProgramSettersBeforeLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "counter", nil)
	prog := program(t, obj, "count_raw_alt")

	require.NoError(t, prog.SetType(libbpf.ProgramTypeSocketFilter))
	assert.Equal(t, libbpf.ProgramTypeSocketFilter, prog.Type())
	require.NoError(t, prog.SetExpectedAttachType(libbpf.AttachTypeCgroupInetIngress))
	assert.Equal(t, libbpf.AttachTypeCgroupInetIngress, prog.ExpectedAttachType())
	require.NoError(t, prog.SetAutoload(false))
	assert.False(t, prog.Autoload())
	require.NoError(t, prog.SetAutoload(true))
	assert.True(t, prog.Autoload())
}

// Once loaded, a program cannot be reconfigured: libbpf answers EBUSY.
func TestProgramSettersAfterLoad(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	prog := program(t, obj, "xdp_mark")
	attachType := prog.ExpectedAttachType()

	err := prog.SetType(libbpf.ProgramTypeSocketFilter)
	assert.ErrorIs(t, err, syscall.EBUSY)
	assert.ErrorContains(t, err, "Program.SetType program xdp_mark: bpf_program__set_type ")
	assert.Equal(t, libbpf.ProgramTypeXDP, prog.Type(), "type unchanged")

	assert.ErrorIs(t, prog.SetExpectedAttachType(libbpf.AttachTypeCgroupInetIngress), syscall.EBUSY)
	assert.Equal(t, attachType, prog.ExpectedAttachType(), "attach type unchanged")

	assert.ErrorIs(t, prog.SetAutoload(false), syscall.EBUSY)
	assert.True(t, prog.Autoload(), "autoload unchanged")
}

// A program with autoload off is not loaded with its object: it has no fd
// and cannot be attached, pinned or run.
func TestProgramSetAutoloadFalse(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openCounter(t, os.Getpid())
	skipped := program(t, obj, "count_raw_alt")
	require.NoError(t, skipped.SetAutoload(false))
	requireLoad(t, obj)

	assert.Less(t, skipped.FD(), 0)
	assert.GreaterOrEqual(t, program(t, obj, "count_raw").FD(), 0, "other programs are loaded")
	link, err := skipped.Attach()
	assert.Nil(t, link)
	assert.Error(t, err)
	assert.Error(t, skipped.Pin(filepath.Join(dir, "skipped")))
	assertPinned(t, filepath.Join(dir, "skipped"), false)
}

func TestProgramPin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	prog := program(t, loadObject(t, "xdp"), "xdp_mark")
	path := filepath.Join(dir, "xdp_mark")

	require.NoError(t, prog.Pin(path))
	assertPinned(t, path, true)
	assert.ErrorIs(t, prog.Pin(path), os.ErrExist, "the path is taken")

	require.NoError(t, prog.Unpin(path))
	assertPinned(t, path, false)
	assert.ErrorIs(t, prog.Unpin(path), os.ErrNotExist, "nothing left to unpin")
}

func TestProgramPinErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openObject(t, "xdp", nil)
	prog := program(t, obj, "xdp_mark")

	t.Run("before load", func(t *testing.T) {
		assert.Error(t, prog.Pin(filepath.Join(dir, "early")))
		assertPinned(t, filepath.Join(dir, "early"), false)
	})
	requireLoad(t, obj)
	t.Run("outside bpffs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "prog")
		err := prog.Pin(path)
		assert.ErrorIs(t, err, libbpf.ErrNotBPFFS)
		assert.ErrorContains(t, err, path)
		assertPinned(t, path, false)
	})
	t.Run("missing folder", func(t *testing.T) {
		err := prog.Pin(filepath.Join(dir, "missing", "prog"))
		assert.ErrorIs(t, err, syscall.ENOENT)
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("empty path", func(t *testing.T) {
		assert.Error(t, prog.Pin(""))
	})
	t.Run("unpin outside bpffs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "precious")
		require.NoError(t, os.WriteFile(path, []byte("keep me"), 0o600))
		assert.ErrorIs(t, prog.Unpin(path), libbpf.ErrNotBPFFS)
		assert.FileExists(t, path, "Unpin never removes files outside bpffs")
	})
}

// Attach uses the attach point the section name gives.
func TestProgramAttachBySection(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")

			link, err := program(t, obj, kind.program).Attach()
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, link.Close()) })
			assert.True(t, counterMoves(t, counts))

			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

// An XDP section names no interface, so libbpf cannot attach it by itself.
func TestProgramAttachWithoutAutoAttach(t *testing.T) {
	requireKernel(t)
	link, err := program(t, loadObject(t, "xdp"), "xdp_mark").Attach()
	assert.Nil(t, link)
	assert.ErrorIs(t, err, syscall.EOPNOTSUPP)
	assert.EqualError(t, err, "Program.Attach program xdp_mark: bpf_program__attach: operation not supported")
}

func TestProgramAttachUnknownTracepoint(t *testing.T) {
	requireKernel(t)
	prog := program(t, loadObject(t, "counter"), "count_tp")

	link, err := prog.AttachTracepoint("syscalls", "sys_enter_no_such_syscall")
	assert.Nil(t, link)
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, "Program.AttachTracepoint program count_tp: bpf_program__attach_tracepoint syscalls:sys_enter_no_such_syscall: no such file or directory")

	link, err = prog.AttachTracepoint("no_such_category", "sys_enter_getpid")
	assert.Nil(t, link)
	assert.ErrorIs(t, err, syscall.ENOENT)
}

func TestProgramAttachUnknownRawTracepoint(t *testing.T) {
	requireKernel(t)
	prog := program(t, loadObject(t, "counter"), "count_raw")

	link, err := prog.AttachRawTracepoint("no_such_raw_tracepoint")
	assert.Nil(t, link)
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.EqualError(t, err, "Program.AttachRawTracepoint program count_raw: bpf_program__attach_raw_tracepoint no_such_raw_tracepoint: no such file or directory")
}

// TestRun runs the XDP program on a packet: the program writes two bytes,
// counts its runs and returns the verdict from .rodata.
func TestProgramTestRun(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	prog := program(t, obj, "xdp_mark")

	data := make([]byte, 64)
	for i := range data {
		data[i] = byte(i)
	}
	res, err := prog.TestRun(&libbpf.TestRunOptions{
		Data:    data,
		DataOut: make([]byte, 256),
		Repeat:  5,
	})
	require.NoError(t, err)
	assert.Equal(t, uint32(2), res.ReturnValue, "XDP_PASS")
	require.Len(t, res.DataOut, len(data), "DataOut is cut to the output packet")
	assert.Equal(t, byte(0xab), res.DataOut[0], "byte 0 is the .data mark")
	assert.Equal(t, byte(0), res.DataOut[1], "byte 1 is the .bss extra")
	assert.Equal(t, data[2:], res.DataOut[2:], "the rest of the packet is unchanged")
	assert.Equal(t, byte(0), data[0], "the input is not modified")

	runs := make([]byte, 8)
	require.NoError(t, obj.Global("runs", runs))
	assert.Equal(t, u64(105), runs, "the program ran Repeat times")
	lastLen := make([]byte, 4)
	require.NoError(t, obj.Global("last_len", lastLen))
	assert.Equal(t, u32(64), lastLen)

	t.Run("without DataOut", func(t *testing.T) {
		res, err := prog.TestRun(&libbpf.TestRunOptions{Data: data})
		require.NoError(t, err)
		assert.Equal(t, uint32(2), res.ReturnValue)
		assert.Empty(t, res.DataOut)
		require.NoError(t, obj.Global("runs", runs))
		assert.Equal(t, u64(106), runs, "Repeat 0 runs once")
	})
}

// The kernel ends a test run early with EINTR when a signal is pending,
// and Go's runtime signals its threads often: TestRun runs the program
// exactly Repeat times however many signals arrive meanwhile.
func TestProgramTestRunUnderSignals(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	prog := program(t, obj, "xdp_mark")

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				// SIGURG, which Go's runtime handles (it preempts with it).
				_ = unix.Kill(os.Getpid(), unix.SIGURG)
			}
		}
	}()
	defer func() { close(stop); <-done }()

	const repeat = 20000
	runs := make([]byte, 8)
	for round := range 20 {
		require.NoError(t, obj.Global("runs", runs))
		before := binary.NativeEndian.Uint64(runs)
		_, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64), Repeat: repeat})
		require.NoError(t, err, "round %d", round)
		require.NoError(t, obj.Global("runs", runs))
		assert.Equal(t, uint64(repeat), binary.NativeEndian.Uint64(runs)-before, "round %d", round)
	}
}

func TestProgramTestRunErrors(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	prog := program(t, obj, "xdp_mark")

	t.Run("not loaded", func(t *testing.T) {
		_, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
		assert.Error(t, err)
	})
	requireLoad(t, obj)
	t.Run("packet shorter than an Ethernet header", func(t *testing.T) {
		_, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 4)})
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.EqualError(t, err, "Program.TestRun program xdp_mark: bpf_prog_test_run_opts: invalid argument")
	})
	t.Run("DataOut too small", func(t *testing.T) {
		_, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64), DataOut: make([]byte, 16)})
		assert.ErrorIs(t, err, syscall.ENOSPC)
	})
}
