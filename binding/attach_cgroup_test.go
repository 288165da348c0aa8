package libbpf_test

import (
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// cgroup2Root is where this machine mounts the cgroup v2 hierarchy; found
// in /proc/self/mounts.
func cgroup2Root(t testing.TB) string {
	t.Helper()
	for _, dir := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if ok, err := isMounted(dir, "cgroup2"); err == nil && ok {
			return dir
		}
	}
	t.Skip("no cgroup2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup")
	return ""
}

func TestAttachCgroup(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	dir, err := os.MkdirTemp(cgroup2Root(t), "libbpf-go-test-")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, os.Remove(dir)) })
	cgroup, err := os.Open(dir)
	require.NoError(t, err)
	defer cgroup.Close()

	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "count_sock_create").AttachCgroup(int(cgroup.Fd()))
	require.NoError(t, err)
	defer link.Close()

	// Sockets created outside the cgroup are not counted.
	runTarget(t, bin, 0, -1)
	assert.Zero(t, counter(t, counts, slotSockCreate))
	// The target, started inside it, creates exactly one socket.
	runTarget(t, bin, 0, int(cgroup.Fd()))
	assert.Equal(t, uint64(1), counter(t, counts, slotSockCreate))

	require.NoError(t, link.Close())
	runTarget(t, bin, 0, int(cgroup.Fd()))
	assert.Equal(t, uint64(1), counter(t, counts, slotSockCreate), "counted after Close")
}

func TestAttachNetns(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	netns, err := os.Open(ns.path())
	require.NoError(t, err)
	defer netns.Close()

	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "count_sk_lookup").AttachNetns(int(netns.Fd()))
	require.NoError(t, err)
	defer link.Close()

	loopback := net.IPv4(127, 0, 0, 1)
	assert.True(t, eventually(func() { ns.sendUDP(t, loopback) },
		func() bool { return counter(t, counts, slotSkLookup) > 0 }), "sk_lookup program never ran")
}

func TestAttachCgroupNetnsErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	sockCreate := program(t, obj, "count_sock_create")
	skLookup := program(t, obj, "count_sk_lookup")

	_, err := sockCreate.AttachCgroup(-1)
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = skLookup.AttachNetns(-1)
	assert.ErrorIs(t, err, syscall.EBADF)

	// A regular file is neither a cgroup nor a network namespace.
	f, err := os.Open("/proc/self/status")
	require.NoError(t, err)
	defer f.Close()
	_, err = sockCreate.AttachCgroup(int(f.Fd()))
	assert.Error(t, err)
	_, err = skLookup.AttachNetns(int(f.Fd()))
	assert.Error(t, err)

	require.NoError(t, obj.Close())
	_, err = sockCreate.AttachCgroup(int(f.Fd()))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = skLookup.AttachNetns(int(f.Fd()))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
