package libbpf_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A program pinned by one object is found again without it, by pin and by
// ID, and still runs: attached with XDPAttach and through TestRun.
func TestOpenProgramPinned(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	objProg := program(t, obj, "count_xdp")
	path := filepath.Join(bpffsDir(t), "xdp")
	require.NoError(t, objProg.Pin(path))

	prog, err := libbpf.OpenProgramPinned(path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, prog.Close()) }()

	assert.Equal(t, "count_xdp", prog.Name())
	assert.Equal(t, libbpf.ProgramTypeXDP, prog.Type())
	assert.GreaterOrEqual(t, prog.FD(), 0)
	assert.NotEqual(t, objProg.FD(), prog.FD())
	require.Equal(t, progID(t, objProg), objProg.ID())
	assert.Equal(t, objProg.ID(), prog.ID())
	info, err := prog.Info()
	require.NoError(t, err)
	objInfo, err := objProg.Info()
	require.NoError(t, err)
	assert.Equal(t, objInfo, info)
	assert.Equal(t, libbpf.ProgramTypeXDP, info.Type)
	assert.NotZero(t, info.Tag)
	assert.NotZero(t, info.LoadTime)

	byID, err := libbpf.OpenProgramID(info.ID)
	require.NoError(t, err)
	assert.Equal(t, "count_xdp", byID.Name())
	assert.Equal(t, info.ID, byID.ID())
	require.NoError(t, byID.Close())

	// It runs: through BPF_PROG_TEST_RUN with a packet...
	res, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	require.NoError(t, err)
	assert.EqualValues(t, 2, res.ReturnValue, "XDP_PASS")
	// ... and attached to a device.
	require.NoError(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsSKBMode))
	t.Cleanup(func() { assert.NoError(t, libbpf.XDPDetach(ns.ifindex, libbpf.XDPFlagsSKBMode)) })
	xdp, err := libbpf.XDPQuery(ns.ifindex, libbpf.XDPFlagsSKBMode)
	require.NoError(t, err)
	assert.Equal(t, info.ID, xdp.SKBProgramID)
	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotXDP) > 0 }), "XDP program never ran")

	// What needs libbpf's struct bpf_program says so.
	_, err = prog.AttachXDP(ns.ifindex)
	assert.ErrorIs(t, err, syscall.EOPNOTSUPP)
	assert.ErrorContains(t, err, "Program.AttachXDP program count_xdp: program opened without an object: ")
	assert.Empty(t, prog.SectionName())

	// Closing it leaves the pin, and the object's program, alone.
	require.NoError(t, prog.Close())
	require.NoError(t, prog.Close(), "Close twice")
	assert.Equal(t, -1, prog.FD())
	assert.Empty(t, prog.Name())
	_, err = prog.TestRun(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, libbpf.XDPAttach(ns.ifindex, prog, 0), libbpf.ErrClosed)
	assert.FileExists(t, path)
	assert.Equal(t, info.ID, objProg.ID())
	require.NoError(t, objProg.Unpin(path))
	assert.NoError(t, objProg.Close(), "Close on a program of an object does nothing")
	assert.Equal(t, info.ID, objProg.ID())
}

func TestOpenProgramErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)

	_, err := libbpf.OpenProgramPinned(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = libbpf.OpenProgramPinned(filepath.Join(t.TempDir(), "prog"))
	assert.ErrorIs(t, err, libbpf.ErrNotBPFFS)
	_, err = libbpf.OpenProgramPinned("")
	assert.ErrorIs(t, err, syscall.EINVAL)

	// A pinned map is not a program.
	m := objMap(t, loadMaps(t, 8), "hash_map")
	mapPath := filepath.Join(dir, "map")
	require.NoError(t, m.Pin(mapPath))
	_, err = libbpf.OpenProgramPinned(mapPath)
	assert.ErrorIs(t, err, syscall.EINVAL)

	_, err = libbpf.OpenProgramID(^uint32(0))
	assert.ErrorIs(t, err, os.ErrNotExist)

	// A program of an object before Load has no ID and no info.
	obj := openObject(t, "attach", nil)
	prog := program(t, obj, "count_xdp")
	assert.Zero(t, prog.ID())
	_, err = prog.Info()
	assert.ErrorIs(t, err, syscall.EBADF)

	var nilProg *libbpf.Program
	assert.NoError(t, nilProg.Close())
	_, err = nilProg.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// A Program adopted from its pin can remove that pin and pin itself
// elsewhere, as a program of an object can.
func TestOpenProgramPinnedPinAndUnpin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	objProg := program(t, loadObject(t, "xdp"), "xdp_mark")
	path := filepath.Join(dir, "prog")
	require.NoError(t, objProg.Pin(path))

	prog, err := libbpf.OpenProgramPinned(path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, prog.Close()) }()

	other := filepath.Join(dir, "other")
	require.NoError(t, prog.Pin(other))
	again, err := libbpf.OpenProgramPinned(other)
	require.NoError(t, err)
	assert.Equal(t, prog.ID(), again.ID(), "the new pin is the same program")
	require.NoError(t, again.Close())
	assert.ErrorIs(t, prog.Pin(other), os.ErrExist, "the path is taken")

	require.NoError(t, prog.Unpin(path))
	require.NoError(t, prog.Unpin(other))
	assertPinned(t, path, false)
	assertPinned(t, other, false)
	assert.NotZero(t, prog.ID(), "the unpinned program lives on in the Program")

	outside := filepath.Join(t.TempDir(), "prog")
	require.NoError(t, os.WriteFile(outside, nil, 0o600))
	assert.ErrorIs(t, prog.Unpin(outside), libbpf.ErrNotBPFFS)
	assert.FileExists(t, outside)

	require.NoError(t, prog.Close())
	assert.ErrorIs(t, prog.Pin(path), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.Unpin(path), libbpf.ErrClosed)
}
