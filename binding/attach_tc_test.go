package libbpf_test

import (
	"errors"
	"net"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Slots of the counts map of tcx.bpf.c (tc.bpf.c has slot 0 only).
const (
	slotTCX uint32 = iota
	slotTCXSecond
	slotNetkit
)

func TestAttachTC(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "tc")
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_tc")

	hook := &libbpf.TCHook{Ifindex: ns.ifindex, AttachPoint: libbpf.TCIngress}
	_, err := prog.AttachTC(hook, nil)
	assert.ErrorIs(t, err, syscall.EINVAL, "no clsact qdisc yet")
	require.NoError(t, hook.Create())
	both := &libbpf.TCHook{Ifindex: ns.ifindex, AttachPoint: libbpf.TCIngress | libbpf.TCEgress}
	t.Cleanup(func() { assert.NoError(t, both.Destroy()) })
	assert.ErrorIs(t, hook.Create(), syscall.EEXIST)

	tc, err := prog.AttachTC(hook, &libbpf.TCOptions{Handle: 1, Priority: 1})
	require.NoError(t, err)
	assert.Equal(t, *hook, tc.Hook())
	assert.Equal(t, uint32(1), tc.Handle())
	assert.Equal(t, uint32(1), tc.Priority())
	assert.Equal(t, progID(t, prog), tc.ProgramID())
	id, err := tc.Query()
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), id)
	id, err = hook.Query(1, 1)
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), id)

	// The same handle and priority again needs TCReplace.
	_, err = prog.AttachTC(hook, &libbpf.TCOptions{Handle: 1, Priority: 1})
	assert.ErrorIs(t, err, syscall.EEXIST)
	again, err := prog.AttachTC(hook, &libbpf.TCOptions{Handle: 1, Priority: 1, Flags: libbpf.TCReplace})
	require.NoError(t, err)
	assert.Equal(t, tc.Handle(), again.Handle())

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, 0) > 0 }), "tc program never ran")

	require.NoError(t, tc.Detach())
	assert.NoError(t, tc.Detach(), "second Detach")
	_, err = tc.Query()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = hook.Query(1, 1)
	assertFilterGone(t, err)
	stopped := counter(t, counts, 0)
	ns.sendUDP(t, ns.hostIP)
	assert.Equal(t, stopped, counter(t, counts, 0), "counted after Detach")
	// The other handle to the same filter finds it gone.
	assertFilterGone(t, again.Detach())

	// The kernel chooses a handle and a priority; the filter outlives the
	// object, and destroying the ingress hook removes it.
	auto, err := prog.AttachTC(&libbpf.TCHook{Ifindex: ns.ifindex, AttachPoint: libbpf.TCEgress}, nil)
	require.NoError(t, err)
	assert.NotZero(t, auto.Handle())
	assert.NotZero(t, auto.Priority())
	require.NoError(t, obj.Close())
	id, err = auto.Query()
	require.NoError(t, err)
	assert.Equal(t, auto.ProgramID(), id)
	require.NoError(t, (&libbpf.TCHook{Ifindex: ns.ifindex, AttachPoint: libbpf.TCEgress}).Destroy())
	_, err = auto.Query()
	assertFilterGone(t, err)

	// Without the qdisc there is nothing to destroy.
	require.NoError(t, both.Destroy())
	assertFilterGone(t, both.Destroy())
	require.NoError(t, hook.Create())
}

// assertFilterGone checks the error of a query or detach of a tc filter,
// or destroy of a qdisc, that no longer exists: ENOENT, or EINVAL when the
// kernel finds no filter chain or qdisc to look in.
func assertFilterGone(t testing.TB, err error) {
	t.Helper()
	assert.True(t, errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EINVAL), "got %v", err)
}

func TestAttachTCErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "tc")
	prog := program(t, obj, "count_tc")
	lo, err := net.InterfaceByName("lo")
	require.NoError(t, err)

	var nilHook *libbpf.TCHook
	assert.ErrorIs(t, nilHook.Create(), syscall.EINVAL)
	assert.ErrorIs(t, nilHook.Destroy(), syscall.EINVAL)
	_, err = nilHook.Query(1, 1)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachTC(nil, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	for _, hook := range []*libbpf.TCHook{
		{Ifindex: 0, AttachPoint: libbpf.TCIngress},
		{Ifindex: -1, AttachPoint: libbpf.TCIngress},
		{Ifindex: lo.Index, AttachPoint: 0},
		{Ifindex: lo.Index, AttachPoint: 1 << 7},
	} {
		assert.ErrorIs(t, hook.Create(), syscall.EINVAL, "%+v", hook)
		assert.ErrorIs(t, hook.Destroy(), syscall.EINVAL, "%+v", hook)
		_, err = prog.AttachTC(hook, nil)
		assert.ErrorIs(t, err, syscall.EINVAL, "%+v", hook)
	}
	ingress := &libbpf.TCHook{Ifindex: lo.Index, AttachPoint: libbpf.TCIngress}
	_, err = prog.AttachTC(&libbpf.TCHook{Ifindex: lo.Index, AttachPoint: libbpf.TCIngress | libbpf.TCEgress}, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachTC(ingress, &libbpf.TCOptions{Priority: 1 << 16})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachTC(ingress, &libbpf.TCOptions{Flags: 1 << 5})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachTC(ingress, &libbpf.TCOptions{Flags: libbpf.TCReplace})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = ingress.Query(0, 1)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = ingress.Query(1, 0)
	assert.ErrorIs(t, err, syscall.EINVAL)
	// No device has this index.
	_, err = prog.AttachTC(&libbpf.TCHook{Ifindex: 1 << 30, AttachPoint: libbpf.TCIngress}, nil)
	assert.Error(t, err)

	var nilTC *libbpf.TCAttachment
	assert.NoError(t, nilTC.Detach())
	_, err = nilTC.Query()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Zero(t, nilTC.Handle())
	assert.Zero(t, nilTC.Priority())
	assert.Zero(t, nilTC.ProgramID())
	assert.Equal(t, libbpf.TCHook{}, nilTC.Hook())

	var nilProg *libbpf.Program
	_, err = nilProg.AttachTC(ingress, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachTC(ingress, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestAttachTCX(t *testing.T) {
	requireKernelVersion(t, 6, 6, "tcx links")
	ns := newTestNetns(t)
	obj := loadObject(t, "tcx")
	counts := objMap(t, obj, "counts")
	first := program(t, obj, "count_tcx")
	second := program(t, obj, "count_tcx_second")

	link, err := first.AttachTCX(ns.ifindex, nil)
	require.NoError(t, err)
	defer link.Close()
	// The second program goes before the first, named by its id.
	link2, err := second.AttachTCX(ns.ifindex, &libbpf.TCXOptions{
		Flags:      libbpf.MultiProgBefore | libbpf.MultiProgID,
		RelativeID: progID(t, first),
	})
	require.NoError(t, err)
	defer link2.Close()
	// A revision the hook does not have is refused.
	_, err = second.AttachTCX(ns.ifindex, &libbpf.TCXOptions{ExpectedRevision: 1000})
	assert.ErrorIs(t, err, syscall.ESTALE)

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotTCX) > 0 && counter(t, counts, slotTCXSecond) > 0 }),
		"tcx programs never ran")

	require.NoError(t, link.Close())
	require.NoError(t, link2.Close())
	stopped := counter(t, counts, slotTCX)
	ns.sendUDP(t, ns.hostIP)
	assert.Equal(t, stopped, counter(t, counts, slotTCX), "counted after Close")
}

// The host has no netkit device (CONFIG_NETKIT is off here, and iproute2
// 6.1 cannot create one), so this checks the error paths only: a veth is
// not a netkit device.
func TestAttachNetkitErrors(t *testing.T) {
	requireKernelVersion(t, 6, 7, "netkit links")
	ns := newTestNetns(t)
	obj := loadObject(t, "tcx")
	prog := program(t, obj, "count_netkit")

	_, err := prog.AttachNetkit(ns.ifindex, nil)
	assert.Error(t, err, "a veth is not a netkit device")
	for _, ifindex := range []int{0, -1} {
		_, err = prog.AttachNetkit(ifindex, nil)
		assert.ErrorIs(t, err, syscall.EINVAL)
		_, err = program(t, obj, "count_tcx").AttachTCX(ifindex, nil)
		assert.ErrorIs(t, err, syscall.EINVAL)
	}
	_, err = prog.AttachNetkit(ns.ifindex, &libbpf.NetkitOptions{RelativeFD: -1})
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = program(t, obj, "count_tcx").AttachTCX(ns.ifindex, &libbpf.TCXOptions{RelativeFD: -1})
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = program(t, obj, "count_tcx").AttachTCX(1<<30, nil)
	assert.Error(t, err)

	var nilProg *libbpf.Program
	_, err = nilProg.AttachTCX(ns.ifindex, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = nilProg.AttachNetkit(ns.ifindex, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachNetkit(ns.ifindex, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
