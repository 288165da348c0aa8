package libbpf_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// globalOffset returns the offset of variable name in its section's
// memory: where its bytes sit in Memory of the section's map.
func globalOffset(t *testing.T, obj *libbpf.Object, mem []byte, name string) int {
	t.Helper()
	size, err := obj.GlobalSize(name)
	require.NoError(t, err)
	// Mark the variable through SetGlobal and find the mark in mem.
	marker := make([]byte, size)
	for i := range marker {
		marker[i] = 0xa5
	}
	saved := make([]byte, size)
	require.NoError(t, obj.Global(name, saved))
	require.NoError(t, obj.SetGlobal(name, marker))
	defer func() { require.NoError(t, obj.SetGlobal(name, saved)) }()
	for off := 0; off+size <= len(mem); off++ {
		if string(mem[off:off+size]) == string(marker) {
			return off
		}
	}
	t.Fatalf("variable %s not found in the section's memory", name)
	return -1
}

// isMapped reports whether the first byte of mem lies in a mapping that
// /proc/self/maps lists. Only the address is used: mem is not touched.
func isMapped(t *testing.T, mem []byte) bool {
	t.Helper()
	addr := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(mem))))
	f, err := os.Open("/proc/self/maps")
	require.NoError(t, err)
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		var lo, hi uint64
		span, _, _ := strings.Cut(scanner.Text(), " ")
		_, err := fmt.Sscanf(span, "%x-%x", &lo, &hi)
		require.NoError(t, err)
		if lo <= addr && addr < hi {
			return true
		}
	}
	require.NoError(t, scanner.Err())
	return false
}

func TestMemoryGlobals(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "mmap")
	bss, err := objMap(t, obj, ".bss").Memory()
	require.NoError(t, err)
	data, err := objMap(t, obj, ".data").Memory()
	require.NoError(t, err)
	require.Len(t, bss, 16, ".bss holds runs and echo")
	require.Len(t, data, 8, ".data holds input")

	runs := globalOffset(t, obj, bss, "runs")
	echo := globalOffset(t, obj, bss, "echo")
	input := globalOffset(t, obj, data, "input")
	assert.Equal(t, uint64(7), binary.NativeEndian.Uint64(data[input:]), "the initial value of input")

	runXDPProgram(t, obj, "mmap_touch")
	runXDPProgram(t, obj, "mmap_touch")
	assert.Equal(t, uint64(2), binary.NativeEndian.Uint64(bss[runs:]), "Go reads the program's .bss writes from memory")
	assert.Equal(t, uint64(1007), binary.NativeEndian.Uint64(bss[echo:]))

	binary.NativeEndian.PutUint64(data[input:], 35)
	runXDPProgram(t, obj, "mmap_touch")
	assert.Equal(t, uint64(1035), binary.NativeEndian.Uint64(bss[echo:]), "the program reads Go's .data write")
	assert.Equal(t, uint64(3), binary.NativeEndian.Uint64(bss[runs:]))

	value := make([]byte, 8)
	require.NoError(t, obj.Global("input", value))
	assert.Equal(t, uint64(35), binary.NativeEndian.Uint64(value), "Object.Global sees the same memory")

	again, err := objMap(t, obj, ".bss").Memory()
	require.NoError(t, err)
	assert.Equal(t, &bss[0], &again[0], "Memory returns the same mapping each time")
}

// The memory of an internal map reused from another object is the live
// map, which libbpf's own image of the section is not.
func TestMemoryOfReusedGlobals(t *testing.T) {
	requireKernel(t)
	first := loadObject(t, "mmap")
	second := openObject(t, "mmap", nil)
	require.NoError(t, objMap(t, second, ".bss").ReuseFD(objMap(t, first, ".bss").FD()))
	requireLoad(t, second)
	bss, err := objMap(t, second, ".bss").Memory()
	require.NoError(t, err)
	runs := globalOffset(t, first, bss, "runs")

	runXDPProgram(t, first, "mmap_touch")
	runXDPProgram(t, second, "mmap_touch")
	assert.Equal(t, uint64(2), binary.NativeEndian.Uint64(bss[runs:]), "both objects' programs count in the shared .bss")
}

func TestMemoryMmapableArray(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "mmap")
	shared := objMap(t, obj, "shared")
	mem, err := shared.Memory()
	require.NoError(t, err)
	require.Len(t, mem, 4*8, "4 values of 4 bytes, each in an 8-byte slot")

	binary.NativeEndian.PutUint32(mem[1*8:], 21)
	runXDPProgram(t, obj, "mmap_touch")
	assert.Equal(t, uint32(42), binary.NativeEndian.Uint32(mem[2*8:]), "Go reads the program's write to value 2")

	value := make([]byte, 4)
	require.NoError(t, shared.Lookup(u32(1), value))
	assert.Equal(t, u32(21), value, "the syscall path sees Go's write to value 1")
	require.NoError(t, shared.Update(u32(3), u32(99), libbpf.UpdateAny))
	assert.Equal(t, uint32(99), binary.NativeEndian.Uint32(mem[3*8:]), "memory sees an update through the syscall")

	again, err := shared.Memory()
	require.NoError(t, err)
	assert.Equal(t, &mem[0], &again[0], "Memory maps once")
	assert.ErrorIs(t, shared.Freeze(), syscall.EBUSY, "the kernel does not freeze a map mapped writable")
}

func TestMemoryOfMapOpenedByID(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "mmap")
	shared := objMap(t, obj, "shared")
	byID, err := libbpf.OpenMapID(shared.ID())
	require.NoError(t, err)
	mem, err := byID.Memory()
	require.NoError(t, err)
	require.Len(t, mem, 4*8)

	binary.NativeEndian.PutUint32(mem[1*8:], 5)
	runXDPProgram(t, obj, "mmap_touch")
	assert.Equal(t, uint32(10), binary.NativeEndian.Uint32(mem[2*8:]))

	require.True(t, isMapped(t, mem))
	require.NoError(t, byID.Close())
	assert.False(t, isMapped(t, mem), "Map.Close unmaps")
	_, err = byID.Memory()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.NoError(t, shared.Freeze(), "with the mapping gone, nothing keeps the map from being frozen")
}

func TestMemoryReadOnly(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "mmap")

	_, err := objMap(t, obj, ".rodata").Memory()
	assert.ErrorIs(t, err, syscall.EPERM, ".rodata is frozen and mapped read-only at load")
	value := make([]byte, 8)
	require.NoError(t, obj.Global("offset", value))
	assert.Equal(t, u64(1000), value, "read .rodata through Object.Global instead")

	plainObj := loadObject(t, "mmap")
	shared := objMap(t, plainObj, "shared")
	require.NoError(t, shared.Freeze())
	_, err = shared.Memory()
	assert.ErrorIs(t, err, syscall.EPERM, "the kernel refuses a writable mapping of a frozen array")
}

func TestMemoryBadInput(t *testing.T) {
	requireKernel(t)
	t.Run("before load", func(t *testing.T) {
		obj := openObject(t, "mmap", nil)
		for _, name := range []string{".bss", "shared"} {
			_, err := objMap(t, obj, name).Memory()
			assert.ErrorIs(t, err, syscall.EBADF, name)
		}
	})
	t.Run("not mmapable", func(t *testing.T) {
		obj := loadObject(t, "mmap")
		_, err := objMap(t, obj, "plain").Memory()
		assert.ErrorIs(t, err, syscall.EINVAL, "array without BPF_F_MMAPABLE")
		maps := loadObject(t, "maps")
		for _, name := range []string{"hash_map", "percpu_array"} {
			_, err := objMap(t, maps, name).Memory()
			assert.ErrorIs(t, err, syscall.EINVAL, name)
		}
	})
	t.Run("nil and closed", func(t *testing.T) {
		var nilMap *libbpf.Map
		_, err := nilMap.Memory()
		assert.ErrorIs(t, err, libbpf.ErrClosed)

		obj, err := libbpf.OpenFile(objectPath(t, "mmap"), nil)
		require.NoError(t, err)
		requireLoad(t, obj)
		bss, shared := objMap(t, obj, ".bss"), objMap(t, obj, "shared")
		bssMem, err := bss.Memory()
		require.NoError(t, err)
		sharedMem, err := shared.Memory()
		require.NoError(t, err)
		require.True(t, isMapped(t, bssMem))
		require.True(t, isMapped(t, sharedMem))
		require.NoError(t, obj.Close())
		assert.False(t, isMapped(t, bssMem), "Object.Close unmaps .bss")
		assert.False(t, isMapped(t, sharedMem), "Object.Close unmaps the array")
		_, err = bss.Memory()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		_, err = shared.Memory()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	})
}
