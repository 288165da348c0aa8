package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// LinkType is the kind of a BPF link (enum bpf_link_type).
type LinkType uint32

// Link types, from enum bpf_link_type.
const (
	LinkTypeUnspec        = LinkType(C.BPF_LINK_TYPE_UNSPEC)
	LinkTypeRawTracepoint = LinkType(C.BPF_LINK_TYPE_RAW_TRACEPOINT)
	LinkTypeTracing       = LinkType(C.BPF_LINK_TYPE_TRACING)
	LinkTypeCgroup        = LinkType(C.BPF_LINK_TYPE_CGROUP)
	LinkTypeIter          = LinkType(C.BPF_LINK_TYPE_ITER)
	LinkTypeNetns         = LinkType(C.BPF_LINK_TYPE_NETNS)
	LinkTypeXDP           = LinkType(C.BPF_LINK_TYPE_XDP)
	LinkTypePerfEvent     = LinkType(C.BPF_LINK_TYPE_PERF_EVENT)
	LinkTypeKprobeMulti   = LinkType(C.BPF_LINK_TYPE_KPROBE_MULTI)
	LinkTypeStructOps     = LinkType(C.BPF_LINK_TYPE_STRUCT_OPS)
	LinkTypeNetfilter     = LinkType(C.BPF_LINK_TYPE_NETFILTER)
	LinkTypeTCX           = LinkType(C.BPF_LINK_TYPE_TCX)
	LinkTypeUprobeMulti   = LinkType(C.BPF_LINK_TYPE_UPROBE_MULTI)
	LinkTypeNetkit        = LinkType(C.BPF_LINK_TYPE_NETKIT)
	LinkTypeSockmap       = LinkType(C.BPF_LINK_TYPE_SOCKMAP)
)

// String returns libbpf's name for the link type
// (libbpf_bpf_link_type_str), such as "raw_tracepoint", or "LinkType(N)"
// for a value libbpf does not know.
func (t LinkType) String() string {
	// libbpf returns a static string or NULL; GoString copies it.
	if s := C.libbpf_bpf_link_type_str(C.enum_bpf_link_type(t)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("LinkType(%d)", uint32(t))
}

// LinkInfo is what the kernel reports about a link (struct bpf_link_info,
// from BPF_OBJ_GET_INFO_BY_FD, kernel 5.8).
type LinkInfo struct {
	// Type is the kind of link.
	Type LinkType
	// ID is the link's system-wide ID.
	ID uint32
	// ProgramID is the ID of the program the link attaches.
	ProgramID uint32
	// TracepointName is the tracepoint a raw tracepoint link (kernel 5.8)
	// or a tracepoint perf event link (kernel 6.6) is attached to, such as
	// "sys_enter" or "sys_enter_getpid" (without the category); "" for
	// other links.
	TracepointName string
}

// maxTracepointName bounds the tracepoint names Link.Info reads; longer
// names give an error wrapping ENOSPC.
const maxTracepointName = 256

// Info returns what the kernel reports about the link, with
// bpf_link_get_info_by_fd (kernel 5.8), including the tracepoint name of
// raw tracepoint and tracepoint links.
func (l *Link) Info() (LinkInfo, error) {
	const fn = "bpf_link_get_info_by_fd"
	if !l.lock() {
		return LinkInfo{}, closedError(fn)
	}
	defer l.mu.RUnlock()
	if err := l.noFD(fn); err != nil {
		return LinkInfo{}, err
	}
	// The link is valid under the read lock.
	fd := l.cFD()
	if fd < 0 {
		return LinkInfo{}, fmt.Errorf("%s: link has no file descriptor: %w", fn, unix.EBADF)
	}
	var out C.struct_lbg_link_info
	var name [maxTracepointName]byte
	// out and name are Go memory without Go pointers; the kernel writes
	// name during the call only.
	if ret := C.lbg_link_get_info(fd, &out, (*C.char)(bytesPtr(name[:])), C.__u32(len(name))); ret < 0 {
		return LinkInfo{}, fmt.Errorf("%s: %w", fn, errnoErr(ret))
	}
	info := LinkInfo{
		Type:      LinkType(out._type),
		ID:        uint32(out.id),
		ProgramID: uint32(out.prog_id),
	}
	if out.has_tp_name != 0 {
		info.TracepointName = unix.ByteSliceToString(name[:])
	}
	return info, nil
}
