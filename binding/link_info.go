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
	LinkTypeUnspec        = LinkType(0)
	LinkTypeRawTracepoint = LinkType(1)
	LinkTypeTracing       = LinkType(2)
	LinkTypeCgroup        = LinkType(3)
	LinkTypeIter          = LinkType(4)
	LinkTypeNetns         = LinkType(5)
	LinkTypeXDP           = LinkType(6)
	LinkTypePerfEvent     = LinkType(7)
	LinkTypeKprobeMulti   = LinkType(8)
	LinkTypeStructOps     = LinkType(9)
	LinkTypeNetfilter     = LinkType(10)
	LinkTypeTCX           = LinkType(11)
	LinkTypeUprobeMulti   = LinkType(12)
	LinkTypeNetkit        = LinkType(13)
	LinkTypeSockmap       = LinkType(14)
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
	// AttachType is the attach type of tracing, cgroup, netns, tcx,
	// netkit and sockmap links; 0 for the others.
	AttachType AttachType
	// Ifindex is the network device of XDP, tcx and netkit links.
	Ifindex uint32
	// CgroupID is the cgroup of cgroup links (the cgroup directory's inode
	// number on cgroup v2).
	CgroupID uint64
	// NetnsIno is the inode number of the network namespace of netns
	// links.
	NetnsIno uint32
	// MapID is the map of struct_ops links (kernel 6.4) and sockmap
	// links (kernel 6.10).
	MapID uint32
	// TargetObjID and TargetBTFID name what a tracing link attaches to:
	// the program (for freplace) or BTF object, and the BTF type ID in it
	// (kernel 5.13).
	TargetObjID uint32
	TargetBTFID uint32
}

// maxTracepointName bounds the tracepoint names Link.Info reads; longer
// names give an error wrapping ENOSPC.
const maxTracepointName = 256

// Info returns what the kernel reports about the link, with
// bpf_link_get_info_by_fd (kernel 5.8): its type, ID and program, and what
// it is attached to (the tracepoint name of raw tracepoint and tracepoint
// links, the device, cgroup, network namespace, map or BTF target of the
// link types that report one).
func (l *Link) Info() (LinkInfo, error) {
	const op = "Link.Info"
	if !l.lock() {
		return LinkInfo{}, l.opErr(op, "", ErrClosed)
	}
	defer l.mu.RUnlock()
	if err := l.noFD(op); err != nil {
		return LinkInfo{}, err
	}
	// The link is valid under the read lock.
	fd := l.cFD()
	if fd < 0 {
		return LinkInfo{}, l.opErr(op, "", fmt.Errorf("link has no file descriptor: %w", unix.EBADF))
	}
	var out C.struct_lbg_link_info
	var name [maxTracepointName]byte
	// out and name are Go memory without Go pointers; the kernel writes
	// name during the call only.
	if ret := C.lbg_link_get_info(fd, &out, (*C.char)(bytesPtr(name[:])), C.__u32(len(name))); ret < 0 {
		return LinkInfo{}, l.opErr(op, "bpf_link_get_info_by_fd", errnoErr(ret))
	}
	info := LinkInfo{
		Type:        LinkType(out._type),
		ID:          uint32(out.id),
		ProgramID:   uint32(out.prog_id),
		AttachType:  AttachType(out.attach_type),
		Ifindex:     uint32(out.ifindex),
		CgroupID:    uint64(out.cgroup_id),
		NetnsIno:    uint32(out.netns_ino),
		MapID:       uint32(out.map_id),
		TargetObjID: uint32(out.target_obj_id),
		TargetBTFID: uint32(out.target_btf_id),
	}
	if out.has_tp_name != 0 {
		info.TracepointName = unix.ByteSliceToString(name[:])
	}
	return info, nil
}
