package libbpf_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The tracepoint program sees the cookie its attachment was given.
func TestAttachTracepointOptsCookie(t *testing.T) {
	requireKernel(t)
	obj := openCounterObject(t, os.Getpid(), "cookie")
	// Kernels before 6.10 refuse bpf_get_attach_cookie in raw tracepoints.
	require.NoError(t, program(t, obj, "raw_cookie").SetAutoload(false))
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "tp_cookie").AttachTracepointOpts("syscalls", "sys_enter_getpid",
		&libbpf.TracepointOptions{Cookie: 0xc0ffee})
	require.NoError(t, err)
	defer link.Close()

	unix.Getpid()
	assert.NotZero(t, counter(t, counts, 0))
	assert.Equal(t, uint64(0xc0ffee), counter(t, counts, 1))

	_, err = program(t, obj, "tp_cookie").AttachTracepointOpts("syscalls", "no_such_tracepoint", nil)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = program(t, obj, "tp_cookie").AttachTracepointOpts("", "x", nil)
	assert.ErrorIs(t, err, unix.EINVAL)
}

// The raw tracepoint program sees its attachment's cookie (kernel 6.10).
func TestAttachRawTracepointOptsCookie(t *testing.T) {
	requireKernelVersion(t, 6, 10, "raw tracepoint cookies")
	obj := openCounterObject(t, os.Getpid(), "cookie")
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "raw_cookie")
	link, err := prog.AttachRawTracepointOpts("sys_enter", &libbpf.RawTracepointOptions{Cookie: 42})
	require.NoError(t, err)
	defer link.Close()

	unix.Getpid()
	assert.NotZero(t, counter(t, counts, 2))
	assert.Equal(t, uint64(42), counter(t, counts, 3))

	_, err = prog.AttachRawTracepointOpts("no_such_raw_tracepoint", nil)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = prog.AttachRawTracepointOpts("", nil)
	assert.ErrorIs(t, err, unix.EINVAL)
}

// An fentry program sees its attachment's cookie (kernel 5.19); the host
// refuses fentry loads, the guest kernels run this.
func TestAttachTraceCookie(t *testing.T) {
	requireFeature(t, libbpf.ProbeTracing)
	obj := openCounterObject(t, os.Getpid(), "trace_cookie")
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "fentry_cookie").AttachTrace(&libbpf.TraceOptions{Cookie: 7})
	require.NoError(t, err)
	defer link.Close()

	unix.Getpid()
	assert.NotZero(t, counter(t, counts, 0))
	assert.Equal(t, uint64(7), counter(t, counts, 1))
}

// Programs attached to one cgroup hook run in the order the options ask
// for (kernel 6.16), as QueryPrograms reports it.
func TestAttachCgroupOptsOrdersThePrograms(t *testing.T) {
	requireKernelVersion(t, 6, 16, "ordering of cgroup programs")
	cg := testCgroup(t)
	fd := int(cg.Fd())
	var progs []*libbpf.Program
	for range 3 {
		progs = append(progs, program(t, loadObject(t, "attach"), "count_sock_create"))
	}
	a, b, c := progs[0], progs[1], progs[2]
	query := func() []uint32 {
		res, err := libbpf.QueryPrograms(fd, libbpf.AttachTypeCgroupInetSockCreate, 0)
		require.NoError(t, err)
		var ids []uint32
		for _, p := range res.Programs {
			ids = append(ids, p.ID)
		}
		return ids
	}

	la, err := a.AttachCgroupOpts(fd, nil)
	require.NoError(t, err)
	defer la.Close()
	lb, err := b.AttachCgroupOpts(fd, &libbpf.CgroupOptions{Flags: libbpf.MultiProgBefore})
	require.NoError(t, err)
	defer lb.Close()
	assert.Equal(t, []uint32{b.ID(), a.ID()}, query(), "b goes first")

	res, err := libbpf.QueryPrograms(fd, libbpf.AttachTypeCgroupInetSockCreate, 0)
	require.NoError(t, err)
	_, err = c.AttachCgroupOpts(fd, &libbpf.CgroupOptions{ExpectedRevision: res.Revision + 1})
	assert.ErrorIs(t, err, unix.ESTALE, "a stale revision is refused")

	laInfo, err := la.Info()
	require.NoError(t, err)
	lc, err := c.AttachCgroupOpts(fd, &libbpf.CgroupOptions{
		Flags:      libbpf.MultiProgBefore | libbpf.MultiProgLink | libbpf.MultiProgID,
		RelativeID: laInfo.ID, ExpectedRevision: res.Revision,
	})
	require.NoError(t, err)
	defer lc.Close()
	assert.Equal(t, []uint32{b.ID(), c.ID(), a.ID()}, query(), "c goes right before a, named by its link")

	_, err = c.AttachCgroupOpts(fd, &libbpf.CgroupOptions{RelativeFD: -1})
	assert.ErrorIs(t, err, unix.EBADF)
}
