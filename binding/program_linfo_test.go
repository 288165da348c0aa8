package libbpf_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A profiler's view: an address inside the JIT-compiled program maps back
// to the source line, as does an instruction offset.
func TestProgramLineAtMapsJitedAddressesToSourceLines(t *testing.T) {
	requireKernel(t)
	prog := program(t, loadObject(t, "xdp"), "xdp_mark")
	funcs, err := prog.JitedFunctions()
	require.NoError(t, err)
	require.Len(t, funcs, 1, "no subprograms")
	f := funcs[0]
	if f.Addr == 0 {
		t.Skip("the kernel hides the JIT addresses (kernel.kptr_restrict)")
	}
	require.NotZero(t, f.Len)

	lines, err := prog.LineInfo()
	require.NoError(t, err)
	first, err := prog.LineAt(f.Addr)
	require.NoError(t, err)
	assert.Equal(t, lines[0].Source, first.Source, "the first byte is the first line")
	assert.Equal(t, lines[0].Line, first.Line)
	assert.True(t, strings.HasSuffix(first.File, "xdp.bpf.c"), first.File)

	// Walking the image byte by byte meets every line at least once, in
	// increasing instruction order.
	seen := map[uint32]bool{}
	var lastOff uint32
	for a := f.Addr; a < f.Addr+uint64(f.Len); a++ {
		li, err := prog.LineAt(a)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, li.InstructionOffset, lastOff)
		lastOff = li.InstructionOffset
		seen[li.Line] = true
	}
	for _, li := range lines {
		assert.True(t, seen[li.Line], "line %d (%s) has code", li.Line, li.Source)
	}

	_, err = prog.LineAt(f.Addr - 1)
	assert.ErrorIs(t, err, unix.ENOENT)
	_, err = prog.LineAt(f.Addr + uint64(f.Len))
	assert.ErrorIs(t, err, unix.ENOENT)

	atZero, err := prog.LineAtInstruction(0)
	require.NoError(t, err)
	assert.Equal(t, first, atZero)
	last, err := prog.LineAtInstruction(1 << 20)
	require.NoError(t, err, "past the end: the last line")
	assert.Equal(t, lines[len(lines)-1].Source, last.Source)
}

func TestProgramLineAtErrors(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	prog := program(t, obj, "xdp_mark")
	_, err := prog.LineAt(0)
	assert.ErrorIs(t, err, unix.EBADF, "not loaded")
	_, err = prog.JitedFunctions()
	assert.ErrorIs(t, err, unix.EBADF)
	requireLoad(t, obj)

	// Opened by ID, the program has the kernel's numbers but no object BTF
	// for the names.
	alone, err := libbpf.OpenProgramID(prog.ID())
	require.NoError(t, err)
	defer alone.Close()
	li, err := alone.LineAtInstruction(0)
	require.NoError(t, err)
	assert.NotZero(t, li.Line)
	assert.Empty(t, li.Source)

	require.NoError(t, obj.Close())
	_, err = prog.LineAt(0)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
