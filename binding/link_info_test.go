package libbpf_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestLinkInfo(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)

	for _, tc := range []struct {
		kind     attachKind
		linkType libbpf.LinkType
		tpName   string
	}{
		{attachKinds[0], libbpf.LinkTypePerfEvent, "sys_enter_getpid"},
		{attachKinds[1], libbpf.LinkTypeRawTracepoint, "sys_enter"},
	} {
		t.Run(tc.kind.name, func(t *testing.T) {
			link := attachCounter(t, obj, tc.kind)
			info, err := link.Info()
			require.NoError(t, err)
			assert.Equal(t, tc.linkType, info.Type)
			assert.NotZero(t, info.ID)
			assert.NotZero(t, info.ProgramID)
			if tc.linkType == libbpf.LinkTypePerfEvent && !kernelAtLeast(t, 6, 6) {
				// Perf event links report their tracepoint since 6.6.
				assert.Empty(t, info.TracepointName)
			} else {
				assert.Equal(t, tc.tpName, info.TracepointName)
			}

			// The link of a pin reports the same.
			path := filepath.Join(bpffsDir(t), "link")
			require.NoError(t, link.Pin(path))
			opened, err := libbpf.OpenLink(path)
			require.NoError(t, err)
			openedInfo, err := opened.Info()
			require.NoError(t, err)
			assert.Equal(t, info, openedInfo)
			require.NoError(t, opened.Close())
			_, err = opened.Info()
			assert.ErrorIs(t, err, libbpf.ErrClosed)
			require.NoError(t, link.Unpin())
		})
	}
	assert.Equal(t, "raw_tracepoint", libbpf.LinkTypeRawTracepoint.String())
	assert.Equal(t, "perf_event", libbpf.LinkTypePerfEvent.String())
	assert.Equal(t, "LinkType(4000)", libbpf.LinkType(4000).String())

	var nilLink *libbpf.Link
	_, err := nilLink.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestListPins(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)

	counts := objMap(t, obj, "counts")
	require.NoError(t, counts.Pin(filepath.Join(dir, "a-map")))
	link := attachCounter(t, obj, attachKinds[0]) // count_tp
	require.NoError(t, link.Pin(filepath.Join(dir, "b-link")))
	prog := program(t, obj, "count_tp")
	require.NoError(t, prog.Pin(filepath.Join(dir, "c-prog")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "d-folder"), 0o700))

	linkInfo, err := link.Info()
	require.NoError(t, err)
	pins, err := libbpf.ListPins(dir)
	require.NoError(t, err)
	require.Len(t, pins, 3)
	assert.Equal(t, libbpf.Pin{Path: filepath.Join(dir, "a-map"), Kind: libbpf.PinMap, ID: counts.ID()}, pins[0])
	assert.Equal(t, libbpf.Pin{Path: filepath.Join(dir, "b-link"), Kind: libbpf.PinLink, ID: linkInfo.ID}, pins[1])
	assert.Equal(t, filepath.Join(dir, "c-prog"), pins[2].Path)
	assert.Equal(t, libbpf.PinProgram, pins[2].Kind)
	assert.Equal(t, linkInfo.ProgramID, pins[2].ID, "the link attaches count_tp")
	assert.Equal(t, "map", libbpf.PinMap.String())
	assert.Equal(t, "program", libbpf.PinProgram.String())
	assert.Equal(t, "link", libbpf.PinLink.String())

	// A pin found by ListPins opens by its ID.
	m, err := libbpf.OpenMapID(pins[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "counts", m.Name())
	require.NoError(t, m.Close())

	empty, err := libbpf.ListPins(filepath.Join(dir, "d-folder"))
	require.NoError(t, err)
	assert.Empty(t, empty)

	_, err = libbpf.ListPins("")
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.ListPins(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = libbpf.ListPins(t.TempDir())
	assert.ErrorIs(t, err, libbpf.ErrNotBPFFS)
	_, err = libbpf.ListPins(filepath.Join(dir, "a-map"))
	assert.Error(t, err, "a pin is not a folder")
}

// Info names what a link is attached to: the device of an XDP link, the
// cgroup and the network namespace (by inode number) of cgroup and netns
// links, with their attach types.
func TestLinkInfoAttachTarget(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	inode := func(f *os.File) uint64 {
		var st unix.Stat_t
		require.NoError(t, unix.Fstat(int(f.Fd()), &st))
		return st.Ino
	}

	xdp, err := program(t, obj, "count_xdp").AttachXDP(ns.ifindex)
	require.NoError(t, err)
	defer xdp.Close()
	info, err := xdp.Info()
	require.NoError(t, err)
	assert.Equal(t, libbpf.LinkTypeXDP, info.Type)
	assert.Equal(t, uint32(ns.ifindex), info.Ifindex)

	dir, err := os.MkdirTemp(cgroup2Root(t), "libbpf-go-test-")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, os.Remove(dir)) })
	cgroup, err := os.Open(dir)
	require.NoError(t, err)
	defer cgroup.Close()
	cg, err := program(t, obj, "count_sock_create").AttachCgroup(int(cgroup.Fd()))
	require.NoError(t, err)
	defer cg.Close()
	info, err = cg.Info()
	require.NoError(t, err)
	assert.Equal(t, libbpf.LinkTypeCgroup, info.Type)
	assert.Equal(t, inode(cgroup), info.CgroupID)
	assert.Equal(t, libbpf.AttachTypeCgroupInetSockCreate, info.AttachType)
	assert.Zero(t, info.Ifindex)

	netns, err := os.Open(ns.path())
	require.NoError(t, err)
	defer netns.Close()
	nl, err := program(t, obj, "count_sk_lookup").AttachNetns(int(netns.Fd()))
	require.NoError(t, err)
	defer nl.Close()
	info, err = nl.Info()
	require.NoError(t, err)
	assert.Equal(t, libbpf.LinkTypeNetns, info.Type)
	assert.Equal(t, uint32(inode(netns)), info.NetnsIno)
	assert.Equal(t, libbpf.AttachTypeSKLookup, info.AttachType)
}
