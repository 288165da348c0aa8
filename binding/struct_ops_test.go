package libbpf_test

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// probeStructOps reports whether the kernel loads struct_ops programs
// (kernel 5.6).
func probeStructOps() error {
	if err := libbpf.ProbeProgramType(libbpf.ProgramTypeStructOps); err != nil {
		return fmt.Errorf("struct_ops programs (kernel 5.6): %w", err)
	}
	return nil
}

// useCongestionControl switches a new TCP connection's client end to the
// congestion control name with setsockopt(TCP_CONGESTION) and returns the
// error; on success it checks that getsockopt reports name back.
func useCongestionControl(t testing.TB, name string) error {
	t.Helper()
	client, _ := tcpPair(t)
	if err := unix.SetsockoptString(client, unix.IPPROTO_TCP, unix.TCP_CONGESTION, name); err != nil {
		return err
	}
	got, err := unix.GetsockoptString(client, unix.IPPROTO_TCP, unix.TCP_CONGESTION)
	require.NoError(t, err)
	assert.Equal(t, name, got)
	return nil
}

// attachStructOps registers a struct_ops map and closes the link when the
// test ends.
func attachStructOps(t testing.TB, m *libbpf.Map) *libbpf.Link {
	t.Helper()
	link, err := m.AttachStructOps()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	return link
}

// A TCP congestion control in a SEC(".struct_ops") map is usable while its
// Link is open: a socket switched to it runs its init program.
func TestAttachStructOps(t *testing.T) {
	requireFeature(t, probeStructOps)
	obj := loadObject(t, "struct_ops")
	counts := objMap(t, obj, "counts")
	require.ErrorIs(t, useCongestionControl(t, "lbg_cc"), syscall.ENOENT, "lbg_cc registered before the test")

	link := attachStructOps(t, objMap(t, obj, "lbg_cc"))
	require.NoError(t, useCongestionControl(t, "lbg_cc"))
	assert.Equal(t, uint64(1), counter(t, counts, 0), "init ran for the socket")

	// The link holds the map's descriptor, not one of its own.
	assert.Equal(t, -1, link.FD())
	assert.ErrorIs(t, link.Pin(filepath.Join(bpffsDir(t), "cc")), syscall.EOPNOTSUPP)
	assert.ErrorIs(t, link.Detach(), syscall.EOPNOTSUPP)
	_, err := link.Info()
	assert.ErrorIs(t, err, syscall.EOPNOTSUPP)
	require.NoError(t, useCongestionControl(t, "lbg_cc"), "still registered")

	require.NoError(t, link.Close())
	assert.ErrorIs(t, useCongestionControl(t, "lbg_cc"), syscall.ENOENT, "unregistered with the link closed")
}

// A SEC(".struct_ops.link") map gets a BPF link, which UpdateMap points at
// another version of the congestion control.
func TestAttachStructOpsLink(t *testing.T) {
	requireFeature(t, probeStructOps)
	requireKernelVersion(t, 6, 4, "struct_ops links")
	obj := loadObject(t, "struct_ops_link")
	counts := objMap(t, obj, "counts")

	link := attachStructOps(t, objMap(t, obj, "lbg_cc_link"))
	info, err := link.Info()
	require.NoError(t, err)
	assert.Equal(t, libbpf.LinkTypeStructOps, info.Type)
	assert.Equal(t, objMap(t, obj, "lbg_cc_link").ID(), info.MapID)
	require.NoError(t, useCongestionControl(t, "lbg_cc_link"))
	assert.Equal(t, uint64(1), counter(t, counts, 0), "first version's init ran")

	require.NoError(t, link.UpdateMap(objMap(t, obj, "lbg_cc_link_v2")))
	require.NoError(t, useCongestionControl(t, "lbg_cc_link"))
	assert.Equal(t, uint64(1), counter(t, counts, 0), "first version's init did not run again")
	assert.Equal(t, uint64(1), counter(t, counts, 1), "second version's init ran")

	require.NoError(t, link.Close())
	assert.ErrorIs(t, useCongestionControl(t, "lbg_cc_link"), syscall.ENOENT, "unregistered with the link closed")
}

// The Link of a SEC(".struct_ops") map closed after the map's Object
// cannot unregister it, says so, and does not touch the closed descriptor.
func TestStructOpsLinkAfterObjectClose(t *testing.T) {
	requireFeature(t, probeStructOps)
	obj := loadObject(t, "struct_ops")
	lbgCC := objMap(t, obj, "lbg_cc")
	id := lbgCC.ID()
	link, err := lbgCC.AttachStructOps()
	require.NoError(t, err)
	require.NoError(t, obj.Close())

	assert.ErrorIs(t, link.Close(), libbpf.ErrClosed)
	require.NoError(t, useCongestionControl(t, "lbg_cc"), "still registered")
	// Unregister it the way the Link could not: through the map's id.
	m, err := libbpf.OpenMapID(id)
	require.NoError(t, err)
	defer m.Close()
	require.NoError(t, m.Delete(u32(0)))
	assert.ErrorIs(t, useCongestionControl(t, "lbg_cc"), syscall.ENOENT)
}

func TestStructOpsErrors(t *testing.T) {
	requireFeature(t, probeStructOps)
	obj := loadObject(t, "struct_ops")
	lbgCC := objMap(t, obj, "lbg_cc")

	_, err := (*libbpf.Map)(nil).AttachStructOps()
	assert.ErrorIs(t, err, libbpf.ErrClosed, "nil map")
	_, err = objMap(t, obj, "counts").AttachStructOps()
	assert.ErrorIs(t, err, syscall.EINVAL, "array map")
	assert.ErrorContains(t, err, "not a struct_ops map")
	_, err = objMap(t, openObject(t, "struct_ops", nil), "lbg_cc").AttachStructOps()
	assert.ErrorIs(t, err, syscall.EBADF, "object not loaded")

	link := attachStructOps(t, lbgCC)
	assert.ErrorIs(t, link.UpdateMap(lbgCC), syscall.EINVAL, "link without a kernel link")
	assert.ErrorIs(t, link.UpdateMap(objMap(t, obj, "counts")), syscall.EINVAL, "array map")
	rawTP, err := program(t, loadObject(t, "counter"), "count_raw").AttachRawTracepoint("sys_enter")
	require.NoError(t, err)
	defer rawTP.Close()
	assert.ErrorIs(t, rawTP.UpdateMap(lbgCC), syscall.EINVAL, "not a struct_ops link")
	assert.ErrorIs(t, link.UpdateMap(nil), libbpf.ErrClosed, "nil map")
	assert.ErrorIs(t, (*libbpf.Link)(nil).UpdateMap(lbgCC), libbpf.ErrClosed, "nil link")
	require.NoError(t, link.Close())
	assert.ErrorIs(t, link.UpdateMap(lbgCC), libbpf.ErrClosed, "closed link")

	require.NoError(t, obj.Close())
	_, err = lbgCC.AttachStructOps()
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed object")
}
