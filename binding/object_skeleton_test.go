package libbpf_test

import (
	"encoding/binary"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Before Load, InitialValue is libbpf's image of a section: a store there
// is what the map is created with.
func TestInitialValueSetsWhatLoadCreates(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "mmap", nil)
	data := objMap(t, obj, ".data")
	mem, err := data.InitialValue()
	require.NoError(t, err)
	require.Len(t, mem, 8, ".data holds input")
	assert.Equal(t, uint64(7), binary.NativeEndian.Uint64(mem))
	binary.NativeEndian.PutUint64(mem, 9)
	rodata, err := objMap(t, obj, ".rodata").InitialValue()
	require.NoError(t, err)
	assert.Equal(t, uint64(1000), binary.NativeEndian.Uint64(rodata))
	binary.NativeEndian.PutUint64(rodata, 2000)

	_, err = objMap(t, obj, "plain").InitialValue()
	assert.ErrorIs(t, err, syscall.EINVAL, "not a global data section")

	requireLoad(t, obj)
	value := make([]byte, 8)
	require.NoError(t, obj.Global("input", value))
	assert.Equal(t, uint64(9), binary.NativeEndian.Uint64(value))
	require.NoError(t, obj.Global("offset", value))
	assert.Equal(t, uint64(2000), binary.NativeEndian.Uint64(value))
	_, err = data.InitialValue()
	assert.ErrorIs(t, err, syscall.EBUSY, "after Load")

	require.NoError(t, obj.Close())
	_, err = data.InitialValue()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// AttachSkeleton attaches one program as bpf_object__attach_skeleton
// would, and skips the same ones.
func TestAttachSkeletonPerProgram(t *testing.T) {
	requireKernel(t)
	obj := openAutoattach(t, false)
	require.NoError(t, program(t, obj, "count_off").SetAutoattach(false))
	_, err := program(t, obj, "count_tp").AttachSkeleton()
	assert.ErrorIs(t, err, syscall.EINVAL, "before Load")
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")

	links := map[string]*libbpf.Link{}
	for _, name := range []string{"count_tp", "count_raw", "count_off", "count_xdp"} {
		l, err := program(t, obj, name).AttachSkeleton()
		require.NoError(t, err, name)
		links[name] = l
		if l != nil {
			t.Cleanup(func() { assert.NoError(t, l.Close()) })
		}
	}
	assert.NotNil(t, links["count_tp"])
	assert.NotNil(t, links["count_raw"])
	assert.Nil(t, links["count_off"], "autoattach off: skipped")
	assert.Nil(t, links["count_xdp"], "no target in the section name: skipped")

	before := getpidCounts(t, counts)
	after := getpidCounts(t, counts)
	assert.Greater(t, after[slotAutoTP], before[slotAutoTP])
	assert.Greater(t, after[slotAutoRaw], before[slotAutoRaw])
	assert.Zero(t, after[slotAutoOff])

	// A program whose target does not exist fails with libbpf's errno.
	require.NoError(t, program(t, obj, "count_bad").SetAutoattach(true))
	_, err = program(t, obj, "count_bad").AttachSkeleton()
	assert.ErrorIs(t, err, syscall.ENOENT)
	requireOpError(t, err, "Program.AttachSkeleton", "program count_bad", "bpf_object__attach_skeleton")

	// Detaching one link leaves the other counting.
	require.NoError(t, links["count_tp"].Close())
	before = getpidCounts(t, counts)
	after = getpidCounts(t, counts)
	assert.Equal(t, before[slotAutoTP], after[slotAutoTP])
	assert.Greater(t, after[slotAutoRaw], before[slotAutoRaw])

	tp := program(t, obj, "count_tp")
	require.NoError(t, obj.Close())
	_, err = tp.AttachSkeleton()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.EqualError(t, err, "Program.AttachSkeleton program count_tp: libbpf: use of closed handle")
}
