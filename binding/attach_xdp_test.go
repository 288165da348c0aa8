package libbpf_test

import (
	"net"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestAttachXDP(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_xdp")

	link, err := prog.AttachXDP(ns.ifindex)
	require.NoError(t, err)
	defer link.Close()
	info, err := libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), info.ProgramID)
	assert.Equal(t, progID(t, prog), info.DriverProgramID)

	// A link refuses to be replaced by netlink without the replace flag.
	assert.Error(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsDrvMode))

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotXDP) > 0 }), "XDP program never ran")

	require.NoError(t, link.Close())
	info, err = libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Zero(t, info.ProgramID)
}

func TestXDPAttachDetach(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_xdp")

	require.NoError(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsSKBMode))
	t.Cleanup(func() { assert.NoError(t, libbpf.XDPDetach(ns.ifindex, libbpf.XDPFlagsSKBMode)) })
	info, err := libbpf.XDPQuery(ns.ifindex, libbpf.XDPFlagsSKBMode)
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), info.SKBProgramID)
	assert.Equal(t, progID(t, prog), info.ProgramID)
	assert.ErrorIs(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsSKBMode|libbpf.XDPFlagsUpdateIfNoExist),
		syscall.EBUSY)

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotXDP) > 0 }), "XDP program never ran")

	// The attachment outlives the object.
	require.NoError(t, obj.Close())
	info, err = libbpf.XDPQuery(ns.ifindex, libbpf.XDPFlagsSKBMode)
	require.NoError(t, err)
	assert.NotZero(t, info.SKBProgramID)

	require.NoError(t, libbpf.XDPDetach(ns.ifindex, libbpf.XDPFlagsSKBMode))
	info, err = libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Zero(t, info.ProgramID)
	assert.Zero(t, info.SKBProgramID)
}

func TestXDPErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_xdp")

	for _, ifindex := range []int{0, -1} {
		_, err := prog.AttachXDP(ifindex)
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.ErrorIs(t, libbpf.XDPAttach(ifindex, prog, 0), syscall.EINVAL)
		assert.ErrorIs(t, libbpf.XDPDetach(ifindex, 0), syscall.EINVAL)
		_, err = libbpf.XDPQuery(ifindex, 0)
		assert.ErrorIs(t, err, syscall.EINVAL)
	}
	// No device has this index.
	const missing = 1 << 30
	_, err := prog.AttachXDP(missing)
	assert.Error(t, err)
	// Some kernels (6.1) answer a query for a missing device with an
	// empty reply rather than an error: then nothing may be reported.
	info, err := libbpf.XDPQuery(missing, 0)
	if err == nil {
		assert.Equal(t, libbpf.XDPInfo{}, info)
	}

	lo, err := net.InterfaceByName("lo")
	require.NoError(t, err)
	var nilProg *libbpf.Program
	assert.ErrorIs(t, libbpf.XDPAttach(lo.Index, nilProg, 0), libbpf.ErrClosed)
	_, err = nilProg.AttachXDP(lo.Index)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	assert.ErrorIs(t, libbpf.XDPAttach(lo.Index, prog, 0), libbpf.ErrClosed)
	_, err = prog.AttachXDP(lo.Index)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
