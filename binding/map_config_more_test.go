package libbpf_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Flags of linux/bpf.h used below.
const (
	bpfFNoPrealloc = 1 << 0
	bpfFNumaNode   = 1 << 2
	bpfFMmapable   = 1 << 10
)

func TestMapSetAutocreateFalseSkipsTheMap(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	hash := objMap(t, obj, "hash_map")
	assert.True(t, hash.Autocreate(), "maps are created by default")
	require.NoError(t, hash.SetAutocreate(false))
	assert.False(t, hash.Autocreate())
	requireLoad(t, obj)

	// FD is libbpf's placeholder descriptor, which is no map.
	_, err := hash.Info()
	assert.Error(t, err, "the map was not created")
	assert.Error(t, hash.Lookup(u32(0), make([]byte, 8)))
	_, err = objMap(t, obj, "array_map").Info()
	assert.NoError(t, err)
	assert.ErrorIs(t, hash.SetAutocreate(true), unix.EBUSY)
}

func TestMapSetInitialValueReplacesTheGlobalsTheProgramSees(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "mmap", nil)
	data := objMap(t, obj, ".data")
	assert.True(t, data.IsInternal())
	assert.False(t, objMap(t, obj, "shared").IsInternal())

	require.Equal(t, 8, data.ValueSize(), ".data holds input, one __u64")
	require.NoError(t, data.SetInitialValue(u64(55)))
	got := make([]byte, 8)
	require.NoError(t, obj.Global("input", got))
	assert.Equal(t, u64(55), got, "Global sees the new contents before Load")

	requireLoad(t, obj)
	runXDPProgram(t, obj, "mmap_touch")
	require.NoError(t, obj.Global("echo", got))
	assert.Equal(t, u64(55+1000), got, "the program read the initial value set from Go")

	assert.ErrorIs(t, data.SetInitialValue(u64(1)), unix.EBUSY)
}

func TestMapSetInitialValueErrors(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "mmap", nil)
	assert.ErrorIs(t, objMap(t, obj, ".data").SetInitialValue(make([]byte, 4)), libbpf.ErrInvalidSize)
	assert.ErrorIs(t, objMap(t, obj, ".data").SetInitialValue(nil), libbpf.ErrInvalidSize)
	// A map declared in SEC(".maps") has no initial image.
	assert.ErrorIs(t, objMap(t, obj, "plain").SetInitialValue(u64(1)), unix.EINVAL)
}

// A hash map turned into a bloom filter before Load: type, key size and
// map_extra reach the kernel.
func TestMapSetTypeKeySizeAndMapExtraReachTheKernel(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	require.NoError(t, m.SetType(libbpf.MapTypeBloomFilter))
	require.NoError(t, m.SetKeySize(0))
	require.NoError(t, m.SetMapExtra(3))
	assert.Equal(t, libbpf.MapTypeBloomFilter, m.Type(), "Type reports the new type before Load")
	assert.Equal(t, 0, m.KeySize())
	assert.Equal(t, uint64(3), m.MapExtra())
	requireLoad(t, obj)

	info, err := m.Info()
	require.NoError(t, err)
	assert.Equal(t, libbpf.MapTypeBloomFilter, info.Type)
	assert.Equal(t, uint32(0), info.KeySize)
	assert.Equal(t, uint64(3), info.MapExtra, "three hash functions")

	// A bloom filter takes values without keys (BPF_MAP_PUSH_ELEM).
	require.NoError(t, m.Update(nil, u64(7), libbpf.UpdateAny))

	for name, err := range map[string]error{
		"type":      m.SetType(libbpf.MapTypeHash),
		"key size":  m.SetKeySize(4),
		"map extra": m.SetMapExtra(0),
	} {
		assert.ErrorIs(t, err, unix.EBUSY, "%s after Load", name)
	}
}

func TestMapSetMapFlagsReachTheKernel(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	arr := objMap(t, obj, "array_map")
	assert.Equal(t, uint32(0), arr.MapFlags())
	require.NoError(t, arr.SetMapFlags(bpfFMmapable))
	assert.Equal(t, uint32(bpfFMmapable), arr.MapFlags())
	requireLoad(t, obj)

	info, err := arr.Info()
	require.NoError(t, err)
	assert.Equal(t, uint32(bpfFMmapable), info.Flags&bpfFMmapable)
	mem, err := arr.Memory()
	require.NoError(t, err, "a BPF_F_MMAPABLE array can be mapped")
	assert.Len(t, mem, 4*8)
	assert.ErrorIs(t, arr.SetMapFlags(0), unix.EBUSY)
}

func TestMapSetMapFlagsTheKernelRefusesFailLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	require.NoError(t, objMap(t, obj, "array_map").SetMapFlags(bpfFNoPrealloc))
	err := obj.Load()
	assert.ErrorIs(t, err, unix.EINVAL, "arrays are always preallocated")
	assert.ErrorContains(t, err, "array_map")
}

// onlineNodes returns the NUMA nodes /sys lists as online.
func onlineNodes(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("/sys/devices/system/node/online")
	if os.IsNotExist(err) {
		t.Skip("no NUMA information in /sys (CONFIG_NUMA off)")
	}
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

func TestMapSetNumaNodeReachesTheKernelWithTheNumaFlag(t *testing.T) {
	requireKernel(t)
	nodes := onlineNodes(t)
	// A node far beyond MAX_NUMNODES.
	const absent = 1 << 20

	// Node 0 is always online.
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	require.NoError(t, m.SetNumaNode(0))
	require.NoError(t, m.SetMapFlags(bpfFNumaNode))
	assert.Equal(t, uint32(0), m.NumaNode())
	requireLoad(t, obj)
	assert.ErrorIs(t, m.SetNumaNode(0), unix.EBUSY)

	// The absent node is refused when the map is created.
	obj = openObject(t, "maps", nil)
	m = objMap(t, obj, "hash_map")
	require.NoError(t, m.SetNumaNode(absent))
	require.NoError(t, m.SetMapFlags(bpfFNumaNode))
	assert.Equal(t, uint32(absent), m.NumaNode())
	err := obj.Load()
	assert.ErrorIs(t, err, unix.EINVAL, "node %d, online nodes %s", absent, nodes)
	assert.ErrorContains(t, err, "hash_map")

	// Without BPF_F_NUMA_NODE the kernel ignores the node.
	obj = openObject(t, "maps", nil)
	require.NoError(t, objMap(t, obj, "hash_map").SetNumaNode(absent))
	assert.NoError(t, obj.Load())
}

func TestMapBTFTypeIDsNameTheDeclaredTypes(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	btf, err := obj.BTF()
	require.NoError(t, err)

	hash := objMap(t, obj, "hash_map") // __u32 keys, __u64 values
	key, value := hash.BTFKeyTypeID(), hash.BTFValueTypeID()
	require.NotZero(t, key)
	require.NotZero(t, value)
	size, err := btf.TypeSize(libbpf.TypeID(key))
	require.NoError(t, err)
	assert.Equal(t, 4, size)
	size, err = btf.TypeSize(libbpf.TypeID(value))
	require.NoError(t, err)
	assert.Equal(t, 8, size)
	u32ID, err := btf.TypeByName("__u32")
	require.NoError(t, err)
	assert.Equal(t, u32ID, libbpf.TypeID(key))

	// Internal maps have a value type (the section) but no key type.
	data := objMap(t, openObject(t, "mmap", nil), ".data")
	assert.Zero(t, data.BTFKeyTypeID())
	assert.NotZero(t, data.BTFValueTypeID())
}

// requireExclusiveMaps loads a counter whose counts map is exclusive to
// count_tp, which is loaded alone; it skips when the kernel has no
// exclusive maps (BPF_MAP_CREATE's excl_prog_hash, kernel 6.18).
func loadExclusiveCounter(t *testing.T) *libbpf.Object {
	t.Helper()
	obj := openCounter(t, os.Getpid())
	counts := objMap(t, obj, "counts")
	tp := program(t, obj, "count_tp")
	require.NoError(t, counts.SetExclusiveProgram(tp))
	assert.Same(t, tp, counts.ExclusiveProgram())
	for _, name := range []string{"count_raw", "count_raw_alt"} {
		require.NoError(t, program(t, obj, name).SetAutoload(false))
	}
	err := obj.Load()
	if err != nil && strings.Contains(err.Error(), "bpf_object__prepare: map counts") &&
		(errorIsAny(err, unix.E2BIG, unix.EINVAL)) {
		t.Skipf("kernel has no exclusive maps (excl_prog_hash, 6.18): %v", err)
	}
	require.NoError(t, err)
	return obj
}

func errorIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func TestMapSetExclusiveProgramKeepsOtherProgramsOut(t *testing.T) {
	requireKernel(t)
	obj := loadExclusiveCounter(t)
	counts := objMap(t, obj, "counts")

	// The exclusive program works with the map.
	link := attachCounter(t, obj, attachKinds[0])
	_ = link
	assert.True(t, counterMoves(t, counts))

	// Another object's program that uses the same map is refused.
	other := openCounter(t, os.Getpid())
	require.NoError(t, objMap(t, other, "counts").ReuseFD(counts.FD()))
	err := other.Load()
	require.Error(t, err)
	var verr *libbpf.VerifierError
	assert.ErrorAs(t, err, &verr, "the kernel refuses the program, not the map")
}

func TestMapSetExclusiveProgramErrors(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	other := openCounter(t, os.Getpid())
	counts := objMap(t, obj, "counts")
	assert.Nil(t, counts.ExclusiveProgram())
	assert.ErrorIs(t, counts.SetExclusiveProgram(program(t, other, "count_tp")), unix.EINVAL)
	assert.ErrorIs(t, counts.SetExclusiveProgram(nil), unix.EINVAL)
	assert.Nil(t, counts.ExclusiveProgram())
}

func TestMapConfigOnClosedAndStandaloneMaps(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	alone, err := libbpf.OpenMapID(m.ID())
	require.NoError(t, err)
	defer alone.Close()
	assert.ErrorIs(t, alone.SetType(libbpf.MapTypeArray), unix.EOPNOTSUPP)
	assert.ErrorIs(t, alone.SetAutocreate(false), unix.EOPNOTSUPP)
	assert.False(t, alone.IsInternal())
	assert.Zero(t, alone.BTFValueTypeID())

	require.NoError(t, obj.Close())
	assert.ErrorIs(t, m.SetKeySize(4), libbpf.ErrClosed)
	assert.ErrorIs(t, m.SetInitialValue(u64(1)), libbpf.ErrClosed)
	assert.ErrorIs(t, m.SetExclusiveProgram(nil), libbpf.ErrClosed)
	assert.False(t, m.Autocreate())
	assert.Zero(t, m.MapFlags())
	assert.Nil(t, m.ExclusiveProgram())
}
