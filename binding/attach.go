package libbpf

/*
#include "glue.h"
#include <linux/if_link.h>
*/
import "C"

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ProbeAttachMode chooses how a uprobe (or kprobe) is attached (enum
// probe_attach_mode).
type ProbeAttachMode uint32

const (
	// ProbeAttachModeDefault lets libbpf pick the best mode the kernel
	// supports (PROBE_ATTACH_MODE_DEFAULT).
	ProbeAttachModeDefault = ProbeAttachMode(0)
	// ProbeAttachModeLegacy uses a probe event created in tracefs
	// (PROBE_ATTACH_MODE_LEGACY).
	ProbeAttachModeLegacy = ProbeAttachMode(1)
	// ProbeAttachModePerf uses a perf event and the PERF_EVENT_IOC_SET_BPF
	// ioctl (PROBE_ATTACH_MODE_PERF).
	ProbeAttachModePerf = ProbeAttachMode(2)
	// ProbeAttachModeLink uses a perf event and a BPF link, kernel 5.15
	// (PROBE_ATTACH_MODE_LINK).
	ProbeAttachModeLink = ProbeAttachMode(3)
)

// UprobeOptions are the optional parameters of Program.AttachUprobe
// (struct bpf_uprobe_opts).
type UprobeOptions struct {
	// FuncName names the function to probe (func_name); libbpf finds its
	// address in the binary's symbol table and adds the offset given to
	// AttachUprobe. Empty: the offset alone says where.
	FuncName string
	// RefCtrOffset is the file offset of the USDT semaphore the kernel
	// increments while the probe is attached (ref_ctr_offset); 0 for none.
	RefCtrOffset uint64
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
	// AttachMode chooses the attach mechanism (attach_mode).
	AttachMode ProbeAttachMode
}

// AttachUprobe attaches the loaded program, which must be a kprobe-type
// program such as SEC("uprobe") or SEC("uretprobe"), to a user-space
// location with bpf_program__attach_uprobe_opts (kernel 4.17 for the
// uprobe perf PMU; older kernels get a legacy tracefs event). retprobe
// selects a return probe. pid limits the probe to one process: -1 probes
// every process that runs binaryPath, 0 this process. binaryPath is the
// executable or shared library, resolved through PATH or the library search
// path by libbpf when it has no slash; a missing file gives an error
// wrapping ENOENT. offset is the file offset of the probed instruction, or
// an offset from opts.FuncName's address. opts may be nil. The returned Link
// must be closed by the caller.
func (p *Program) AttachUprobe(retprobe bool, pid int, binaryPath string, offset uint64, opts *UprobeOptions) (*Link, error) {
	const fn = "bpf_program__attach_uprobe_opts"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &UprobeOptions{}
	}
	if binaryPath == "" {
		return nil, fmt.Errorf("%s %s: empty binary path: %w", fn, p.name, unix.EINVAL)
	}
	if pid < -1 || pid > int(^uint32(0)>>1) {
		return nil, fmt.Errorf("%s %s: pid %d out of range: %w", fn, p.name, pid, unix.EINVAL)
	}
	// libbpf stats the binary only when it resolves a function name; check
	// it here so that a missing file always gives ENOENT.
	if _, err := os.Stat(binaryPath); err != nil && strings.Contains(binaryPath, "/") {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	cPath := C.CString(binaryPath)
	defer freeCString(cPath)
	cFunc := cString(opts.FuncName)
	defer freeCString(cFunc)
	// The options struct is Go memory holding only C pointers (func_name),
	// read by libbpf during the call; libbpf copies what it keeps.
	copts := C.struct_bpf_uprobe_opts{
		sz:             C.sizeof_struct_bpf_uprobe_opts,
		ref_ctr_offset: C.size_t(opts.RefCtrOffset),
		bpf_cookie:     C.__u64(opts.Cookie),
		retprobe:       C.bool(retprobe),
		func_name:      cFunc,
		attach_mode:    C.enum_probe_attach_mode(opts.AttachMode),
	}
	l, err := C.bpf_program__attach_uprobe_opts(p.prog, C.pid_t(pid), cPath, C.size_t(offset), &copts)
	if l == nil {
		return nil, fmt.Errorf("%s %s %s+%#x: %w", fn, p.name, binaryPath, offset, p.permErr(ptrErr(err)))
	}
	return newLink(l), nil
}

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
	if attr == nil {
		return nil, fmt.Errorf("perf_event_open: nil attributes: %w", unix.EINVAL)
	}
	a := *attr
	if a.Size == 0 {
		a.Size = uint32(unsafe.Sizeof(a))
	}
	fd, err := unix.PerfEventOpen(&a, pid, cpu, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("perf_event_open type %d config %d pid %d cpu %d: %w", a.Type, a.Config, pid, cpu, err)
	}
	return &PerfEvent{fd: fd}, nil
}

// OpenSoftwarePerfEvent opens a software perf event (PERF_TYPE_SOFTWARE;
// config is one of unix.PERF_COUNT_SW_*, such as PERF_COUNT_SW_CPU_CLOCK)
// for process pid on CPU cpu, as OpenPerfEvent does, sampling every
// samplePeriod events (nanoseconds for the clocks). samplePeriod must not
// be 0.
func OpenSoftwarePerfEvent(config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	return openSampling(unix.PERF_TYPE_SOFTWARE, config, cpu, pid, samplePeriod)
}

// OpenHardwarePerfEvent opens a hardware perf event (PERF_TYPE_HARDWARE;
// config is one of unix.PERF_COUNT_HW_*, such as PERF_COUNT_HW_CPU_CYCLES)
// as OpenSoftwarePerfEvent does. Machines without a PMU the kernel can use,
// such as many virtual machines, fail with an error wrapping ENOENT or
// EOPNOTSUPP.
func OpenHardwarePerfEvent(config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	return openSampling(unix.PERF_TYPE_HARDWARE, config, cpu, pid, samplePeriod)
}

// openSampling opens a sampling perf event of type typ.
func openSampling(typ uint32, config uint64, cpu, pid int, samplePeriod uint64) (*PerfEvent, error) {
	if samplePeriod == 0 {
		return nil, fmt.Errorf("perf_event_open type %d config %d: sample period 0: %w", typ, config, unix.EINVAL)
	}
	return OpenPerfEvent(&unix.PerfEventAttr{
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
	err := unix.Close(e.fd)
	e.fd = -1
	if err != nil {
		return fmt.Errorf("close perf event: %w", err)
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
	const fn = "bpf_program__attach_perf_event_opts"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if pe == nil {
		return nil, fmt.Errorf("%s %s: perf event: %w", fn, p.name, ErrClosed)
	}
	pe.mu.RLock()
	defer pe.mu.RUnlock()
	if pe.fd < 0 {
		return nil, fmt.Errorf("%s %s: perf event: %w", fn, p.name, ErrClosed)
	}
	if opts == nil {
		opts = &PerfEventOptions{}
	}
	// libbpf's link owns the descriptor it is given and closes it when
	// destroyed, so it gets a duplicate of pe's.
	dup, err := unix.FcntlInt(uintptr(pe.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s %s: duplicate perf event descriptor: %w", fn, p.name, err)
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
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, p.permErr(ptrErr(cerr)))
	}
	return newLink(l), nil
}

// XDPFlags are the XDP_FLAGS_* flags of XDPAttach, XDPDetach and XDPQuery.
type XDPFlags uint32

const (
	// XDPFlagsUpdateIfNoExist fails with EBUSY when a program is already
	// attached (XDP_FLAGS_UPDATE_IF_NOEXIST).
	XDPFlagsUpdateIfNoExist = XDPFlags(1)
	// XDPFlagsSKBMode uses generic XDP, which every device supports
	// (XDP_FLAGS_SKB_MODE).
	XDPFlagsSKBMode = XDPFlags(1 << 1)
	// XDPFlagsDrvMode uses the driver's native XDP (XDP_FLAGS_DRV_MODE).
	XDPFlagsDrvMode = XDPFlags(1 << 2)
	// XDPFlagsHWMode offloads the program to the device (XDP_FLAGS_HW_MODE).
	XDPFlagsHWMode = XDPFlags(1 << 3)
)

// XDPInfo is what XDPQuery reports (struct bpf_xdp_query_opts): the ids of
// the programs attached to a device, 0 where none is.
type XDPInfo struct {
	// ProgramID is the program attached in the single mode in use
	// (prog_id), or 0 when none or several are.
	ProgramID uint32
	// DriverProgramID is the native-mode program (drv_prog_id).
	DriverProgramID uint32
	// HardwareProgramID is the offloaded program (hw_prog_id).
	HardwareProgramID uint32
	// SKBProgramID is the generic-mode program (skb_prog_id).
	SKBProgramID uint32
	// AttachMode is the XDP_ATTACHED_* mode (attach_mode).
	AttachMode uint8
	// FeatureFlags are the device's NETDEV_XDP_ACT_* features
	// (feature_flags), kernel 6.3.
	FeatureFlags uint64
}

// AttachXDP attaches the loaded XDP program to the network device with
// index ifindex through a BPF link, with bpf_program__attach_xdp (kernel
// 5.9). The link detaches the program when closed; unlike XDPAttach it
// cannot replace a program already attached to the device, and the kernel
// refuses it. The returned
// Link must be closed by the caller.
func (p *Program) AttachXDP(ifindex int) (*Link, error) {
	const fn = "bpf_program__attach_xdp"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if err := checkIfindex(ifindex); err != nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	// p.prog is valid under the read lock; the link does not refer to it.
	l, err := C.bpf_program__attach_xdp(p.prog, C.int(ifindex))
	if l == nil {
		return nil, fmt.Errorf("%s %s ifindex %d: %w", fn, p.name, ifindex, p.permErr(ptrErr(err)))
	}
	return newLink(l), nil
}

// checkIfindex refuses an interface index the kernel cannot have.
func checkIfindex(ifindex int) error {
	if ifindex <= 0 || ifindex > int(^uint32(0)>>1) {
		return fmt.Errorf("interface index %d: %w", ifindex, unix.EINVAL)
	}
	return nil
}

// XDPAttach attaches the loaded XDP program prog to the network device with
// index ifindex through netlink, with bpf_xdp_attach (kernel 4.8; flags
// choose the mode and whether to replace an attached program). The
// program stays attached after the process exits, until XDPDetach.
func XDPAttach(ifindex int, prog *Program, flags XDPFlags) error {
	const fn = "bpf_xdp_attach"
	if err := checkIfindex(ifindex); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	fd, ok := prog.lockFD()
	if !ok {
		return prog.closed(fn)
	}
	defer prog.obj.mu.RUnlock()
	if fd < 0 {
		return prog.notLoadedLocked(fn, unix.EBADF)
	}
	if ret := C.bpf_xdp_attach(C.int(ifindex), fd, C.__u32(flags), nil); ret < 0 {
		return fmt.Errorf("%s %s ifindex %d: %w", fn, prog.name, ifindex, prog.permErr(errnoErr(ret)))
	}
	return nil
}

// XDPDetach detaches the XDP program attached with the mode in flags from
// the network device with index ifindex, with bpf_xdp_detach (kernel 4.8).
// Detaching where nothing is attached succeeds.
func XDPDetach(ifindex int, flags XDPFlags) error {
	const fn = "bpf_xdp_detach"
	if err := checkIfindex(ifindex); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	if ret := C.bpf_xdp_detach(C.int(ifindex), C.__u32(flags), nil); ret < 0 {
		return fmt.Errorf("%s ifindex %d: %w", fn, ifindex, errnoErr(ret))
	}
	return nil
}

// XDPQuery reports the XDP programs attached to the network device with
// index ifindex, with bpf_xdp_query (kernel 4.8). flags may name one mode
// to report, or be 0.
func XDPQuery(ifindex int, flags XDPFlags) (XDPInfo, error) {
	const fn = "bpf_xdp_query"
	if err := checkIfindex(ifindex); err != nil {
		return XDPInfo{}, fmt.Errorf("%s: %w", fn, err)
	}
	opts := C.struct_bpf_xdp_query_opts{sz: C.sizeof_struct_bpf_xdp_query_opts}
	// opts is Go memory without pointers, written only during the call.
	if ret := C.bpf_xdp_query(C.int(ifindex), C.int(flags), &opts); ret < 0 {
		return XDPInfo{}, fmt.Errorf("%s ifindex %d: %w", fn, ifindex, errnoErr(ret))
	}
	return XDPInfo{
		ProgramID:         uint32(opts.prog_id),
		DriverProgramID:   uint32(opts.drv_prog_id),
		HardwareProgramID: uint32(opts.hw_prog_id),
		SKBProgramID:      uint32(opts.skb_prog_id),
		AttachMode:        uint8(opts.attach_mode),
		FeatureFlags:      uint64(opts.feature_flags),
	}, nil
}

// AttachCgroup attaches the loaded cgroup program (SEC("cgroup/...") or
// SEC("cgroup_skb/..."), with its expected attach type) to the cgroup v2
// directory open as cgroupFD, through a BPF link, with
// bpf_program__attach_cgroup (kernel 5.7). The program runs for the
// processes of that cgroup and its descendants. The returned Link must be
// closed by the caller; the descriptor stays the caller's.
func (p *Program) AttachCgroup(cgroupFD int) (*Link, error) {
	return p.attachFD("bpf_program__attach_cgroup", "cgroup", cgroupFD, func(fd C.int) (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach_cgroup(p.prog, fd)
		return l, err
	})
}

// AttachNetns attaches the loaded network namespace program (a
// SEC("sk_lookup") program, kernel 5.9, or a SEC("flow_dissector") one,
// kernel 5.8) to the network namespace open as netnsFD (for example
// /proc/<pid>/ns/net or a file under /run/netns), through a BPF link, with
// bpf_program__attach_netns. The returned Link must be closed by the
// caller; the descriptor stays the caller's.
func (p *Program) AttachNetns(netnsFD int) (*Link, error) {
	return p.attachFD("bpf_program__attach_netns", "netns", netnsFD, func(fd C.int) (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach_netns(p.prog, fd)
		return l, err
	})
}

// attachFD runs a libbpf attach function taking a target descriptor.
func (p *Program) attachFD(fn, what string, fd int, attach func(C.int) (*C.struct_bpf_link, error)) (*Link, error) {
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if fd < 0 || fd > int(^uint32(0)>>1) {
		return nil, fmt.Errorf("%s %s: %s descriptor %d: %w", fn, p.name, what, fd, unix.EBADF)
	}
	// p.prog is valid under the read lock; libbpf does not keep fd.
	l, err := attach(C.int(fd))
	if l == nil {
		return nil, fmt.Errorf("%s %s %s fd %d: %w", fn, p.name, what, fd, p.permErr(ptrErr(err)))
	}
	return newLink(l), nil
}

// IterOptions are the optional parameters of Program.AttachIter (the
// union bpf_iter_link_info of struct bpf_iter_attach_opts). At most one
// of Map and the task fields may be set.
type IterOptions struct {
	// Map is the map a map-element iterator such as
	// SEC("iter/bpf_map_elem") walks (map.map_fd).
	Map *Map
	// TID limits a task iterator to the thread with this id (task.tid).
	TID uint32
	// PID limits a task iterator to the threads of process PID (task.pid).
	PID uint32
	// PIDFD limits a task iterator to the threads of the process the pidfd
	// refers to (task.pid_fd).
	PIDFD uint32
}

// AttachIter attaches the loaded iterator program (SEC("iter/...")) with
// bpf_program__attach_iter (kernel 5.8; the task options need 6.1). Read
// what it prints with Link.NewIterReader. opts may be nil. The returned
// Link must be closed by the caller.
func (p *Program) AttachIter(opts *IterOptions) (*Link, error) {
	const fn = "bpf_program__attach_iter"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	copts := C.struct_bpf_iter_attach_opts{sz: C.sizeof_struct_bpf_iter_attach_opts}
	if opts != nil && (opts.Map != nil || opts.TID != 0 || opts.PID != 0 || opts.PIDFD != 0) {
		if opts.Map != nil && (opts.TID != 0 || opts.PID != 0 || opts.PIDFD != 0) {
			return nil, fmt.Errorf("%s %s: both a map and a task given: %w", fn, p.name, unix.EINVAL)
		}
		// link_info must not be Go memory: copts, itself Go memory passed
		// to C, may hold only C pointers. libbpf reads it during the call.
		info := (*C.union_bpf_iter_link_info)(C.calloc(1, C.sizeof_union_bpf_iter_link_info))
		if info == nil {
			return nil, fmt.Errorf("%s %s: %w", fn, p.name, unix.ENOMEM)
		}
		defer C.free(unsafe.Pointer(info))
		if opts.Map != nil {
			mapFD := opts.Map.FD()
			if mapFD < 0 {
				return nil, fmt.Errorf("%s %s: map %s not loaded: %w", fn, p.name, opts.Map.Name(), ErrClosed)
			}
			// The union starts with struct { __u32 map_fd; } map.
			*(*C.__u32)(unsafe.Pointer(info)) = C.__u32(mapFD)
		} else {
			// The union's task member is { __u32 tid; __u32 pid; __u32 pid_fd; }.
			task := (*[3]C.__u32)(unsafe.Pointer(info))
			task[0], task[1], task[2] = C.__u32(opts.TID), C.__u32(opts.PID), C.__u32(opts.PIDFD)
		}
		copts.link_info = info
		copts.link_info_len = C.sizeof_union_bpf_iter_link_info
	}
	l, err := C.bpf_program__attach_iter(p.prog, &copts)
	if l == nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, p.permErr(ptrErr(err)))
	}
	return newLink(l), nil
}

// NewIterReader starts one run of the iterator the link attached, with
// bpf_iter_create (kernel 5.8), and returns what the program prints, read
// as a file: each Read runs the program further; EOF ends the run. Every
// call starts a new run. The reader is independent of the Link and must
// be closed by the caller. A link that is not an iterator link gives an
// error wrapping EINVAL.
func (l *Link) NewIterReader() (io.ReadCloser, error) {
	if !l.lock() {
		return nil, closedError("bpf_iter_create")
	}
	defer l.mu.RUnlock()
	if err := l.noFD("bpf_iter_create"); err != nil {
		return nil, err
	}
	fd := C.bpf_iter_create(l.cFD())
	if fd < 0 {
		return nil, fmt.Errorf("bpf_iter_create: %w", errnoErr(fd))
	}
	return os.NewFile(uintptr(fd), "bpf_iter"), nil
}
