package libbpf_test

import (
	"errors"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A perf_event program runs on the samples of a CPU clock event.
func TestAttachPerfEvent(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")

	// Keep this goroutine on one CPU, where the event samples.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old unix.CPUSet
	require.NoError(t, unix.SchedGetaffinity(0, &old))
	cpu := 0
	for !old.IsSet(cpu) {
		cpu++
	}
	set.Set(cpu)
	require.NoError(t, unix.SchedSetaffinity(0, &set))
	defer func() { assert.NoError(t, unix.SchedSetaffinity(0, &old)) }()

	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, cpu, -1, 100_000)
	require.NoError(t, err)
	defer pe.Close()
	assert.GreaterOrEqual(t, pe.FD(), 0)

	link, err := program(t, obj, "count_perf_event").AttachPerfEvent(pe, &libbpf.PerfEventOptions{Cookie: 1})
	require.NoError(t, err)
	defer link.Close()
	// The link holds its own descriptor: closing the event keeps it.
	require.NoError(t, pe.Close())
	assert.NoError(t, pe.Close(), "second Close")
	assert.Equal(t, -1, pe.FD())
	assert.True(t, spinUntil(func() bool { return counter(t, counts, slotPerfEvent) > 0 }),
		"perf_event program never ran")

	require.NoError(t, link.Close())
	stopped := counter(t, counts, slotPerfEvent)
	spinUntil(func() bool { return false })
	assert.Equal(t, stopped, counter(t, counts, slotPerfEvent), "counted after Close")
}

// spinUntil keeps the CPU busy until cond holds, for a bounded number of
// rounds, and reports whether it held.
func spinUntil(cond func() bool) bool {
	for range 2000 {
		if cond() {
			return true
		}
		x := 0
		for i := range 1_000_000 {
			x += i
		}
		_ = x
	}
	return cond()
}

func TestPerfEventErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_perf_event")

	_, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 0)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, -1, -1, 1000)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.OpenPerfEvent(nil, 0, -1)
	assert.ErrorIs(t, err, syscall.EINVAL)
	hw, err := libbpf.OpenHardwarePerfEvent(unix.PERF_COUNT_HW_CPU_CYCLES, 0, -1, 1_000_000)
	if err == nil {
		assert.NoError(t, hw.Close())
	} else {
		assert.True(t, errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EOPNOTSUPP) ||
			errors.Is(err, syscall.ENODEV), "hardware event: %v", err)
	}

	_, err = prog.AttachPerfEvent(nil, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000)
	require.NoError(t, err)
	require.NoError(t, pe.Close())
	_, err = prog.AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilEvent *libbpf.PerfEvent
	assert.Equal(t, -1, nilEvent.FD())
	assert.NoError(t, nilEvent.Close())

	// An XDP program cannot be attached to a perf event.
	pe, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000)
	require.NoError(t, err)
	defer pe.Close()
	_, err = program(t, obj, "count_xdp").AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, obj.Close())
	_, err = prog.AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
