package libbpf_test

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// XDP verdicts of freplace_target.bpf.o's decide and its replacement.
const (
	xdpDrop = 1 // XDP_DROP, returned by the extension
	xdpPass = 2 // XDP_PASS, returned by decide itself
)

// loadFreplace loads freplace_target.bpf.o and freplace.bpf.o, whose
// extension program is set to replace decide in the target's XDP program.
func loadFreplace(t testing.TB) (target, ext *libbpf.Program, counts *libbpf.Map) {
	t.Helper()
	target = program(t, loadObject(t, "freplace_target"), "xdp_decide")
	obj := openObject(t, "freplace", nil)
	ext = program(t, obj, "new_decide")
	require.NoError(t, ext.SetAttachTarget(target, "decide"))
	requireLoad(t, obj)
	return target, ext, objMap(t, obj, "counts")
}

// verdict runs the XDP program on a packet and returns its verdict.
func verdict(t testing.TB, prog *libbpf.Program) uint32 {
	t.Helper()
	res, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	require.NoError(t, err)
	return res.ReturnValue
}

// While its link is open, the extension runs in place of the target's
// global function decide, and changes the target's verdict.
func TestAttachFreplace(t *testing.T) {
	requireFeature(t, libbpf.ProbeFreplace)
	target, ext, counts := loadFreplace(t)
	assert.Equal(t, libbpf.ProgramTypeExt, ext.Type())
	require.Equal(t, uint32(xdpPass), verdict(t, target), "decide before the extension")

	link, err := ext.AttachFreplace(target, "decide")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	assert.Equal(t, uint32(xdpDrop), verdict(t, target), "the extension decides")
	assert.Equal(t, uint64(1), counter(t, counts, 0), "the extension ran once")

	require.NoError(t, link.Close())
	assert.Equal(t, uint32(xdpPass), verdict(t, target), "decide again once the link is closed")
	assert.Equal(t, uint64(1), counter(t, counts, 0), "the extension did not run again")

	// The target may also be a program opened by id, without its object.
	byID, err := libbpf.OpenProgramID(progID(t, target))
	require.NoError(t, err)
	defer byID.Close()
	link, err = ext.AttachFreplace(byID, "decide")
	require.NoError(t, err)
	assert.Equal(t, uint32(xdpDrop), verdict(t, byID), "the extension decides")
	require.NoError(t, link.Close())
}

// With neither target nor function, AttachFreplace uses the load-time
// target.
func TestAttachFreplaceLoadTarget(t *testing.T) {
	requireFeature(t, libbpf.ProbeFreplace)
	target, ext, _ := loadFreplace(t)
	link, err := ext.AttachFreplace(nil, "")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	assert.Equal(t, uint32(xdpDrop), verdict(t, target))
}

func TestFreplaceErrors(t *testing.T) {
	requireKernel(t)
	targetObj := loadObject(t, "freplace_target")
	target := program(t, targetObj, "xdp_decide")
	obj := openObject(t, "freplace", nil)
	ext := program(t, obj, "new_decide")

	assert.ErrorIs(t, ext.SetAttachTarget(nil, ""), syscall.EINVAL, "neither target nor function")
	assert.ErrorIs(t, ext.SetAttachTarget(target, "no_such_function"), syscall.ENOENT, "unknown function")
	assert.ErrorIs(t, (*libbpf.Program)(nil).SetAttachTarget(target, "decide"), libbpf.ErrClosed, "nil program")
	unloaded := program(t, openObject(t, "freplace_target", nil), "xdp_decide")
	assert.ErrorIs(t, ext.SetAttachTarget(unloaded, "decide"), syscall.EBADF, "target not loaded")
	assert.EqualError(t, ext.SetAttachTarget(unloaded, "decide"),
		"Program.SetAttachTarget program new_decide: target program xdp_decide not loaded: bad file descriptor")
	closedObj := loadObject(t, "freplace_target")
	closedTarget := program(t, closedObj, "xdp_decide")
	require.NoError(t, closedObj.Close())
	assert.ErrorIs(t, ext.SetAttachTarget(closedTarget, "decide"), libbpf.ErrClosed, "closed target")
	assert.EqualError(t, ext.SetAttachTarget(closedTarget, "decide"),
		"Program.SetAttachTarget program new_decide: target program xdp_decide: libbpf: use of closed handle")
	assert.ErrorIs(t, target.SetAttachTarget(target, "decide"), syscall.EBUSY, "already loaded")
	fentry := program(t, openObject(t, "fentry_target", nil), "count_any")
	assert.ErrorIs(t, fentry.SetAttachTarget(nil, "libbpf_go_no_such_function"), syscall.ESRCH,
		"unknown kernel function")

	_, err := target.AttachFreplace(target, "decide")
	assert.ErrorIs(t, err, syscall.EINVAL, "XDP program")
	assert.EqualError(t, err, "Program.AttachFreplace program xdp_decide: program type xdp is not ext (freplace): invalid argument")
	_, err = ext.AttachFreplace(target, "")
	assert.ErrorIs(t, err, syscall.EINVAL, "target without function")
	_, err = ext.AttachFreplace(nil, "decide")
	assert.ErrorIs(t, err, syscall.EINVAL, "function without target")
	_, err = ext.AttachFreplace(closedTarget, "decide")
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed target")
	_, err = (*libbpf.Program)(nil).AttachFreplace(target, "decide")
	assert.ErrorIs(t, err, libbpf.ErrClosed, "nil program")
	_, err = ext.AttachFreplace(target, "decide")
	assert.ErrorIs(t, err, syscall.EINVAL, "extension not loaded")

	require.NoError(t, obj.Close())
	_, err = ext.AttachFreplace(target, "decide")
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed object")
	assert.ErrorIs(t, ext.SetAttachTarget(target, "decide"), libbpf.ErrClosed, "closed object")
}

// With no target program, SetAttachTarget gives a tracing program whose
// section names no function (SEC("fentry")), and which would not load
// without it, the kernel function to attach to.
func TestSetAttachTargetKernel(t *testing.T) {
	requireFeature(t, libbpf.ProbeTracing)
	bare := openCounterObject(t, os.Getpid(), "fentry_target")
	require.Error(t, bare.Load(), "the section alone names no function")

	obj := openCounterObject(t, os.Getpid(), "fentry_target")
	fentry := program(t, obj, "count_any")
	require.NoError(t, fentry.SetAttachTarget(nil, "__task_pid_nr_ns"))
	requireLoad(t, obj)
	link, err := fentry.Attach()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	assert.True(t, counterMoves(t, objMap(t, obj, "counts")), "the program counts getpid()")
}

// SetAttachTarget keeps its own reference to the target until Load, so the
// target's object may be closed in between; it holds exactly one
// descriptor, released by Load or Close, however often it is called.
func TestSetAttachTargetKeepsTheTarget(t *testing.T) {
	requireKernel(t)
	before := openFDs(t)
	targetObj := loadObject(t, "freplace_target")
	target := program(t, targetObj, "xdp_decide")
	obj := openObject(t, "freplace", nil)
	ext := program(t, obj, "new_decide")
	require.NoError(t, ext.SetAttachTarget(target, "decide"))
	withTarget := openFDs(t)
	require.NoError(t, ext.SetAttachTarget(target, "decide"))
	assert.Equal(t, withTarget, openFDs(t), "a second call replaces the first descriptor")
	require.NoError(t, targetObj.Close())

	if err := libbpf.ProbeFreplace(); err != nil {
		// Without extension programs, Close releases the descriptor.
		require.NoError(t, obj.Close())
		assert.Equal(t, before, openFDs(t))
		t.Skipf("Load of the extension not tried: %v", err)
	}
	require.NoError(t, obj.Load(), "the target outlived its object through SetAttachTarget")
	link, err := ext.AttachFreplace(nil, "")
	require.NoError(t, err)
	require.NoError(t, link.Close())
	require.NoError(t, obj.Close())
	assert.Equal(t, before, openFDs(t), "Load released the target's descriptor")
}
