package libbpf_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// What the program prints to its streams comes out of ReadStream, once.
func TestProgramReadStreamGivesWhatTheProgramPrinted(t *testing.T) {
	requireKernelVersion(t, 6, 17, "BPF streams")
	obj := loadObject(t, "stream")
	prog := program(t, obj, "syscall_stream")
	for range 2 {
		res, err := prog.TestRun(nil)
		require.NoError(t, err)
		if res.ReturnValue == 99 {
			t.Skip("the kernel has streams but neither bpf_stream_vprintk_impl nor bpf_stream_vprintk, the kfuncs stream.bpf.c calls")
		}
	}
	ret := make([]byte, 4)
	require.NoError(t, obj.Global("printk_ret", ret))
	if errno := -int32(binary.NativeEndian.Uint32(ret)); errno != 0 {
		// Seen on the host's 6.18: the kernel's allocation of the stream
		// element fails, so nothing reaches the stream.
		t.Skipf("the kernel refused the program's stream write: %v", unix.Errno(errno))
	}

	buf := make([]byte, 4096)
	n, err := prog.ReadStream(libbpf.StreamStdout, buf)
	require.NoError(t, err)
	assert.Equal(t, "run 1 to stdout\nrun 2 to stdout\n", string(buf[:n]))
	n, err = prog.ReadStream(libbpf.StreamStderr, buf)
	require.NoError(t, err)
	assert.Equal(t, "run 1 to stderr\nrun 2 to stderr\n", string(buf[:n]))

	n, err = prog.ReadStream(libbpf.StreamStdout, buf)
	require.NoError(t, err)
	assert.Zero(t, n, "reading consumed the stream")

	// A small buffer reads the stream in pieces.
	_, err = prog.TestRun(nil)
	require.NoError(t, err)
	small := make([]byte, 4)
	n, err = prog.ReadStream(libbpf.StreamStdout, small)
	require.NoError(t, err)
	assert.Equal(t, "run ", string(small[:n]))
	n, err = prog.ReadStream(libbpf.StreamStdout, buf)
	require.NoError(t, err)
	assert.Equal(t, "3 to stdout\n", string(buf[:n]))

	_, err = prog.ReadStream(libbpf.Stream(7), buf)
	assert.Error(t, err, "no such stream")
	assert.Equal(t, "stderr", libbpf.StreamStderr.String())

	unloaded := program(t, openObject(t, "stream", nil), "xdp_stream")
	_, err = unloaded.ReadStream(libbpf.StreamStdout, buf)
	assert.ErrorIs(t, err, unix.EBADF)
}

// An empty stream reads as 0 bytes; a stream the kernel does not know is
// an error.
func TestProgramReadStreamEmptyAndUnknown(t *testing.T) {
	requireKernelVersion(t, 6, 17, "BPF streams")
	prog := program(t, loadObject(t, "stream"), "syscall_stream")
	buf := make([]byte, 64)
	for _, s := range []libbpf.Stream{libbpf.StreamStdout, libbpf.StreamStderr} {
		n, err := prog.ReadStream(s, buf)
		require.NoError(t, err, "%v", s)
		assert.Zero(t, n, "%v of a program that never ran", s)
	}
	_, err := prog.ReadStream(libbpf.Stream(7), buf)
	assert.Error(t, err)
	n, err := prog.ReadStream(libbpf.StreamStdout, nil)
	assert.NoError(t, err)
	assert.Zero(t, n)
}
