package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

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

// AttachXDP attaches the loaded XDP program to the network device with index
// ifindex through a BPF link, with bpf_program__attach_xdp (kernel 5.9). The
// link detaches the program when closed; unlike XDPAttach it cannot replace
// a program already attached to the device, and the kernel refuses it. The
// returned Link must be closed by the caller.
func (p *Program) AttachXDP(ifindex int) (*Link, error) {
	return p.attach("Program.AttachXDP", func() (*C.struct_bpf_link, error) {
		if err := checkIfindex(ifindex); err != nil {
			return nil, err
		}
		l, err := C.bpf_program__attach_xdp(p.prog, C.int(ifindex))
		if l == nil {
			return nil, failed(fmt.Sprintf("bpf_program__attach_xdp ifindex %d", ifindex), err)
		}
		return l, nil
	})
}

// XDPAttach attaches the loaded XDP program prog to the network device with
// index ifindex through netlink, with bpf_xdp_attach (kernel 4.8; flags
// choose the mode and whether to replace an attached program). The
// program stays attached after the process exits, until XDPDetach.
//
// Its errors are *OpError with Op "XDPAttach" and prog as the Subject.
func XDPAttach(ifindex int, prog *Program, flags XDPFlags) error {
	const op = "XDPAttach"
	if err := checkIfindex(ifindex); err != nil {
		return prog.opErr(op, "", err)
	}
	fd, ok := prog.lockFD()
	if !ok {
		return prog.closed(op)
	}
	defer prog.mu.RUnlock()
	if fd < 0 {
		return prog.notLoadedErr(op, unix.EBADF)
	}
	if ret := C.bpf_xdp_attach(C.int(ifindex), fd, C.__u32(flags), nil); ret < 0 {
		return prog.opErr(op, fmt.Sprintf("bpf_xdp_attach ifindex %d", ifindex), prog.permErr(errnoErr(ret)))
	}
	return nil
}

// XDPDetach detaches the XDP program attached with the mode in flags from
// the network device with index ifindex, with bpf_xdp_detach (kernel 4.8).
// Detaching where nothing is attached succeeds.
func XDPDetach(ifindex int, flags XDPFlags) error {
	const op = "XDPDetach"
	subject := "ifindex " + strconv.Itoa(ifindex)
	if err := checkIfindex(ifindex); err != nil {
		return opError(op, subject, "", err)
	}
	if ret := C.bpf_xdp_detach(C.int(ifindex), C.__u32(flags), nil); ret < 0 {
		return opError(op, subject, "bpf_xdp_detach", errnoErr(ret))
	}
	return nil
}

// XDPQuery reports the XDP programs attached to the network device with
// index ifindex, with bpf_xdp_query (kernel 4.8). flags may name one mode
// to report, or be 0.
func XDPQuery(ifindex int, flags XDPFlags) (XDPInfo, error) {
	const op = "XDPQuery"
	subject := "ifindex " + strconv.Itoa(ifindex)
	if err := checkIfindex(ifindex); err != nil {
		return XDPInfo{}, opError(op, subject, "", err)
	}
	opts := C.struct_bpf_xdp_query_opts{sz: C.sizeof_struct_bpf_xdp_query_opts}
	// opts is Go memory without pointers, written only during the call.
	if ret := C.bpf_xdp_query(C.int(ifindex), C.int(flags), &opts); ret < 0 {
		return XDPInfo{}, opError(op, subject, "bpf_xdp_query", errnoErr(ret))
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
