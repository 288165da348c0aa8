package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

const vmlinuxBTF = "/sys/kernel/btf/vmlinux"

// assertKernelTypes checks a few types every kernel BTF has.
func assertKernelTypes(t *testing.T, b *libbpf.BTF) {
	t.Helper()
	id, err := b.TypeByName("task_struct")
	require.NoError(t, err)
	assert.NotZero(t, id)
	size, err := b.TypeSize(id)
	require.NoError(t, err)
	assert.Greater(t, size, 1000, "task_struct is large")
	assert.Less(t, size, 1<<20)

	id, err = b.TypeByName("u64")
	require.NoError(t, err)
	size, err = b.TypeSize(id)
	require.NoError(t, err)
	assert.Equal(t, 8, size)

	_, err = b.TypeByName("libbpf_go_no_such_type")
	assert.ErrorIs(t, err, libbpf.ErrNotFound)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = b.TypeByName("")
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = b.TypeSize(0)
	assert.ErrorIs(t, err, syscall.EINVAL, "void has no size")
	_, err = b.TypeSize(0xfffffff)
	assert.ErrorIs(t, err, syscall.EINVAL)
}

func TestLoadKernelBTF(t *testing.T) {
	requireKernel(t)
	b, err := libbpf.LoadKernelBTF()
	require.NoError(t, err)
	assertKernelTypes(t, b)

	// Concurrent lookups share the BTF.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			id, err := b.TypeByName("task_struct")
			assert.NoError(t, err)
			_, err = b.TypeSize(id)
			assert.NoError(t, err)
		})
	}
	wg.Wait()

	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "second Close")
	_, err = b.TypeByName("task_struct")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = b.TypeSize(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestLoadBTF(t *testing.T) {
	// Reading BTF files needs no privileges.
	b, err := libbpf.LoadBTF(vmlinuxBTF)
	require.NoError(t, err)
	defer func() { assert.NoError(t, b.Close()) }()
	assertKernelTypes(t, b)

	// The .BTF section of a BPF object file.
	objBTF, err := libbpf.LoadBTF(objectPath(t, "maps"))
	require.NoError(t, err)
	defer func() { assert.NoError(t, objBTF.Close()) }()
	id, err := objBTF.TypeByName("__u64")
	require.NoError(t, err)
	size, err := objBTF.TypeSize(id)
	require.NoError(t, err)
	assert.Equal(t, 8, size)

	_, err = libbpf.LoadBTF("")
	assert.ErrorIs(t, err, syscall.EINVAL)
	missing := filepath.Join(t.TempDir(), "missing")
	_, err = libbpf.LoadBTF(missing)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.EqualError(t, err, fmt.Sprintf("LoadBTF %q: btf__parse: no such file or directory", missing))
	junk := filepath.Join(t.TempDir(), "junk")
	require.NoError(t, os.WriteFile(junk, []byte("not BTF at all, just text\n"), 0o600))
	_, err = libbpf.LoadBTF(junk)
	assert.Error(t, err)

	var nilBTF *libbpf.BTF
	assert.NoError(t, nilBTF.Close())
	_, err = nilBTF.TypeByName("u64")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestObjectBTF(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	b, err := obj.BTF()
	require.NoError(t, err)

	// The counts map's value type and the .rodata section of the globals.
	id, err := b.TypeByName("__u64")
	require.NoError(t, err)
	size, err := b.TypeSize(id)
	require.NoError(t, err)
	assert.Equal(t, 8, size)
	id, err = b.TypeByName(".rodata")
	require.NoError(t, err)
	size, err = b.TypeSize(id)
	require.NoError(t, err)
	assert.Equal(t, 4, size, ".rodata holds target_tgid")
	_, err = b.TypeByName("task_struct")
	assert.ErrorIs(t, err, libbpf.ErrNotFound, "only the object's own types")

	// Still valid after Load; Close does nothing.
	requireLoad(t, obj)
	require.NoError(t, b.Close())
	_, err = b.TypeByName("__u64")
	require.NoError(t, err)

	require.NoError(t, obj.Close())
	_, err = b.TypeByName("__u64")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = b.TypeSize(id)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = obj.BTF()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilObj *libbpf.Object
	_, err = nilObj.BTF()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// Object.BTF gives the same BTF at every call, which shares the object's
// lock: methods running while Object.Close runs finish before it or fail
// with ErrClosed, and never use the BTF that bpf_object__close frees.
func TestObjectBTFConcurrentClose(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	b, err := obj.BTF()
	require.NoError(t, err)
	again, err := obj.BTF()
	require.NoError(t, err)
	assert.Same(t, b, again, "one BTF per object")

	const readers = 4
	var found atomic.Int64
	ends := make(chan error, readers)
	for range readers {
		go func() {
			for {
				if _, err := b.TypeByName("xdp_md"); err != nil {
					ends <- err
					return
				}
				found.Add(1)
			}
		}()
	}
	for found.Load() < 100 {
		runtime.Gosched()
	}
	require.NoError(t, obj.Close())
	for range readers {
		err := <-ends
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.EqualError(t, err, "BTF.TypeByName BTF of object xdp: libbpf: use of closed handle")
	}
	_, err = b.Types()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Zero(t, b.StartID())
}
