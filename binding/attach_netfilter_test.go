package libbpf_test

import (
	"fmt"
	"math"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// probeNetfilter reports whether the kernel loads netfilter programs,
// which came with their links in kernel 6.4.
func probeNetfilter() error {
	if err := libbpf.ProbeProgramType(libbpf.ProgramTypeNetfilter); err != nil {
		return fmt.Errorf("netfilter programs and links (kernel 6.4): %w", err)
	}
	return nil
}

// localIn is the IPv4 NF_INET_LOCAL_IN hook at a priority after the
// kernel's own filter tables.
var localIn = libbpf.NetfilterOptions{Family: unix.NFPROTO_IPV4, Hook: unix.NF_INET_LOCAL_IN, Priority: 100}

// A netfilter program on IPv4 LOCAL_IN sees the datagrams that reach this
// namespace through the test's veth device, and stops when its link is
// closed.
func TestAttachNetfilter(t *testing.T) {
	requireFeature(t, probeNetfilter)
	ns := newTestNetns(t)
	obj := openObject(t, "netfilter", nil)
	require.NoError(t, obj.SetGlobal("target_ifindex", u32(uint32(ns.ifindex))))
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")

	link, err := program(t, obj, "count_nf").AttachNetfilter(localIn)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, 0) > 0 }), "netfilter program never ran")

	require.NoError(t, link.Close())
	seen := counter(t, counts, 0)
	ns.sendUDP(t, ns.hostIP)
	assert.Equal(t, seen, counter(t, counts, 0), "netfilter program ran after its link closed")
}

func TestAttachNetfilterErrors(t *testing.T) {
	requireFeature(t, probeNetfilter)
	obj := loadObject(t, "netfilter")
	prog := program(t, obj, "count_nf")

	_, err := prog.AttachNetfilter(libbpf.NetfilterOptions{Family: unix.NFPROTO_IPV4, Hook: unix.NF_INET_LOCAL_IN,
		Priority: math.MinInt32})
	assert.ErrorIs(t, err, syscall.ERANGE, "reserved priority")
	_, err = prog.AttachNetfilter(libbpf.NetfilterOptions{Family: 99, Hook: unix.NF_INET_LOCAL_IN})
	assert.ErrorIs(t, err, syscall.EAFNOSUPPORT, "unknown family")
	_, err = prog.AttachNetfilter(libbpf.NetfilterOptions{Family: unix.NFPROTO_IPV4, Hook: 99})
	assert.ErrorIs(t, err, syscall.EPROTO, "unknown hook")

	xdpProg := program(t, loadObject(t, "freplace_target"), "xdp_decide")
	_, err = xdpProg.AttachNetfilter(localIn)
	assert.ErrorIs(t, err, syscall.EINVAL, "XDP program")
	assert.EqualError(t, err, "Program.AttachNetfilter program xdp_decide: program type xdp is not netfilter: invalid argument")
	_, err = (*libbpf.Program)(nil).AttachNetfilter(localIn)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "nil program")

	unloaded := openObject(t, "netfilter", nil)
	_, err = program(t, unloaded, "count_nf").AttachNetfilter(localIn)
	assert.ErrorIs(t, err, syscall.EINVAL, "program not loaded")

	require.NoError(t, obj.Close())
	_, err = prog.AttachNetfilter(localIn)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed object")
}
