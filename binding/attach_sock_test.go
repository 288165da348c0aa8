package libbpf_test

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Slots of the counts map of sockmap.bpf.o.
const (
	slotSKMsg = 0 // messages sent on a socket of the map (sk_msg)
	slotSKSKB = 1 // data received by a socket of the map (sk_skb verdict)
)

// tcpPair returns the two ends of a TCP connection over the loopback
// device, closed when the test ends. Reads on them time out after a second.
func tcpPair(t testing.TB) (client, server int) {
	t.Helper()
	socket := func() int {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		require.NoError(t, err)
		t.Cleanup(func() { unix.Close(fd) })
		require.NoError(t, unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 1}))
		return fd
	}
	listener := socket()
	require.NoError(t, unix.Bind(listener, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, unix.Listen(listener, 1))
	addr, err := unix.Getsockname(listener)
	require.NoError(t, err)
	client = socket()
	require.NoError(t, unix.Connect(client, addr))
	server, _, err = unix.Accept4(listener, unix.SOCK_CLOEXEC)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Close(server) })
	require.NoError(t, unix.SetsockoptTimeval(server, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 1}))
	return client, server
}

// addSockets puts a new TCP connection's client end under key 0 of sockMap
// and its server end under key 1, replacing what was there.
func addSockets(t testing.TB, sockMap *libbpf.Map) (client, server int) {
	t.Helper()
	client, server = tcpPair(t)
	require.NoError(t, sockMap.Update(u32(0), u32(uint32(client)), libbpf.UpdateAny))
	require.NoError(t, sockMap.Update(u32(1), u32(uint32(server)), libbpf.UpdateAny))
	return client, server
}

// exchange sends a message from client to server and checks that it
// arrives intact: the programs under test let the data through.
func exchange(t testing.TB, client, server int) {
	t.Helper()
	msg := []byte("libbpf-go")
	n, err := unix.Write(client, msg)
	require.NoError(t, err)
	require.Equal(t, len(msg), n)
	buf := make([]byte, 64)
	n, err = unix.Read(server, buf)
	require.NoError(t, err, "the message did not arrive")
	assert.Equal(t, msg, buf[:n])
}

// A socket map's programs run for the sockets put in the map after they
// were attached: sk_msg when one sends, sk_skb stream verdict when one
// receives. Detached, they leave the sockets added later alone.
func TestMapAttachProgram(t *testing.T) {
	for _, mapName := range []string{"sock_map", "sock_hash"} {
		t.Run(mapName, func(t *testing.T) {
			requireKernel(t)
			obj := loadObject(t, "sockmap")
			counts := objMap(t, obj, "counts")
			sockMap := objMap(t, obj, mapName)
			msgProg, verdictProg := program(t, obj, "count_msg"), program(t, obj, "count_verdict")

			require.NoError(t, sockMap.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict))
			require.NoError(t, sockMap.AttachProgram(verdictProg, libbpf.AttachTypeSKSKBStreamVerdict))
			client, server := addSockets(t, sockMap)
			exchange(t, client, server)
			assert.NotZero(t, counter(t, counts, slotSKMsg), "sk_msg program counted the send")
			assert.NotZero(t, counter(t, counts, slotSKSKB), "sk_skb program counted the receive")

			require.NoError(t, sockMap.DetachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict))
			require.NoError(t, sockMap.DetachProgram(verdictProg, libbpf.AttachTypeSKSKBStreamVerdict))
			assert.ErrorIs(t, sockMap.DetachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), syscall.ENOENT,
				"nothing left to detach")
			sent, received := counter(t, counts, slotSKMsg), counter(t, counts, slotSKSKB)
			client, server = addSockets(t, sockMap)
			exchange(t, client, server)
			assert.Equal(t, sent, counter(t, counts, slotSKMsg), "detached sk_msg program still counts")
			assert.Equal(t, received, counter(t, counts, slotSKSKB), "detached sk_skb program still counts")
		})
	}
}

// A program opened by id, without its object, attaches and detaches as
// well.
func TestMapAttachProgramByID(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "sockmap")
	counts := objMap(t, obj, "counts")
	sockMap := objMap(t, obj, "sock_map")
	msgProg, err := libbpf.OpenProgramID(progID(t, program(t, obj, "count_msg")))
	require.NoError(t, err)
	defer msgProg.Close()

	require.NoError(t, sockMap.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict))
	client, server := addSockets(t, sockMap)
	exchange(t, client, server)
	assert.NotZero(t, counter(t, counts, slotSKMsg), "sk_msg program counted the send")
	require.NoError(t, sockMap.DetachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict))

	require.NoError(t, msgProg.Close())
	assert.ErrorIs(t, sockMap.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), libbpf.ErrClosed)
}

// Program.AttachSockmap attaches through a BPF link, which detaches when
// closed.
func TestAttachSockmap(t *testing.T) {
	requireKernelVersion(t, 6, 10, "sockmap and sockhash links")
	obj := loadObject(t, "sockmap")
	counts := objMap(t, obj, "counts")
	sockMap := objMap(t, obj, "sock_map")

	var links []*libbpf.Link
	for _, name := range []string{"count_msg", "count_verdict"} {
		link, err := program(t, obj, name).AttachSockmap(sockMap)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, link.Close()) })
		links = append(links, link)
	}
	for i, want := range []libbpf.AttachType{libbpf.AttachTypeSKMsgVerdict, libbpf.AttachTypeSKSKBStreamVerdict} {
		info, err := links[i].Info()
		require.NoError(t, err)
		assert.Equal(t, libbpf.LinkTypeSockmap, info.Type)
		assert.Equal(t, sockMap.ID(), info.MapID)
		assert.Equal(t, want, info.AttachType)
	}
	client, server := addSockets(t, sockMap)
	exchange(t, client, server)
	assert.NotZero(t, counter(t, counts, slotSKMsg), "sk_msg program counted the send")
	assert.NotZero(t, counter(t, counts, slotSKSKB), "sk_skb program counted the receive")

	for _, link := range links {
		require.NoError(t, link.Close())
	}
	sent, received := counter(t, counts, slotSKMsg), counter(t, counts, slotSKSKB)
	client, server = addSockets(t, sockMap)
	exchange(t, client, server)
	assert.Equal(t, sent, counter(t, counts, slotSKMsg), "sk_msg program runs after its link closed")
	assert.Equal(t, received, counter(t, counts, slotSKSKB), "sk_skb program runs after its link closed")
}

func TestSockmapErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "sockmap")
	sockMap := objMap(t, obj, "sock_map")
	counts := objMap(t, obj, "counts")
	msgProg := program(t, obj, "count_msg")
	xdpProg := program(t, loadObject(t, "freplace_target"), "xdp_decide")

	_, err := msgProg.AttachSockmap(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "nil map")
	_, err = msgProg.AttachSockmap(counts)
	assert.ErrorIs(t, err, syscall.EINVAL, "array map")
	assert.ErrorContains(t, err, "Program.AttachSockmap program count_msg: map counts is a ")
	assert.ErrorContains(t, err, "not a sockmap or sockhash")
	_, err = xdpProg.AttachSockmap(sockMap)
	assert.ErrorIs(t, err, syscall.EINVAL, "XDP program")
	assert.EqualError(t, err, "Program.AttachSockmap program xdp_decide: program type xdp cannot attach to a socket map (want sk_msg or sk_skb): invalid argument")
	_, err = (*libbpf.Program)(nil).AttachSockmap(sockMap)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "nil program")

	assert.ErrorIs(t, sockMap.AttachProgram(nil, libbpf.AttachTypeSKMsgVerdict), libbpf.ErrClosed, "nil program")
	assert.ErrorIs(t, sockMap.AttachProgram(msgProg, libbpf.AttachTypeSKSKBStreamVerdict), syscall.EINVAL,
		"sk_msg program as stream verdict")
	assert.ErrorIs(t, sockMap.AttachProgram(xdpProg, libbpf.AttachTypeSKMsgVerdict), syscall.EINVAL, "XDP program")
	assert.EqualError(t, sockMap.AttachProgram(xdpProg, libbpf.AttachTypeSKMsgVerdict),
		"Map.AttachProgram map sock_map: program xdp_decide: program type xdp cannot attach to a socket map (want sk_msg or sk_skb): invalid argument")
	assert.EqualError(t, sockMap.AttachProgram(nil, libbpf.AttachTypeSKMsgVerdict),
		"Map.AttachProgram map sock_map: program: libbpf: use of closed handle")
	assert.ErrorIs(t, counts.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), syscall.EINVAL, "array map")
	assert.ErrorIs(t, (*libbpf.Map)(nil).AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), libbpf.ErrClosed)
	err = sockMap.DetachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict)
	assert.ErrorIs(t, err, syscall.ENOENT, "detach what was never attached")
	var oe *libbpf.OpError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "Map.DetachProgram", oe.Op)
	assert.Equal(t, "map sock_map", oe.Subject)
	assert.Equal(t, "bpf_prog_detach2 program count_msg "+libbpf.AttachTypeSKMsgVerdict.String(), oe.Call)

	unloaded := openObject(t, "sockmap", nil)
	assert.ErrorIs(t, objMap(t, unloaded, "sock_map").AttachProgram(program(t, unloaded, "count_msg"),
		libbpf.AttachTypeSKMsgVerdict), syscall.EBADF, "object not loaded")
	_, err = msgProg.AttachSockmap(objMap(t, unloaded, "sock_map"))
	assert.ErrorIs(t, err, syscall.EBADF, "map not loaded")

	other := loadObject(t, "sockmap")
	otherMap := objMap(t, other, "sock_map")
	require.NoError(t, other.Close())
	_, err = msgProg.AttachSockmap(otherMap)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "map of a closed object")
	assert.ErrorIs(t, otherMap.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), libbpf.ErrClosed)

	require.NoError(t, obj.Close())
	_, err = msgProg.AttachSockmap(sockMap)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed object")
	assert.ErrorIs(t, sockMap.AttachProgram(msgProg, libbpf.AttachTypeSKMsgVerdict), libbpf.ErrClosed)
}
