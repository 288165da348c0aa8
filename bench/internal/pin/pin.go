// Package pin binds the Go benchmark drivers' timed threads to CPUs, as
// bench/cdriver binds its own.
//
// Every timed thread of a driver is bound to one CPU, the same in every
// driver of a run: the thread
// that runs the workloads to the run's CPU, BENCH_CPU (an index into the
// CPUs the driver may use as it starts; 0 when unset), and the second
// thread of map_lookup_parallel to the next one. These machines' CPUs
// differ in speed by about a quarter from each other, and unbound, a
// driver's figures depend on which CPU the scheduler gave it; bound, the
// binding's figure and C's of one run are taken on the same CPU. The
// drains also need it: the fill (BPF_PROG_TEST_RUN runs the program on
// the calling CPU) and the drain then share that CPU's caches.
// BENCH_CPU=none leaves every thread unbound, to compare.
//
// Only the workloads' threads are bound: the Go runtime's other threads
// (the garbage collector's workers, sysmon) stay free to run on any CPU,
// and new threads start from the runtime's template thread, which is not
// bound, because the goroutine that binds its thread locks itself to it
// first.
package pin

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// Setup reads BENCH_CPU and the CPUs the process may use: Thread(0) then
// binds to the run's CPU, Thread(1) to the next. Call it once, before
// binding any thread.
func Setup() error {
	var err error
	cpus, err = benchCPUs()
	return err
}

// benchCPUs returns the CPUs the driver's threads are bound to, the run's
// first, or nil when BENCH_CPU=none.
func benchCPUs() ([]int, error) {
	v := os.Getenv("BENCH_CPU")
	if v == "none" {
		return nil, nil
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var cpus []int
	for c := range len(set) * 64 {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	first := 0
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("BENCH_CPU=%q: want a CPU index or none", v)
		}
		first = n % len(cpus)
	}
	return slices.Concat(cpus[first:], cpus[:first]), nil
}

// cpus are the CPUs of benchCPUs, set by Setup.
var cpus []int

// Thread locks the calling goroutine to its thread and binds the
// thread to the i-th CPU of cpus (wrapping around). unbind gives the
// thread back the CPUs it had and unlocks it. With BENCH_CPU=none it only
// locks.
func Thread(i int) (unbind func() error, err error) {
	runtime.LockOSThread()
	if cpus == nil {
		return func() error { runtime.UnlockOSThread(); return nil }, nil
	}
	var saved, one unix.CPUSet
	if err := unix.SchedGetaffinity(0, &saved); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	cpu := cpus[i%len(cpus)]
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("sched_setaffinity CPU %d: %w", cpu, err)
	}
	return func() error {
		defer runtime.UnlockOSThread()
		if err := unix.SchedSetaffinity(0, &saved); err != nil {
			return fmt.Errorf("sched_setaffinity: %w", err)
		}
		return nil
	}, nil
}
