package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestLinkPin(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			dir := bpffsDir(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")
			link := attachCounter(t, obj, kind)
			path := filepath.Join(dir, "link")

			assert.GreaterOrEqual(t, link.FD(), 0)
			assert.Empty(t, link.PinPath())
			require.NoError(t, link.Pin(path))
			assert.Equal(t, path, link.PinPath())
			assertPinned(t, path, true)

			// The pin keeps the link alive without our descriptor...
			reopened, err := libbpf.OpenLink(path)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, reopened.Close()) })
			require.NoError(t, link.Close())
			assertPinned(t, path, true)
			assert.True(t, counterMoves(t, counts), "pinned link survives Close")

			// ...until it is unpinned and the last descriptor is closed.
			require.NoError(t, reopened.Unpin())
			assert.Empty(t, reopened.PinPath())
			assertPinned(t, path, false)
			assert.True(t, counterMoves(t, counts), "the reopened descriptor holds the link")
			require.NoError(t, reopened.Close())
			assertStops(t, counts)
		})
	}
}

func TestLinkPinErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	link := attachCounter(t, obj, attachKinds[1])

	t.Run("outside bpffs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "link")
		assert.ErrorIs(t, link.Pin(path), libbpf.ErrNotBPFFS)
		assert.Empty(t, link.PinPath())
	})
	t.Run("missing folder", func(t *testing.T) {
		assert.ErrorIs(t, link.Pin(filepath.Join(dir, "missing", "link")), os.ErrNotExist)
		assert.Empty(t, link.PinPath())
	})
	t.Run("path taken", func(t *testing.T) {
		path := filepath.Join(dir, "taken")
		require.NoError(t, os.Mkdir(path, 0o700))
		assert.ErrorIs(t, link.Pin(path), os.ErrExist)
	})
	t.Run("unpin without pin", func(t *testing.T) {
		assert.Error(t, link.Unpin())
	})
	t.Run("pinned twice", func(t *testing.T) {
		first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
		require.NoError(t, link.Pin(first))
		assert.ErrorIs(t, link.Pin(second), syscall.EBUSY, "a link has one pin path")
		assert.Equal(t, first, link.PinPath())
		assertPinned(t, second, false)
		require.NoError(t, link.Unpin())
		assertPinned(t, first, false)
	})
}

func TestOpenLinkErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)

	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing")
		link, err := libbpf.OpenLink(path)
		assert.Nil(t, link)
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.EqualError(t, err, fmt.Sprintf("OpenLink %q: bpf_link__open: no such file or directory", path))
	})
	t.Run("pinned map, not a link", func(t *testing.T) {
		obj := loadObject(t, "maps")
		path := filepath.Join(dir, "map")
		require.NoError(t, objMap(t, obj, "hash_map").Pin(path))
		link, err := libbpf.OpenLink(path)
		if link != nil {
			assert.NoError(t, link.Close())
		}
		assert.Nil(t, link)
		assert.Error(t, err, "OpenLink must refuse a pin that is not a link")
	})
}

// Tracepoint and raw tracepoint links have no detach operation in the
// kernel: Detach reports EOPNOTSUPP and the program stays attached.
func TestLinkDetachUnsupported(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")
			link := attachCounter(t, obj, kind)

			err := link.Detach()
			assert.ErrorIs(t, err, syscall.EOPNOTSUPP)
			assert.EqualError(t, err, "Link.Detach link of program "+kind.program+": bpf_link__detach: operation not supported")
			assert.True(t, counterMoves(t, counts), "still attached")

			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

// An iterator link can be switched to another program of the same kind.
func TestLinkUpdateProgram(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "iter")
	link, err := program(t, obj, "iter_first").Attach()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })

	assert.NoError(t, link.UpdateProgram(program(t, obj, "iter_second")))
	assert.NoError(t, link.UpdateProgram(program(t, obj, "iter_first")))
}

// A raw tracepoint link cannot switch programs: the kernel refuses and the
// link keeps its program.
func TestLinkUpdateProgramUnsupported(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	link := attachCounter(t, obj, attachKinds[1])

	err := link.UpdateProgram(program(t, obj, "count_raw_alt"))
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.EqualError(t, err, "Link.UpdateProgram link of program count_raw: bpf_link__update_program program count_raw_alt: invalid argument")

	assert.True(t, counterMoves(t, counts), "the old program still counts")
	assert.Zero(t, counter(t, counts, 1), "the new program never ran")
}

func TestLinkUpdateProgramBadArgument(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "iter")
	link, err := program(t, obj, "iter_first").Attach()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })

	t.Run("nil program", func(t *testing.T) {
		assert.ErrorIs(t, link.UpdateProgram(nil), libbpf.ErrClosed)
	})
	t.Run("program of a closed object", func(t *testing.T) {
		other, err := libbpf.OpenFile(objectPath(t, "iter"), nil)
		require.NoError(t, err)
		requireLoad(t, other)
		prog := program(t, other, "iter_second")
		require.NoError(t, other.Close())
		assert.ErrorIs(t, link.UpdateProgram(prog), libbpf.ErrClosed)
	})
	t.Run("program of another type", func(t *testing.T) {
		xdp := program(t, loadObject(t, "xdp"), "xdp_mark")
		assert.ErrorIs(t, link.UpdateProgram(xdp), syscall.EINVAL)
	})
}

func TestLinkUseAfterClose(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	link := attachCounter(t, obj, attachKinds[0])
	require.NoError(t, link.Close())

	assert.Equal(t, -1, link.FD())
	assert.Empty(t, link.PinPath())
	assert.ErrorIs(t, link.Pin(filepath.Join(dir, "link")), libbpf.ErrClosed)
	assertPinned(t, filepath.Join(dir, "link"), false)
	assert.ErrorIs(t, link.Unpin(), libbpf.ErrClosed)
	assert.ErrorIs(t, link.Detach(), libbpf.ErrClosed)
	assert.ErrorIs(t, link.UpdateProgram(program(t, obj, "count_tp")), libbpf.ErrClosed)
	assert.NotPanics(t, link.Disconnect)
	assert.NoError(t, link.Close())
}
