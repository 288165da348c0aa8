package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PerfEvent is a perf event opened with perf_event_open(2), such as a
// software clock sampling at a given period, to which Program.AttachPerfEvent
// attaches a SEC("perf_event") program. Close it when done; links made from
// it hold their own descriptor, so closing the PerfEvent leaves them
// attached. A PerfEvent is safe for concurrent use.
type PerfEvent struct {
	mu sync.RWMutex
	fd int // -1 once closed
}

// OpenPerfEvent opens a perf event described by attr for process pid (-1:
// every process) on CPU cpu (-1: every CPU) with perf_event_open(2), with
// the close-on-exec flag. The kernel refuses pid -1 together with cpu -1
// (EINVAL). attr.Size is filled in when zero.
func OpenPerfEvent(attr *unix.PerfEventAttr, pid, cpu int) (*PerfEvent, error) {
	return openPerfEvent("OpenPerfEvent", attr, pid, cpu)
}

// openPerfEvent is OpenPerfEvent for op, the package function called.
// Its errors have no Subject: the arguments are in Call.
func openPerfEvent(op string, attr *unix.PerfEventAttr, pid, cpu int) (*PerfEvent, error) {
	if attr == nil {
		return nil, opError(op, "", "", fmt.Errorf("nil attributes: %w", unix.EINVAL))
	}
	a := *attr
	if a.Size == 0 {
		a.Size = uint32(unsafe.Sizeof(a))
	}
	fd, err := unix.PerfEventOpen(&a, pid, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, opError(op, "", fmt.Sprintf("perf_event_open type %d config %d pid %d cpu %d", a.Type, a.Config, pid, cpu), err)
	}
	return &PerfEvent{fd: fd}, nil
}

// OpenSoftwarePerfEvent opens a software perf event (PERF_TYPE_SOFTWARE;
// config is one of unix.PERF_COUNT_SW_*, such as PERF_COUNT_SW_CPU_CLOCK)
// for process pid on CPU cpu, as OpenPerfEvent does, sampling every
// samplePeriod events (nanoseconds for the clocks). samplePeriod must not
// be 0.
func OpenSoftwarePerfEvent(config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	return openSampling("OpenSoftwarePerfEvent", unix.PERF_TYPE_SOFTWARE, config, cpu, pid, samplePeriod)
}

// OpenHardwarePerfEvent opens a hardware perf event (PERF_TYPE_HARDWARE;
// config is one of unix.PERF_COUNT_HW_*, such as PERF_COUNT_HW_CPU_CYCLES)
// as OpenSoftwarePerfEvent does. Machines without a PMU the kernel can use,
// such as many virtual machines, fail with an error wrapping ENOENT or
// EOPNOTSUPP.
func OpenHardwarePerfEvent(config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	return openSampling("OpenHardwarePerfEvent", unix.PERF_TYPE_HARDWARE, config, cpu, pid, samplePeriod)
}

// openSampling is op: it opens a sampling perf event of type typ.
func openSampling(op string, typ uint32, config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	if samplePeriod == 0 {
		return nil, opError(op, "", "", fmt.Errorf("type %d config %d: sample period 0: %w", typ, config, unix.EINVAL))
	}
	return openPerfEvent(op, &unix.PerfEventAttr{
		Type:   typ,
		Config: config,
		Sample: samplePeriod,
	}, pid, cpu)
}

// FD returns the perf event's file descriptor, or -1 once closed. It
// belongs to the PerfEvent and is closed by Close.
func (e *PerfEvent) FD() int {
	if e == nil {
		return -1
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.fd
}

// Close closes the perf event's file descriptor. Links attached to it stay
// attached until they are closed. Close is idempotent: later calls return
// nil.
func (e *PerfEvent) Close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fd < 0 {
		return nil
	}
	fd := e.fd
	err := unix.Close(fd)
	e.fd = -1
	if err != nil {
		return opError("PerfEvent.Close", "perf event fd "+strconv.Itoa(fd), "close", err)
	}
	return nil
}

// PerfEventOptions are the optional parameters of Program.AttachPerfEvent
// (struct bpf_perf_event_opts).
type PerfEventOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
}

// AttachPerfEvent attaches the loaded program, which must be a
// SEC("perf_event") program (kernel 4.9) or a kprobe or tracepoint program,
// to the perf event pe with bpf_program__attach_perf_event_opts; it uses a
// BPF link where the kernel has one (5.15) and the PERF_EVENT_IOC_SET_BPF
// ioctl otherwise. The Link holds a duplicate of pe's descriptor, so pe may
// be closed independently. opts may be nil. The returned Link must be
// closed by the caller.
func (p *Program) AttachPerfEvent(pe *PerfEvent, opts *PerfEventOptions) (*Link, error) {
	if opts == nil {
		opts = &PerfEventOptions{}
	}
	return p.attach("Program.AttachPerfEvent", func() (*C.struct_bpf_link, error) {
		if pe == nil {
			return nil, fmt.Errorf("perf event: %w", ErrClosed)
		}
		pe.mu.RLock()
		defer pe.mu.RUnlock()
		if pe.fd < 0 {
			return nil, fmt.Errorf("perf event: %w", ErrClosed)
		}
		// libbpf's link owns the descriptor it is given and closes it
		// when destroyed, so it gets a duplicate of pe's.
		dup, err := unix.FcntlInt(uintptr(pe.fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("duplicate perf event descriptor: %w", err)
		}
		copts := C.struct_bpf_perf_event_opts{
			sz:         C.sizeof_struct_bpf_perf_event_opts,
			bpf_cookie: C.__u64(opts.Cookie),
		}
		// copts is Go memory without pointers, read only during the call.
		l, cerr := C.bpf_program__attach_perf_event_opts(p.prog, C.int(dup), &copts)
		if l == nil {
			// On failure libbpf leaves the descriptor to the caller.
			unix.Close(dup)
			return nil, failed(fmt.Sprintf("bpf_program__attach_perf_event_opts perf event fd %d", pe.fd), cerr)
		}
		return l, nil
	})
}
