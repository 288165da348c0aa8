package libbpf_test

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Slots of the counts map of autoattach.bpf.c.
const (
	slotAutoTP uint32 = iota
	slotAutoRaw
	slotAutoOff
)

// openAutoattach opens autoattach.bpf.o counting this process, with the
// autoattach of count_bad set to bad.
func openAutoattach(t testing.TB, bad bool) *libbpf.Object {
	t.Helper()
	obj := openCounterObject(t, os.Getpid(), "autoattach")
	assert.True(t, program(t, obj, "count_bad").Autoattach(), "on by default")
	require.NoError(t, program(t, obj, "count_bad").SetAutoattach(bad))
	assert.Equal(t, bad, program(t, obj, "count_bad").Autoattach())
	return obj
}

// getpidCounts calls getpid() and returns the counters of slots 0 to 2.
func getpidCounts(t testing.TB, counts *libbpf.Map) [3]uint64 {
	t.Helper()
	unix.Getpid()
	return [3]uint64{counter(t, counts, 0), counter(t, counts, 1), counter(t, counts, 2)}
}

func TestAttachAll(t *testing.T) {
	requireKernel(t)
	obj := openAutoattach(t, false)
	// Autoattach may be changed before and after Load.
	require.NoError(t, program(t, obj, "count_off").SetAutoattach(true))
	requireLoad(t, obj)
	require.NoError(t, program(t, obj, "count_off").SetAutoattach(false))
	assert.False(t, program(t, obj, "count_off").Autoattach())
	counts := objMap(t, obj, "counts")

	links, err := obj.AttachAll()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, libbpf.CloseAll(links)) })
	// count_tp and count_raw; count_off is off, count_xdp has no target,
	// count_bad is off.
	require.Len(t, links, 2)
	before := getpidCounts(t, counts)
	after := getpidCounts(t, counts)
	assert.Greater(t, after[slotAutoTP], before[slotAutoTP], "tracepoint attached")
	assert.Greater(t, after[slotAutoRaw], before[slotAutoRaw], "raw tracepoint attached")
	assert.Zero(t, after[slotAutoOff], "autoattach off")

	require.NoError(t, libbpf.CloseAll(links))
	assert.NoError(t, libbpf.CloseAll(links), "second CloseAll")
	before = getpidCounts(t, counts)
	assert.Equal(t, before, getpidCounts(t, counts), "counted after CloseAll")
}

// A failure names the program and detaches what was attached before it.
func TestAttachAllFailure(t *testing.T) {
	requireKernel(t)
	obj := openAutoattach(t, true)
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")

	links, err := obj.AttachAll()
	require.Error(t, err)
	assert.Nil(t, links)
	assert.ErrorIs(t, err, syscall.ENOENT)
	oe := requireOpError(t, err, "Object.AttachAll", "object "+obj.Name(), "bpf_object__attach_skeleton")
	assert.True(t, strings.HasPrefix(oe.Err.Error(), "program count_bad: "), "the cause names the program: %s", err)
	before := getpidCounts(t, counts)
	assert.Equal(t, before, getpidCounts(t, counts), "links of a failed AttachAll detached")
}

// DisconnectAll leaves the programs attached after CloseAll, until the
// descriptors libbpf left open are closed, here by hand.
func TestDisconnectAll(t *testing.T) {
	requireKernel(t)
	obj := openAutoattach(t, false)
	require.NoError(t, program(t, obj, "count_off").SetAutoattach(false))
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	links, err := obj.AttachAll()
	require.NoError(t, err)
	require.Len(t, links, 2)
	fds := []int{links[0].FD(), links[1].FD()}

	libbpf.DisconnectAll(append(links, nil))
	require.NoError(t, libbpf.CloseAll(links))
	before := getpidCounts(t, counts)
	after := getpidCounts(t, counts)
	assert.Greater(t, after[slotAutoTP], before[slotAutoTP], "disconnected tracepoint stays attached")
	assert.Greater(t, after[slotAutoRaw], before[slotAutoRaw], "disconnected raw tracepoint stays attached")
	for _, fd := range fds {
		require.NoError(t, unix.Close(fd))
	}
	assertStops(t, counts)
}

func TestAttachAllErrors(t *testing.T) {
	requireKernel(t)
	obj := openAutoattach(t, false)
	name := obj.Name()
	prog := program(t, obj, "count_tp")
	_, err := obj.AttachAll()
	assert.ErrorIs(t, err, syscall.EINVAL, "not loaded")
	assert.EqualError(t, err, "Object.AttachAll object "+name+": object not loaded: call Object.Load first: invalid argument")

	var nilObj *libbpf.Object
	_, err = nilObj.AttachAll()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	requireOpError(t, err, "Object.AttachAll", "object", "")
	var nilProg *libbpf.Program
	assert.False(t, nilProg.Autoattach())
	assert.ErrorIs(t, nilProg.SetAutoattach(true), libbpf.ErrClosed)
	requireOpError(t, nilProg.SetAutoattach(true), "Program.SetAutoattach", "program", "")
	libbpf.DisconnectAll(nil)
	assert.NoError(t, libbpf.CloseAll(nil))

	require.NoError(t, obj.Close())
	_, err = obj.AttachAll()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.EqualError(t, err, "Object.AttachAll object "+name+": libbpf: use of closed handle")
	assert.False(t, prog.Autoattach())
	assert.ErrorIs(t, prog.SetAutoattach(true), libbpf.ErrClosed)
	assert.EqualError(t, prog.SetAutoattach(true), "Program.SetAutoattach program count_tp: libbpf: use of closed handle")
}
