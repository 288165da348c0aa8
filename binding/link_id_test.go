package libbpf_test

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A link found by its ID is the kernel's link: its info, pin, program
// update and detach act on the attachment another Link made.
func TestOpenLinkID(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_xdp")
	link, err := prog.AttachXDP(ns.ifindex)
	require.NoError(t, err)
	defer link.Close()
	info, err := link.Info()
	require.NoError(t, err)

	byID, err := libbpf.OpenLinkID(info.ID)
	require.NoError(t, err)
	defer func() { assert.NoError(t, byID.Close()) }()
	got, err := byID.Info()
	require.NoError(t, err)
	assert.Equal(t, info, got)
	assert.GreaterOrEqual(t, byID.FD(), 0)
	assert.NotEqual(t, link.FD(), byID.FD())

	// Pin and Unpin, as for a libbpf link.
	path := filepath.Join(bpffsDir(t), "xdp")
	require.NoError(t, byID.Pin(path))
	assert.Equal(t, path, byID.PinPath())
	assert.ErrorIs(t, byID.Pin(path+"2"), syscall.EBUSY, "already pinned")
	pinned, err := libbpf.OpenLink(path)
	require.NoError(t, err)
	pinnedInfo, err := pinned.Info()
	require.NoError(t, err)
	assert.Equal(t, info.ID, pinnedInfo.ID)
	require.NoError(t, pinned.Close())
	require.NoError(t, byID.Unpin())
	assert.Empty(t, byID.PinPath())
	assert.NoFileExists(t, path)
	assert.ErrorIs(t, byID.Unpin(), syscall.EINVAL, "not pinned")

	// Replacing the program goes through the kernel's link, here with a
	// program opened without its object.
	progPath := filepath.Join(bpffsDir(t), "prog")
	require.NoError(t, prog.Pin(progPath))
	standalone, err := libbpf.OpenProgramPinned(progPath)
	require.NoError(t, err)
	defer standalone.Close()
	require.NoError(t, byID.UpdateProgram(standalone))
	require.NoError(t, prog.Unpin(progPath))

	// Closing it leaves the attachment; detaching through it ends it.
	second, err := libbpf.OpenLinkID(info.ID)
	require.NoError(t, err)
	require.NoError(t, second.Close())
	xdp, err := libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Equal(t, info.ProgramID, xdp.ProgramID, "closing a link opened by ID does not detach")
	require.NoError(t, byID.Detach())
	xdp, err = libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Zero(t, xdp.ProgramID, "detached through the link opened by ID")

	require.NoError(t, byID.Close())
	require.NoError(t, byID.Close(), "Close twice")
	assert.Equal(t, -1, byID.FD())
	assert.ErrorIs(t, byID.Detach(), libbpf.ErrClosed)
	assert.ErrorIs(t, byID.Pin(path), libbpf.ErrClosed)
	_, err = byID.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestOpenLinkIDErrors(t *testing.T) {
	requireKernel(t)
	_, err := libbpf.OpenLinkID(^uint32(0))
	assert.ErrorIs(t, err, os.ErrNotExist)

	// A raw tracepoint link cannot change its program; the kernel says so.
	obj := loadObject(t, "counter")
	link, err := program(t, obj, "count_raw").AttachRawTracepoint("sys_enter")
	require.NoError(t, err)
	defer link.Close()
	info, err := link.Info()
	require.NoError(t, err)
	byID, err := libbpf.OpenLinkID(info.ID)
	require.NoError(t, err)
	defer byID.Close()
	assert.Error(t, byID.UpdateProgram(program(t, obj, "count_raw_alt")))
	assert.ErrorIs(t, byID.UpdateProgram(nil), libbpf.ErrClosed)
	assert.ErrorIs(t, byID.UpdateMap(nil), libbpf.ErrClosed)

	// Disconnected, Close leaves the descriptor open: the attachment lives
	// as long as the process.
	byID.Disconnect()
	fd := byID.FD()
	require.NoError(t, byID.Close())
	assert.Equal(t, -1, byID.FD())
	_, err = os.Stat(filepath.Join("/proc/self/fd", strconv.Itoa(fd)))
	assert.NoError(t, err, "descriptor still open after Disconnect and Close")
	assert.NoError(t, syscall.Close(fd))
}
