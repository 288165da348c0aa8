package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// QueryEffective is the query flag (BPF_F_QUERY_EFFECTIVE) that asks a
// cgroup for the programs that run for it, its ancestors' included, rather
// than those attached to it directly.
const QueryEffective uint32 = C.BPF_F_QUERY_EFFECTIVE

// QueriedProgram is one program attached to a hook, as QueryPrograms
// reports it.
type QueriedProgram struct {
	// ID is the program's system-wide ID (OpenProgramID).
	ID uint32
	// AttachFlags are the flags it was attached with (BPF_F_ALLOW_MULTI
	// and so on); reported for cgroups without QueryEffective (kernel
	// 6.3), else 0.
	AttachFlags uint32
	// LinkID is the link that attaches it, 0 when it was attached
	// without a link; reported for tcx and netkit (kernel 6.6) and cgroups
	// (kernel 6.16).
	LinkID uint32
}

// QueryResult is what QueryPrograms reports about a hook.
type QueryResult struct {
	// AttachFlags are the hook's flags (for a cgroup: how its programs
	// were attached, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI).
	AttachFlags uint32
	// Programs are the attached programs in the order they run.
	Programs []QueriedProgram
	// Revision counts the hook's changes, for the relative ordering of
	// multi-program attachments (tcx and netkit: kernel 6.6; cgroups:
	// 6.16); 0 where the kernel does not report it.
	Revision uint64
}

// maxQueryPrograms bounds the programs QueryPrograms reads in one call;
// the kernel allows at most 64 per cgroup hook (BPF_CGROUP_MAX_PROGS) and
// 64 per tcx and netkit hook.
const maxQueryPrograms = 256

// QueryPrograms asks the kernel which programs are attached at a hook, with
// bpf_prog_query_opts (BPF_PROG_QUERY, kernel 4.15; links and revisions
// 6.6): target is a cgroup's directory descriptor for the cgroup attach
// types, a network namespace's descriptor for flow dissector and sk_lookup
// (kernel 5.8), or an interface index for tcx and netkit; t is the attach
// type. flags is 0 or QueryEffective (cgroups only). A target that has
// nothing of type t gives an empty result; an attach type the target does
// not support gives EINVAL.
func QueryPrograms(target int, t AttachType, flags uint32) (*QueryResult, error) {
	const op = "QueryPrograms"
	subject := fmt.Sprintf("target %d attach type %v", target, t)
	const fn = "bpf_prog_query_opts"
	arrays := C.calloc(4*maxQueryPrograms, C.sizeof___u32)
	if arrays == nil {
		return nil, opError(op, subject, "calloc", unix.ENOMEM)
	}
	defer C.free(arrays)
	// SAFETY: arrays holds four C arrays of maxQueryPrograms __u32 each.
	all := unsafe.Slice((*C.__u32)(arrays), 4*maxQueryPrograms)
	ids, progFlags := &all[0], &all[maxQueryPrograms]
	linkIDs, linkFlags := &all[2*maxQueryPrograms], &all[3*maxQueryPrograms]

	// opts is Go memory holding only C pointers, read and written during
	// the call.
	var opts C.struct_bpf_prog_query_opts
	opts.sz = C.sizeof_struct_bpf_prog_query_opts
	opts.query_flags = C.__u32(flags)
	opts.prog_ids = ids
	*(*C.__u32)(unsafe.Pointer(&opts.anon0[0])) = maxQueryPrograms
	opts.prog_attach_flags = progFlags
	opts.link_ids = linkIDs
	opts.link_attach_flags = linkFlags
	if ret := C.bpf_prog_query_opts(C.int(target), C.enum_bpf_attach_type(t), &opts); ret < 0 {
		err := errnoErr(ret)
		// Kernels before 6.6 (without link_ids) or before 6.3 (without
		// prog_attach_flags) refuse fields they do not know only through
		// E2BIG; ask again with the older fields.
		if !errors.Is(err, unix.E2BIG) && !errors.Is(err, unix.EINVAL) {
			return nil, opError(op, subject, fn, err)
		}
		opts.link_ids, opts.link_attach_flags, opts.prog_attach_flags = nil, nil, nil
		*(*C.__u32)(unsafe.Pointer(&opts.anon0[0])) = maxQueryPrograms
		if ret2 := C.bpf_prog_query_opts(C.int(target), C.enum_bpf_attach_type(t), &opts); ret2 < 0 {
			return nil, opError(op, subject, fn, err)
		}
	}
	n := int(*(*C.__u32)(unsafe.Pointer(&opts.anon0[0])))
	if n > maxQueryPrograms {
		// The kernel reports how many there are even when fewer fit.
		return nil, opError(op, subject, fn, fmt.Errorf("%d programs, more than %d: %w", n, maxQueryPrograms, unix.ENOSPC))
	}
	res := &QueryResult{AttachFlags: uint32(opts.attach_flags), Revision: uint64(opts.revision)}
	for i := range n {
		res.Programs = append(res.Programs, QueriedProgram{
			ID:          uint32(all[i]),
			AttachFlags: uint32(all[maxQueryPrograms+i]),
			LinkID:      uint32(all[2*maxQueryPrograms+i]),
		})
	}
	return res, nil
}

// FDType is the kind of perf event or raw tracepoint a descriptor
// carries, as TaskFDQuery reports it (BPF_FD_TYPE_*).
type FDType uint32

// The kinds of descriptor TaskFDQuery knows.
const (
	FDTypeRawTracepoint FDType = C.BPF_FD_TYPE_RAW_TRACEPOINT
	FDTypeTracepoint    FDType = C.BPF_FD_TYPE_TRACEPOINT
	FDTypeKprobe        FDType = C.BPF_FD_TYPE_KPROBE
	FDTypeKretprobe     FDType = C.BPF_FD_TYPE_KRETPROBE
	FDTypeUprobe        FDType = C.BPF_FD_TYPE_UPROBE
	FDTypeUretprobe     FDType = C.BPF_FD_TYPE_URETPROBE
)

// String returns the kind's name, such as "raw_tracepoint".
func (t FDType) String() string {
	switch t {
	case FDTypeRawTracepoint:
		return "raw_tracepoint"
	case FDTypeTracepoint:
		return "tracepoint"
	case FDTypeKprobe:
		return "kprobe"
	case FDTypeKretprobe:
		return "kretprobe"
	case FDTypeUprobe:
		return "uprobe"
	case FDTypeUretprobe:
		return "uretprobe"
	}
	return fmt.Sprintf("FDType(%d)", uint32(t))
}

// TaskFDInfo is what TaskFDQuery reports about a descriptor.
type TaskFDInfo struct {
	// ProgramID is the program attached through the descriptor.
	ProgramID uint32
	// Type is the kind of attachment.
	Type FDType
	// Name is the tracepoint's name, the kprobe's function or the
	// uprobe's file; "" for a kprobe given by address.
	Name string
	// ProbeOffset is the offset of a kprobe in its function or of a
	// uprobe in its file; ProbeAddr the address of a kprobe given by
	// address.
	ProbeOffset uint64
	ProbeAddr   uint64
}

// maxTaskFDName bounds the names TaskFDQuery reads; the path of a uprobe's
// file is at most PATH_MAX.
const maxTaskFDName = unix.PathMax

// TaskFDQuery asks the kernel what BPF program is attached through the
// descriptor fd of process pid, and where, with bpf_task_fd_query
// (BPF_TASK_FD_QUERY, kernel 4.17, needs CAP_SYS_ADMIN): fd is a raw
// tracepoint link, or a perf event a tracepoint, kprobe or uprobe program
// is attached to (Link.FD gives them for this process). A descriptor that
// is not one of these gives EBADF, ENOTSUPP (524) or EINVAL; a perf event
// without a program, ENOENT; an unknown pid or fd, ESRCH or EBADF.
func TaskFDQuery(pid, fd int) (TaskFDInfo, error) {
	const op = "TaskFDQuery"
	subject := fmt.Sprintf("pid %d fd %d", pid, fd)
	buf := (*C.char)(C.calloc(1, maxTaskFDName))
	if buf == nil {
		return TaskFDInfo{}, opError(op, subject, "calloc", unix.ENOMEM)
	}
	defer C.free(unsafe.Pointer(buf))
	size := C.__u32(maxTaskFDName)
	var progID, fdType C.__u32
	var offset, addr C.__u64
	// buf is C memory; the outputs are Go memory without Go pointers,
	// written during the call.
	if ret := C.bpf_task_fd_query(C.int(pid), C.int(fd), 0, buf, &size, &progID, &fdType, &offset, &addr); ret < 0 {
		return TaskFDInfo{}, opError(op, subject, "bpf_task_fd_query", errnoErr(ret))
	}
	return TaskFDInfo{
		ProgramID:   uint32(progID),
		Type:        FDType(fdType),
		Name:        goStringN(buf, maxTaskFDName),
		ProbeOffset: uint64(offset),
		ProbeAddr:   uint64(addr),
	}, nil
}

// Stats keeps the kernel's run time statistics of BPF programs on
// (ProgramInfo.RunTime and RunCount) until Close.
type Stats struct {
	fd int
}

// EnableStats turns on the kernel's run time statistics of every BPF
// program with bpf_enable_stats(BPF_STATS_RUN_TIME) (kernel 5.8, needs
// CAP_SYS_ADMIN): while any such descriptor is open, each run of a
// program adds to its RunCount and RunTime in ProgramInfo, at a cost of a
// few nanoseconds per run. Close turns them off again (unless the sysctl
// kernel.bpf_stats_enabled or another holder keeps them on); the counts
// stay.
func EnableStats() (*Stats, error) {
	fd := C.bpf_enable_stats(C.BPF_STATS_RUN_TIME)
	if fd < 0 {
		return nil, opError("EnableStats", "", "bpf_enable_stats BPF_STATS_RUN_TIME", errnoErr(fd))
	}
	return &Stats{fd: int(fd)}, nil
}

// Close releases the statistics descriptor; it is idempotent.
func (s *Stats) Close() error {
	if s == nil || s.fd < 0 {
		return nil
	}
	err := unix.Close(s.fd)
	s.fd = -1
	if err != nil {
		return opError("Stats.Close", "run time statistics", "close", err)
	}
	return nil
}

// BindMap binds m to the loaded program with bpf_prog_bind_map
// (BPF_PROG_BIND_MAP, kernel 5.10): the kernel keeps m alive as long as the
// program is, as for the maps the program's instructions use, and lists it
// in the program's map IDs, so that metadata maps (bpftool's
// ".rodata" with bpf_metadata_* variables) stay with the program. Binding
// a map twice does nothing. m may belong to any object or be opened
// without one.
func (p *Program) BindMap(m *Map) error {
	const op = "Program.BindMap"
	if m == nil {
		return opError(op, p.subject(), "", fmt.Errorf("nil map: %w", ErrClosed))
	}
	// A duplicate of the map's descriptor, so that no two objects' locks
	// are held at once.
	mfd, err := m.dupFD("")
	if err != nil {
		return wrapOp(op, p.subject(), err)
	}
	defer unix.Close(mfd)
	fd, ok := p.lockFD()
	if !ok {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if fd < 0 {
		return opError(op, p.subject(), "", fmt.Errorf("program not loaded: %w", unix.EBADF))
	}
	if ret := C.bpf_prog_bind_map(fd, C.int(mfd), nil); ret < 0 {
		return opError(op, p.subject(), "bpf_prog_bind_map "+m.subject(), errnoErr(ret))
	}
	return nil
}
