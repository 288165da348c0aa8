package libbpf_test

import (
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// iterLines runs the iterator once and returns its lines.
func iterLines(t testing.TB, link *libbpf.Link) []string {
	t.Helper()
	r, err := link.NewIterReader()
	require.NoError(t, err)
	defer func() { assert.NoError(t, r.Close()) }()
	text, err := io.ReadAll(r)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
}

func TestAttachIter(t *testing.T) {
	requireIterTarget(t, "task")
	obj := loadObject(t, "iter_task")
	prog := program(t, obj, "iter_print")
	self := strconv.Itoa(os.Getpid())

	all, err := prog.AttachIter(nil)
	require.NoError(t, err)
	defer all.Close()
	lines := iterLines(t, all)
	comm, err := os.ReadFile("/proc/self/comm")
	require.NoError(t, err)
	assert.Contains(t, lines, self+" "+self+" "+strings.TrimSpace(string(comm)))
	// Each reader is a new run.
	assert.NotEmpty(t, iterLines(t, all))

	mine, err := prog.AttachIter(&libbpf.IterOptions{PID: uint32(os.Getpid())})
	require.NoError(t, err)
	defer mine.Close()
	lines = iterLines(t, mine)
	require.NotEmpty(t, lines)
	for _, line := range lines {
		assert.True(t, strings.HasPrefix(line, self+" "), "line %q of another process", line)
	}
	assert.Less(t, len(lines), len(iterLines(t, all)))
}

// A map element iterator walks the map given in IterOptions, and needs
// one.
func TestAttachIterMap(t *testing.T) {
	requireIterTarget(t, "bpf_map_elem")
	obj := loadObject(t, "iter_map")
	values := objMap(t, obj, "values")
	for key := range uint32(3) {
		require.NoError(t, values.Update(u32(key), u64(uint64(key)*10+7), libbpf.UpdateAny))
	}
	iterMap := program(t, obj, "iter_map")
	link, err := iterMap.AttachIter(&libbpf.IterOptions{Map: values})
	require.NoError(t, err)
	defer link.Close()
	assert.Equal(t, []string{"0=7", "1=17", "2=27"}, iterLines(t, link))

	_, err = iterMap.AttachIter(nil)
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = iterMap.AttachIter(&libbpf.IterOptions{Map: closedMap(t)})
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// closedMap returns a map of an object that is already closed.
func closedMap(t testing.TB) *libbpf.Map {
	t.Helper()
	closed, err := libbpf.OpenFile(objectPath(t, "attach"), nil)
	require.NoError(t, err)
	m := objMap(t, closed, "counts")
	require.NoError(t, closed.Close())
	return m
}

func TestAttachIterErrors(t *testing.T) {
	requireIterTarget(t, "task")
	obj := loadObject(t, "iter_task")
	prog := program(t, obj, "iter_print")
	counter := loadObject(t, "attach")
	counts := objMap(t, counter, "counts")

	_, err := prog.AttachIter(&libbpf.IterOptions{Map: counts, PID: 1})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachIter(&libbpf.IterOptions{Map: closedMap(t)})
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	// Only iterator links make readers.
	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000_000)
	require.NoError(t, err)
	defer pe.Close()
	link, err := program(t, counter, "count_perf_event").AttachPerfEvent(pe, nil)
	require.NoError(t, err)
	defer link.Close()
	_, err = link.NewIterReader()
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, link.Close())
	_, err = link.NewIterReader()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilLink *libbpf.Link
	_, err = nilLink.NewIterReader()
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	require.NoError(t, obj.Close())
	_, err = prog.AttachIter(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
