package libbpf_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// runXDP runs xdp_mark once on a 64-byte packet.
func runXDP(t *testing.T, obj *libbpf.Object) *libbpf.TestRunResult {
	t.Helper()
	res, err := program(t, obj, "xdp_mark").TestRun(&libbpf.TestRunOptions{
		Data:    make([]byte, 64),
		DataOut: make([]byte, 64),
	})
	require.NoError(t, err)
	require.Len(t, res.DataOut, 64)
	return res
}

func global(t *testing.T, obj *libbpf.Object, name string, size int) []byte {
	t.Helper()
	value := make([]byte, size)
	require.NoError(t, obj.Global(name, value))
	return value
}

func TestGlobalSize(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	for name, want := range map[string]int{"verdict": 4, "mark": 1, "runs": 8, "last_len": 4, "extra": 1} {
		size, err := obj.GlobalSize(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, size, name)
	}
}

// Before Load, Global reads the initial values compiled into the object.
func TestGlobalBeforeLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	assert.Equal(t, u32(2), global(t, obj, "verdict", 4), ".rodata: XDP_PASS")
	assert.Equal(t, u8(0xab), global(t, obj, "mark", 1), ".data")
	assert.Equal(t, u64(100), global(t, obj, "runs", 8), ".data")
	assert.Equal(t, u32(0), global(t, obj, "last_len", 4), ".bss")
}

// Values set before Load, in each section, are what the program sees.
func TestSetGlobalBeforeLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	require.NoError(t, obj.SetGlobal("verdict", u32(1))) // .rodata: XDP_DROP
	require.NoError(t, obj.SetGlobal("mark", u8(0x11)))  // .data
	require.NoError(t, obj.SetGlobal("extra", u8(0x22))) // .bss
	require.NoError(t, obj.SetGlobal("runs", u64(1000))) // .data
	assert.Equal(t, u32(1), global(t, obj, "verdict", 4), "read back before load")
	requireLoad(t, obj)

	res := runXDP(t, obj)
	assert.Equal(t, uint32(1), res.ReturnValue, "XDP_DROP from .rodata")
	assert.Equal(t, byte(0x11), res.DataOut[0], "mark from .data")
	assert.Equal(t, byte(0x22), res.DataOut[1], "extra from .bss")
	assert.Equal(t, u64(1001), global(t, obj, "runs", 8))
}

// After Load, Global reads what the program wrote.
func TestGlobalAfterLoadReadsProgramWrites(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	runXDP(t, obj)
	runXDP(t, obj)
	assert.Equal(t, u64(102), global(t, obj, "runs", 8), ".data written by the program")
	assert.Equal(t, u32(64), global(t, obj, "last_len", 4), ".bss written by the program")
	assert.Equal(t, u32(2), global(t, obj, "verdict", 4), ".rodata still readable")
}

// After Load, .data and .bss are live: the program sees new values at once.
func TestSetGlobalAfterLoad(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")

	require.NoError(t, obj.SetGlobal("mark", u8(0x33)))  // .data
	require.NoError(t, obj.SetGlobal("extra", u8(0x44))) // .bss
	require.NoError(t, obj.SetGlobal("runs", u64(0)))
	assert.Equal(t, u8(0x44), global(t, obj, "extra", 1))

	res := runXDP(t, obj)
	assert.Equal(t, byte(0x33), res.DataOut[0])
	assert.Equal(t, byte(0x44), res.DataOut[1])
	assert.Equal(t, u64(1), global(t, obj, "runs", 8))
}

// .rodata is frozen at load: writing it is an error, not a crash.
func TestSetGlobalReadOnlyAfterLoad(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	assert.Error(t, obj.SetGlobal("verdict", u32(1)))
	assert.Equal(t, u32(2), global(t, obj, "verdict", 4))
	assert.Equal(t, uint32(2), runXDP(t, obj).ReturnValue, "the program still sees XDP_PASS")
}

func TestGlobalUnknownName(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	check := func(t *testing.T) {
		err := obj.SetGlobal("no_such_var", u32(0))
		assert.ErrorIs(t, err, libbpf.ErrNotFound)
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.EqualError(t, err, `Object.SetGlobal object xdp: global variable "no_such_var": libbpf: not found`)
		requireOpError(t, err, "Object.SetGlobal", "object xdp", "")
		assert.ErrorIs(t, obj.Global("no_such_var", make([]byte, 4)), libbpf.ErrNotFound)
		_, err = obj.GlobalSize("no_such_var")
		assert.ErrorIs(t, err, libbpf.ErrNotFound)
		assert.ErrorIs(t, obj.SetGlobal("xdp_mark", u32(0)), libbpf.ErrNotFound, "a program is not a variable")
	}
	t.Run("before load", check)
	requireLoad(t, obj)
	t.Run("after load", check)
}

func TestGlobalWrongSize(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	check := func(t *testing.T) {
		err := obj.SetGlobal("runs", u32(1))
		assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
		assert.EqualError(t, err, `Object.SetGlobal object xdp: global variable "runs": value is 4 bytes, want 8: libbpf: invalid size`)
		assert.ErrorIs(t, obj.SetGlobal("mark", u32(1)), libbpf.ErrInvalidSize, "too long")
		assert.ErrorIs(t, obj.SetGlobal("mark", nil), libbpf.ErrInvalidSize)
		assert.ErrorIs(t, obj.Global("runs", make([]byte, 4)), libbpf.ErrInvalidSize)
		assert.ErrorIs(t, obj.Global("runs", make([]byte, 16)), libbpf.ErrInvalidSize)
		assert.Equal(t, u8(0xab), global(t, obj, "mark", 1), "unchanged")
	}
	t.Run("before load", check)
	requireLoad(t, obj)
	t.Run("after load", check)
}
