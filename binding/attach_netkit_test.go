package libbpf_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The netkit devices of these tests are made with rtnetlink directly:
// iproute2 learnt the netkit kind only in 6.7, and the host's (and the
// test kernels' guest's) is older. Only the generic steps (namespaces,
// addresses, link up) use the ip command.

// nlAttr encodes one netlink attribute, a struct nlattr header followed by
// the payload, padded to a multiple of 4 bytes.
func nlAttr(typ uint16, payload ...[]byte) []byte {
	size := unix.SizeofRtAttr
	for _, p := range payload {
		size += len(p)
	}
	b := make([]byte, unix.SizeofRtAttr, nlAlign(size))
	binary.NativeEndian.PutUint16(b[0:], uint16(size))
	binary.NativeEndian.PutUint16(b[2:], typ)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b[:cap(b)]
}

// nlNested encodes a nested attribute holding the encoded attributes.
func nlNested(typ uint16, attrs ...[]byte) []byte {
	return nlAttr(typ|unix.NLA_F_NESTED, attrs...)
}

// nlString is the payload of a string attribute: the string and its NUL.
func nlString(s string) []byte { return append([]byte(s), 0) }

// nlAlign rounds a netlink length up to a multiple of 4.
func nlAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }

// ifinfomsg encodes a struct ifinfomsg of zeroes: the requests here name
// their device by IFLA_IFNAME and change no flags.
func ifinfomsg() []byte { return make([]byte, unix.SizeofIfInfomsg) }

// rtnetlink sends one request to NETLINK_ROUTE in the calling thread's
// network namespace and returns the kernel's answer: nil, or the errno,
// wrapped with the extended ack message when the kernel gave one.
func rtnetlink(typ, flags uint16, body []byte) error {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	// The ack then carries the kernel's message, and not the request.
	for _, opt := range []int{unix.NETLINK_EXT_ACK, unix.NETLINK_CAP_ACK} {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, opt, 1); err != nil {
			return fmt.Errorf("netlink option %d: %w", opt, err)
		}
	}
	const seq = 1
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	binary.NativeEndian.PutUint32(msg[0:], uint32(unix.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint16(msg[6:], flags|unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	binary.NativeEndian.PutUint32(msg[8:], seq)
	msg = append(msg, body...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink send: %w", err)
	}
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return fmt.Errorf("netlink receive: %w", err)
		}
		for msgs := buf[:n]; len(msgs) >= unix.SizeofNlMsghdr; {
			size := int(binary.NativeEndian.Uint32(msgs))
			if size < unix.SizeofNlMsghdr || size > len(msgs) {
				return fmt.Errorf("netlink answer of %d bytes in %d: %w", size, len(msgs), unix.EBADMSG)
			}
			typ := binary.NativeEndian.Uint16(msgs[4:])
			flags := binary.NativeEndian.Uint16(msgs[6:])
			if typ == unix.NLMSG_ERROR && binary.NativeEndian.Uint32(msgs[8:]) == seq {
				return nlAck(flags, msgs[unix.SizeofNlMsghdr:size])
			}
			msgs = msgs[min(nlAlign(size), len(msgs)):]
		}
	}
}

// nlAck returns the error the payload of an NLMSG_ERROR message with
// header flags carries (struct nlmsgerr, then with NLM_F_ACK_TLVS the
// extended ack attributes), or nil for an acknowledgement.
func nlAck(flags uint16, data []byte) error {
	if len(data) < unix.SizeofNlMsgerr {
		return fmt.Errorf("netlink ack of %d bytes: %w", len(data), unix.EBADMSG)
	}
	errno := -int32(binary.NativeEndian.Uint32(data))
	if errno == 0 {
		return nil
	}
	err := error(syscall.Errno(errno))
	if flags&unix.NLM_F_ACK_TLVS == 0 {
		return err
	}
	for tlvs := data[unix.SizeofNlMsgerr:]; len(tlvs) >= unix.SizeofRtAttr; {
		size := int(binary.NativeEndian.Uint16(tlvs))
		if size < unix.SizeofRtAttr || size > len(tlvs) {
			break
		}
		if binary.NativeEndian.Uint16(tlvs[2:]) == unix.NLMSGERR_ATTR_MSG {
			msg, _, _ := strings.Cut(string(tlvs[unix.SizeofRtAttr:size]), "\x00")
			return fmt.Errorf("%s: %w", msg, err)
		}
		tlvs = tlvs[min(nlAlign(size), len(tlvs)):]
	}
	return err
}

// createNetkit creates a netkit pair in L3 mode whose primary device is
// named primary, in the calling thread's namespace, and whose peer is
// named peer, in the namespace of the descriptor peerNetns (or beside the
// primary when peerNetns is -1). Both forward packets when no program
// decides (policy NETKIT_PASS).
func createNetkit(primary, peer string, peerNetns int) error {
	peerInfo := append(ifinfomsg(), nlAttr(unix.IFLA_IFNAME, nlString(peer))...)
	if peerNetns >= 0 {
		peerInfo = append(peerInfo, nlAttr(unix.IFLA_NET_NS_FD, u32(uint32(peerNetns)))...)
	}
	body := append(ifinfomsg(), nlAttr(unix.IFLA_IFNAME, nlString(primary))...)
	body = append(body, nlNested(unix.IFLA_LINKINFO,
		nlAttr(unix.IFLA_INFO_KIND, nlString("netkit")),
		nlNested(unix.IFLA_INFO_DATA,
			nlAttr(unix.IFLA_NETKIT_PEER_INFO, peerInfo),
			nlAttr(unix.IFLA_NETKIT_MODE, u32(unix.NETKIT_L3)),
			nlAttr(unix.IFLA_NETKIT_POLICY, u32(unix.NETKIT_PASS)),
			nlAttr(unix.IFLA_NETKIT_PEER_POLICY, u32(unix.NETKIT_PASS)),
		),
	)...)
	if err := rtnetlink(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, body); err != nil {
		return fmt.Errorf("create netkit pair %s/%s: %w", primary, peer, err)
	}
	return nil
}

// deleteLink deletes the network device name of the calling thread's
// namespace; deleting either device of a netkit pair deletes both.
func deleteLink(name string) error {
	body := append(ifinfomsg(), nlAttr(unix.IFLA_IFNAME, nlString(name))...)
	if err := rtnetlink(unix.RTM_DELLINK, 0, body); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

// requireNetkit skips the test when the kernel cannot create netkit
// devices (before 6.7, or built without CONFIG_NETKIT): it creates and
// deletes a throwaway pair.
func requireNetkit(t testing.TB) {
	t.Helper()
	requireKernel(t)
	id := os.Getpid() % 100000
	primary, peer := fmt.Sprintf("lbgkprobe%d", id), fmt.Sprintf("lbgqprobe%d", id)
	err := createNetkit(primary, peer, -1)
	if errors.Is(err, unix.EOPNOTSUPP) {
		skipUnsupported(t, fmt.Sprintf("the kernel cannot create netkit devices (they need kernel 6.7 built with CONFIG_NETKIT): %v", err))
	}
	require.NoError(t, err, "netkit feature probe")
	require.NoError(t, deleteLink(primary), "netkit feature probe")
}

// netkitPair is a netkit pair whose peer is in a network namespace of its
// own. The embedded testNetns has the namespace's name, and the index and
// address of the primary device, which stays in the test's namespace.
type netkitPair struct {
	testNetns
	primary string // name of the primary device
	peerIP  net.IP // address of the peer device
}

// newNetkitPair creates a network namespace and a netkit pair with its
// peer in it, gives both devices an address of a /30 and brings them up;
// the test's end removes both.
func newNetkitPair(t testing.TB) *netkitPair {
	t.Helper()
	requireTool(t, "ip")
	n := netnsCount.Add(1)
	id := fmt.Sprintf("%d-%d", os.Getpid()%100000, n%100)
	nk := &netkitPair{testNetns: testNetns{name: "libbpf-go-test-" + id}, primary: "lbgk" + id}
	peer := "lbgq" + id
	// A /30 of 10.0.0.0/8 per process and namespace, as newTestNetns.
	a, b := byte(os.Getpid()>>6), byte(os.Getpid()<<2)|byte(n%4)
	nk.hostIP, nk.peerIP = net.IPv4(10, a, b, 1), net.IPv4(10, a, b, 2)
	ip := func(args ...string) {
		t.Helper()
		out, err := exec.Command("ip", args...).CombinedOutput()
		require.NoError(t, err, "ip %s: %s", strings.Join(args, " "), out)
	}
	ip("netns", "add", nk.name)
	t.Cleanup(func() {
		if err := deleteLink(nk.primary); !errors.Is(err, unix.ENODEV) {
			assert.NoError(t, err)
		}
		out, err := exec.Command("ip", "netns", "del", nk.name).CombinedOutput()
		assert.NoError(t, err, "ip netns del: %s", out)
	})
	netns, err := os.Open(nk.path())
	require.NoError(t, err)
	defer netns.Close()
	require.NoError(t, createNetkit(nk.primary, peer, int(netns.Fd())))
	// Without IPv6 addresses the devices send nothing of their own.
	ip("link", "set", nk.primary, "addrgenmode", "none")
	ip("addr", "add", fmt.Sprintf("%s/30", nk.hostIP), "dev", nk.primary)
	ip("link", "set", nk.primary, "up")
	ip("-n", nk.name, "link", "set", peer, "addrgenmode", "none")
	ip("-n", nk.name, "addr", "add", fmt.Sprintf("%s/30", nk.peerIP), "dev", peer)
	ip("-n", nk.name, "link", "set", peer, "up")
	iface, err := net.InterfaceByName(nk.primary)
	require.NoError(t, err)
	nk.ifindex = iface.Index
	return nk
}

// listenUDP binds UDP sockets to port 9 of both devices' addresses until
// the test ends, so that the datagrams of sendUDP and sendUDPFromHost are
// received quietly instead of answered with ICMP port unreachable, which
// the other device would send.
func (nk *netkitPair) listenUDP(t testing.TB) {
	t.Helper()
	host, err := net.ListenPacket("udp4", net.JoinHostPort(nk.hostIP.String(), "9"))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, host.Close()) })
	peer := -1
	require.NoError(t, inNetns(nk.path(), func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		addr := &unix.SockaddrInet4{Port: 9}
		copy(addr.Addr[:], nk.peerIP.To4())
		if err := unix.Bind(fd, addr); err != nil {
			unix.Close(fd)
			return err
		}
		peer = fd
		return nil
	}))
	t.Cleanup(func() { assert.NoError(t, unix.Close(peer)) })
}

// sendUDPFromHost sends 5 UDP datagrams to port 9 of dst from the test's
// own namespace.
func sendUDPFromHost(t testing.TB, dst net.IP) {
	t.Helper()
	conn, err := net.ListenPacket("udp4", ":0")
	require.NoError(t, err)
	defer conn.Close()
	for range 5 {
		_, err := conn.WriteTo([]byte("libbpf-go"), &net.UDPAddr{IP: dst, Port: 9})
		require.NoError(t, err)
	}
}

// A netkit program runs in the transmit routine of the device it is
// attached to: a netkit/primary program on the packets the primary device
// sends towards the peer, a netkit/peer program (attached through the
// primary device too) on those the peer sends towards the primary. The
// devices have no queue and need no neighbour resolution in L3 mode, so
// the program has run when the send returns; with the datagrams received
// by listening sockets and no IPv6 address on the devices, the sends are
// the only packets, and each side counts exactly its own.
func TestAttachNetkit(t *testing.T) {
	requireNetkit(t)
	nk := newNetkitPair(t)
	primaryObj := loadObject(t, "tcx")
	primaryCounts := objMap(t, primaryObj, "counts")
	primary := program(t, primaryObj, "count_netkit")
	require.Equal(t, libbpf.AttachTypeNetkitPrimary, primary.ExpectedAttachType())
	// The same program loaded for the peer's side, with its own counters.
	peerObj := openObject(t, "tcx", nil)
	peer := program(t, peerObj, "count_netkit")
	require.NoError(t, peer.SetExpectedAttachType(libbpf.AttachTypeNetkitPeer))
	requireLoad(t, peerObj)
	peerCounts := objMap(t, peerObj, "counts")

	primaryLink, err := primary.AttachNetkit(nk.ifindex, nil)
	require.NoError(t, err)
	defer primaryLink.Close()
	peerLink, err := peer.AttachNetkit(nk.ifindex, nil)
	require.NoError(t, err)
	defer peerLink.Close()
	for _, c := range []struct {
		link *libbpf.Link
		prog *libbpf.Program
	}{{primaryLink, primary}, {peerLink, peer}} {
		info, err := c.link.Info()
		require.NoError(t, err)
		assert.Equal(t, libbpf.LinkTypeNetkit, info.Type)
		assert.Equal(t, progID(t, c.prog), info.ProgramID)
	}
	// A revision the primary's hook does not have is refused.
	_, err = primary.AttachNetkit(nk.ifindex, &libbpf.NetkitOptions{ExpectedRevision: 1000})
	assert.ErrorIs(t, err, syscall.ESTALE)

	nk.listenUDP(t)
	counts := func() [2]uint64 {
		return [2]uint64{counter(t, primaryCounts, slotNetkit), counter(t, peerCounts, slotNetkit)}
	}
	before := counts()
	sendUDPFromHost(t, nk.peerIP)
	assert.Equal(t, [2]uint64{before[0] + 5, before[1]}, counts(),
		"the primary program, and only it, counts the datagrams the primary sends")
	before = counts()
	nk.sendUDP(t, nk.hostIP)
	assert.Equal(t, [2]uint64{before[0], before[1] + 5}, counts(),
		"the peer program, and only it, counts the datagrams the peer sends")

	require.NoError(t, primaryLink.Close())
	require.NoError(t, peerLink.Close())
	stopped := counts()
	sendUDPFromHost(t, nk.peerIP)
	nk.sendUDP(t, nk.hostIP)
	assert.Equal(t, stopped, counts(), "counted after Close")

	// A link outlives its device: deleting the pair detaches the program,
	// and the link still closes cleanly.
	link, err := primary.AttachNetkit(nk.ifindex, nil)
	require.NoError(t, err)
	defer link.Close()
	require.NoError(t, deleteLink(nk.primary))
	_, err = link.Info()
	assert.NoError(t, err)
	assert.NoError(t, link.Close())
	// Attaching to the deleted device's index fails.
	_, err = primary.AttachNetkit(nk.ifindex, nil)
	assert.Error(t, err)
}

// The peer device cannot manage programs, and other devices are not
// netkit devices.
func TestAttachNetkitDevices(t *testing.T) {
	requireNetkit(t)
	obj := loadObject(t, "tcx")
	prog := program(t, obj, "count_netkit")
	// A pair with both devices in the test's namespace, so that the
	// peer's index can be given.
	id := fmt.Sprintf("%d-%d", os.Getpid()%100000, netnsCount.Add(1)%100)
	primary, peer := "lbgk"+id, "lbgq"+id
	require.NoError(t, createNetkit(primary, peer, -1))
	t.Cleanup(func() { assert.NoError(t, deleteLink(primary)) })
	peerIface, err := net.InterfaceByName(peer)
	require.NoError(t, err)
	_, err = prog.AttachNetkit(peerIface.Index, nil)
	assert.ErrorIs(t, err, syscall.EACCES, "only the primary device manages programs")

	lo, err := net.InterfaceByName("lo")
	require.NoError(t, err)
	_, err = prog.AttachNetkit(lo.Index, nil)
	assert.ErrorIs(t, err, syscall.ENXIO, "lo is not a netkit device")
}
