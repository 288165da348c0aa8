package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// runLinked runs its program on a packet of n bytes, returning the verdict.
func runLinked(t *testing.T, obj *libbpf.Object, n int) uint32 {
	t.Helper()
	res, err := program(t, obj, "xdp_linked").TestRun(&libbpf.TestRunOptions{Data: make([]byte, n)})
	require.NoError(t, err)
	return res.ReturnValue
}

// A program split over two files loads as one object once linked: the
// function, map and global variable of link_b serve link_a's program.
func TestLinkerJoinsTwoObjectsIntoOne(t *testing.T) {
	requireKernel(t)
	b, err := os.ReadFile(objectPath(t, "link_b"))
	require.NoError(t, err)

	linker, err := libbpf.NewLinker("")
	require.NoError(t, err)
	defer linker.Close()
	require.NoError(t, linker.AddFile(objectPath(t, "link_a")))
	require.NoError(t, linker.AddBytes("link_b", b))
	linked, err := linker.Finalize()
	require.NoError(t, err)

	obj, err := libbpf.OpenMem("linked", linked, nil)
	require.NoError(t, err)
	defer obj.Close()
	requireLoad(t, obj)
	assert.Equal(t, uint32(2), runLinked(t, obj, 64), "XDP_PASS from link_b's function")
	assert.Equal(t, uint32(1), runLinked(t, obj, 20), "XDP_DROP from link_b's function")
	assert.Equal(t, uint64(2), counter(t, objMap(t, obj, "linked_counts"), 0), "link_a counted into link_b's map")
	last := make([]byte, 4)
	require.NoError(t, obj.Global("last_len", last))
	assert.Equal(t, u32(20), last)

	assert.ErrorIs(t, linker.AddBytes("again", b), unix.EINVAL, "nothing can be added after Finalize")
	_, err = linker.Finalize()
	assert.ErrorIs(t, err, unix.EINVAL)
	require.NoError(t, linker.Close())
	require.NoError(t, linker.Close(), "Close is idempotent")
	assert.ErrorIs(t, linker.AddFile(objectPath(t, "link_a")), libbpf.ErrClosed)
}

func TestLinkerWritesToAFile(t *testing.T) {
	requireKernel(t)
	out := filepath.Join(t.TempDir(), "linked.bpf.o")
	linker, err := libbpf.NewLinker(out)
	require.NoError(t, err)
	defer linker.Close()
	require.NoError(t, linker.AddFile(objectPath(t, "link_a")))
	require.NoError(t, linker.AddFile(objectPath(t, "link_b")))
	data, err := linker.Finalize()
	require.NoError(t, err)
	onDisk, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, onDisk, data)

	linkedObj, err := libbpf.OpenFile(out, nil)
	require.NoError(t, err)
	defer linkedObj.Close()
	requireLoad(t, linkedObj)
	assert.Equal(t, uint32(2), runLinked(t, linkedObj, 100))
}

// Either half alone does not load: the extern function is nowhere.
func TestLinkerHalfAloneDoesNotLoad(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "link_a"), nil)
	if err == nil {
		defer obj.Close()
		err = obj.Load()
	}
	assert.Error(t, err)
}

func TestLinkerRefusesBadInput(t *testing.T) {
	linker, err := libbpf.NewLinker("")
	require.NoError(t, err)
	defer linker.Close()
	err = linker.AddBytes("junk", []byte("not an ELF file at all, just text"))
	assert.ErrorIs(t, err, libbpf.ErrInvalidObject)
	requireOpError(t, err, "Linker.AddBytes", "linker to memory", "")
	err = linker.AddBytes("empty", nil)
	assert.ErrorIs(t, err, unix.EINVAL)
	assert.EqualError(t, err, `Linker.AddBytes linker to memory: object "empty": empty object data: invalid argument`)
	missing := filepath.Join(t.TempDir(), "missing.o")
	err = linker.AddFile(missing)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, fmt.Sprintf("Linker.AddFile linker to memory: open %q: no such file or directory", missing))

	// The same object twice defines every global symbol twice.
	require.NoError(t, linker.AddFile(objectPath(t, "link_b")))
	err = linker.AddFile(objectPath(t, "link_b"))
	assert.ErrorIs(t, err, unix.EINVAL)
	requireOpError(t, err, "Linker.AddFile", "linker to memory", fmt.Sprintf("bpf_linker__add_file %q", objectPath(t, "link_b")))

	out := filepath.Join(t.TempDir(), "no", "such", "folder", "out.o")
	_, err = libbpf.NewLinker(out)
	assert.Error(t, err)
	requireOpError(t, err, "NewLinker", fmt.Sprintf("linker to %q", out), "bpf_linker__new")
	var nilLinker *libbpf.Linker
	assert.ErrorIs(t, nilLinker.AddFile("x"), libbpf.ErrClosed)
	assert.EqualError(t, nilLinker.AddFile("x"), "Linker.AddFile linker: libbpf: use of closed handle")
	assert.NoError(t, nilLinker.Close())
}
