package libbpf_test

import (
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// getpidHandler is the kernel function behind getpid() on x86-64, which
// the BPF programs are built for.
const getpidHandler = "__x64_sys_getpid"

// pidFunction is the kernel function getpid() calls for the process id
// (through task_tgid_vnr), which other calls of the process reach too.
const pidFunction = "__task_pid_nr_ns"

// loadCookieCounter loads testdata/<name>.bpf.o counting this process.
func loadCookieCounter(t testing.TB, name string) *libbpf.Object {
	t.Helper()
	obj := openCounterObject(t, os.Getpid(), name)
	requireLoad(t, obj)
	return obj
}

// Each explicit kprobe attach call counts getpid() with its cookie while
// attached and stops when its link is closed.
func TestAttachKprobeExplicit(t *testing.T) {
	attaches := []struct {
		name   string
		cookie uint64
		attach func(*libbpf.Program, uint64) (*libbpf.Link, error)
	}{
		{"kprobe", 11, func(p *libbpf.Program, c uint64) (*libbpf.Link, error) {
			return p.AttachKprobe(false, getpidHandler, &libbpf.KprobeOptions{Cookie: c})
		}},
		{"kretprobe", 12, func(p *libbpf.Program, c uint64) (*libbpf.Link, error) {
			return p.AttachKprobe(true, getpidHandler, &libbpf.KprobeOptions{Cookie: c})
		}},
		{"kprobe-link-mode", 13, func(p *libbpf.Program, c uint64) (*libbpf.Link, error) {
			return p.AttachKprobe(false, getpidHandler,
				&libbpf.KprobeOptions{Cookie: c, AttachMode: libbpf.ProbeAttachModeLink})
		}},
		{"ksyscall", 14, func(p *libbpf.Program, c uint64) (*libbpf.Link, error) {
			return p.AttachKsyscall("getpid", &libbpf.KsyscallOptions{Cookie: c})
		}},
		{"kretsyscall", 15, func(p *libbpf.Program, c uint64) (*libbpf.Link, error) {
			return p.AttachKsyscall("getpid", &libbpf.KsyscallOptions{Cookie: c, Retprobe: true})
		}},
	}
	for _, a := range attaches {
		t.Run(a.name, func(t *testing.T) {
			requireFeature(t, libbpf.ProbeKprobes)
			obj := loadCookieCounter(t, "kprobe_cookie")
			counts := objMap(t, obj, "counts")
			link, err := a.attach(program(t, obj, "count_probe"), a.cookie)
			require.NoError(t, err)
			defer link.Close()
			assert.True(t, counterMoves(t, counts), "attached %s program counts getpid()", a.name)
			assert.Equal(t, a.cookie, counter(t, counts, 1))
			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

func TestAttachKprobeMulti(t *testing.T) {
	for name, opts := range map[string]libbpf.KprobeMultiOptions{
		"symbols":  {Symbols: []string{getpidHandler}, Cookies: []uint64{21}},
		"retprobe": {Symbols: []string{getpidHandler}, Cookies: []uint64{22}, Retprobe: true},
		// libbpf matches patterns against ftrace's list of traceable
		// functions, which does not hold the syscall handler on every
		// kernel (6.12's Debian kernel lacks it) but holds the function
		// getpid() calls to find the process id.
		"pattern": {Pattern: pidFunction[:len(pidFunction)-1] + "*"},
	} {
		t.Run(name, func(t *testing.T) {
			requireFeature(t, libbpf.ProbeKprobeMulti)
			obj := loadCookieCounter(t, "kprobe_multi_cookie")
			counts := objMap(t, obj, "counts")
			if opts.Pattern != "" {
				require.True(t, ftraceLists(t, pidFunction), "%s is in available_filter_functions", pidFunction)
			}
			link, err := program(t, obj, "count_probe").AttachKprobeMulti(&opts)
			require.NoError(t, err)
			defer link.Close()
			assert.True(t, counterMoves(t, counts), "kprobe_multi %+v counts getpid()", opts)
			if len(opts.Cookies) > 0 {
				assert.Equal(t, opts.Cookies[0], counter(t, counts, 1))
			}
			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

// The arguments are checked before the kernel is asked, so this runs on
// kernels without kprobes too.
func TestAttachKprobeErrors(t *testing.T) {
	requireKernel(t)
	obj := loadCookieCounter(t, "kprobe_cookie")
	prog := program(t, obj, "count_probe")

	_, err := prog.AttachKprobe(false, "", nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachKprobe(true, getpidHandler, &libbpf.KprobeOptions{Offset: 4})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachKsyscall("", nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	for _, opts := range []*libbpf.KprobeMultiOptions{
		nil,
		{},
		{Symbols: []string{getpidHandler}, Pattern: "x*"},
		{Symbols: []string{getpidHandler}, Cookies: []uint64{1, 2}},
		{Pattern: "x*", Cookies: []uint64{1}},
		{Symbols: []string{""}},
	} {
		_, err = prog.AttachKprobeMulti(opts)
		assert.ErrorIs(t, err, syscall.EINVAL, "%+v", opts)
	}
	if libbpf.ProbeKprobes() == nil {
		_, err = prog.AttachKprobe(false, "lbg_no_such_kernel_function", nil)
		assert.Error(t, err)
		_, err = prog.AttachKsyscall("lbg_no_such_syscall", nil)
		assert.Error(t, err)
	}

	var nilProg *libbpf.Program
	_, err = nilProg.AttachKprobe(false, getpidHandler, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = nilProg.AttachKprobeMulti(&libbpf.KprobeMultiOptions{Pattern: "x*"})
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = nilProg.AttachKsyscall("getpid", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachKprobe(false, getpidHandler, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.AttachKprobeMulti(&libbpf.KprobeMultiOptions{Pattern: "x*"})
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = prog.AttachKsyscall("getpid", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// ftraceLists reports whether fn is in tracefs' available_filter_functions,
// the list libbpf resolves kprobe_multi patterns against.
func ftraceLists(t testing.TB, fn string) bool {
	t.Helper()
	data, err := os.ReadFile("/sys/kernel/tracing/available_filter_functions")
	require.NoError(t, err)
	for line := range strings.Lines(string(data)) {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == fn {
			return true
		}
	}
	return false
}
