package libbpf

/*
#include "glue.h"
#include <linux/bpf.h>
*/
import "C"

import (
	"fmt"
	"math"
	"sync"

	"golang.org/x/sys/unix"
)

// TCAttachPoint says where on a network device a tc program runs (enum
// bpf_tc_attach_point).
type TCAttachPoint uint32

const (
	// TCIngress is the clsact qdisc's ingress hook, for packets the device
	// receives (BPF_TC_INGRESS).
	TCIngress = TCAttachPoint(1)
	// TCEgress is the clsact qdisc's egress hook, for packets the device
	// sends (BPF_TC_EGRESS).
	TCEgress = TCAttachPoint(2)
)

// TCHook names a tc hook of a network device: the ingress or egress side
// of its clsact qdisc (struct bpf_tc_hook). It is a plain description,
// not a handle: Create and Destroy change the device, and
// Program.AttachTC attaches filters to it. The filters and the qdisc
// belong to the device, not to this process: they stay after the process
// exits, until detached or destroyed.
type TCHook struct {
	// Ifindex is the index of the network device (ifindex).
	Ifindex int
	// AttachPoint is TCIngress or TCEgress; Destroy also accepts
	// TCIngress|TCEgress (attach_point).
	AttachPoint TCAttachPoint
}

// subject names the hook in errors: "tc hook ifindex 3 ingress", or
// "tc hook" for a nil one.
func (h *TCHook) subject() string {
	if h == nil {
		return "tc hook"
	}
	return fmt.Sprintf("tc hook ifindex %d %s", h.Ifindex, h.AttachPoint.side())
}

// side names the attach point in errors: "ingress", "egress", "ingress
// and egress" or its number.
func (a TCAttachPoint) side() string {
	switch a {
	case TCIngress:
		return "ingress"
	case TCEgress:
		return "egress"
	case TCIngress | TCEgress:
		return "ingress and egress"
	}
	return fmt.Sprintf("attach point %#x", uint32(a))
}

// cHook checks the hook and returns it as libbpf's struct. both allows
// TCIngress|TCEgress.
func (h *TCHook) cHook(both bool) (C.struct_bpf_tc_hook, error) {
	if h == nil {
		return C.struct_bpf_tc_hook{}, fmt.Errorf("nil tc hook: %w", unix.EINVAL)
	}
	if err := checkIfindex(h.Ifindex); err != nil {
		return C.struct_bpf_tc_hook{}, err
	}
	switch h.AttachPoint {
	case TCIngress, TCEgress:
	case TCIngress | TCEgress:
		if !both {
			return C.struct_bpf_tc_hook{}, fmt.Errorf("tc attach point %#x: want TCIngress or TCEgress: %w", uint32(h.AttachPoint), unix.EINVAL)
		}
	default:
		return C.struct_bpf_tc_hook{}, fmt.Errorf("tc attach point %#x: %w", uint32(h.AttachPoint), unix.EINVAL)
	}
	return C.struct_bpf_tc_hook{
		sz:           C.sizeof_struct_bpf_tc_hook,
		ifindex:      C.int(h.Ifindex),
		attach_point: C.enum_bpf_tc_attach_point(h.AttachPoint),
	}, nil
}

// Create adds a clsact qdisc to the device through netlink with
// bpf_tc_hook_create (kernel 4.5), which gives the device both its ingress
// and its egress hook. When the device already has one the error wraps
// EEXIST, and the existing qdisc can be used as is.
func (h *TCHook) Create() error {
	const op = "TCHook.Create"
	hook, err := h.cHook(true)
	if err != nil {
		return opError(op, h.subject(), "", err)
	}
	// hook is Go memory without Go pointers, read only during the call.
	if ret := C.bpf_tc_hook_create(&hook); ret < 0 {
		return opError(op, h.subject(), "bpf_tc_hook_create", errnoErr(ret))
	}
	return nil
}

// Destroy removes tc programs through netlink with bpf_tc_hook_destroy
// (kernel 4.5): with AttachPoint TCIngress|TCEgress it deletes the
// device's clsact qdisc and every filter on it; with TCIngress or TCEgress
// it deletes every filter of that side and keeps the qdisc. A device
// without a clsact qdisc gives an error from the kernel (ENOENT or
// EINVAL).
func (h *TCHook) Destroy() error {
	const op = "TCHook.Destroy"
	hook, err := h.cHook(true)
	if err != nil {
		return opError(op, h.subject(), "", err)
	}
	// hook is Go memory without Go pointers, read only during the call.
	if ret := C.bpf_tc_hook_destroy(&hook); ret < 0 {
		return opError(op, h.subject(), "bpf_tc_hook_destroy", errnoErr(ret))
	}
	return nil
}

// Query returns the id of the program attached to the hook as the filter
// with the given handle and priority, with bpf_tc_query (kernel 4.5). Both
// must be given (non-zero). Where no such filter exists the kernel answers
// with ENOENT, or with EINVAL when the hook has no filters left at that
// priority.
func (h *TCHook) Query(handle, priority uint32) (uint32, error) {
	id, call, err := h.query(handle, priority)
	if err != nil {
		return 0, opError("TCHook.Query", h.subject(), call, err)
	}
	return id, nil
}

// query is TCHook.Query; its error is the cause, with the call made
// ("" for none).
func (h *TCHook) query(handle, priority uint32) (uint32, string, error) {
	hook, err := h.cHook(false)
	if err != nil {
		return 0, "", err
	}
	if handle == 0 || priority == 0 || priority > math.MaxUint16 {
		return 0, "", fmt.Errorf("handle %#x priority %d: %w", handle, priority, unix.EINVAL)
	}
	opts := C.struct_bpf_tc_opts{
		sz:       C.sizeof_struct_bpf_tc_opts,
		handle:   C.__u32(handle),
		priority: C.__u32(priority),
	}
	// hook and opts are Go memory without Go pointers, used only during the
	// call.
	if ret := C.bpf_tc_query(&hook, &opts); ret < 0 {
		return 0, fmt.Sprintf("bpf_tc_query handle %#x priority %d", handle, priority), errnoErr(ret)
	}
	return uint32(opts.prog_id), "", nil
}

// TCFlags are the flags of TCOptions (enum bpf_tc_flags).
type TCFlags uint32

// TCReplace lets Program.AttachTC replace the program of an existing filter
// with the same handle and priority (BPF_TC_F_REPLACE); without it such a
// filter makes AttachTC fail with EEXIST.
const TCReplace = TCFlags(1)

// TCOptions are the optional parameters of Program.AttachTC (struct
// bpf_tc_opts).
type TCOptions struct {
	// Handle is the filter's handle (handle); 0 lets the kernel choose one.
	Handle uint32
	// Priority is the filter's priority, 1 to 65535 (priority); 0 lets the
	// kernel choose one.
	Priority uint32
	// Flags are TCReplace or 0 (flags).
	Flags TCFlags
}

// TCAttachment is a tc filter made by Program.AttachTC: the program
// attached to a tc hook with a handle and a priority. It is not a Link:
// the filter belongs to the device and stays after the process exits,
// until Detach, TCHook.Destroy or the device's removal. A TCAttachment is
// safe for concurrent use.
type TCAttachment struct {
	mu       sync.Mutex
	hook     TCHook
	handle   uint32
	priority uint32
	progID   uint32
	detached bool
}

// AttachTC attaches the loaded program, a SEC("tc") (or
// SEC("classifier")) program, as a direct-action cls_bpf filter of the
// hook's clsact qdisc, through netlink with bpf_tc_attach (kernel 4.5; the
// qdisc must exist, see TCHook.Create, else the kernel answers EINVAL). hook's AttachPoint must be TCIngress or TCEgress. opts may be
// nil; the handle and priority the kernel chose are in the result. The
// filter stays attached after the process exits, until
// TCAttachment.Detach.
func (p *Program) AttachTC(hook *TCHook, opts *TCOptions) (*TCAttachment, error) {
	const op = "Program.AttachTC"
	fd, ok := p.lockFD()
	if !ok {
		return nil, p.closed(op)
	}
	defer p.mu.RUnlock()
	chook, err := hook.cHook(false)
	if err != nil {
		return nil, p.opErr(op, "", err)
	}
	if opts == nil {
		opts = &TCOptions{}
	}
	if opts.Priority > math.MaxUint16 {
		return nil, p.opErr(op, "", fmt.Errorf("priority %d above 65535: %w", opts.Priority, unix.EINVAL))
	}
	if opts.Flags&^TCReplace != 0 {
		return nil, p.opErr(op, "", fmt.Errorf("unknown flags %#x: %w", uint32(opts.Flags), unix.EINVAL))
	}
	if opts.Flags&TCReplace != 0 && (opts.Handle == 0 || opts.Priority == 0) {
		return nil, p.opErr(op, "", fmt.Errorf("TCReplace needs a handle and a priority: %w", unix.EINVAL))
	}
	if fd < 0 {
		return nil, p.notLoadedErr(op, unix.EBADF)
	}
	copts := C.struct_bpf_tc_opts{
		sz:       C.sizeof_struct_bpf_tc_opts,
		prog_fd:  fd,
		flags:    C.__u32(opts.Flags),
		handle:   C.__u32(opts.Handle),
		priority: C.__u32(opts.Priority),
	}
	// chook and copts are Go memory without Go pointers, used only during
	// the call; libbpf writes the handle, priority and program id chosen.
	if ret := C.bpf_tc_attach(&chook, &copts); ret < 0 {
		return nil, p.opErr(op, fmt.Sprintf("bpf_tc_attach ifindex %d %s", hook.Ifindex, hook.AttachPoint.side()), p.permErr(errnoErr(ret)))
	}
	return &TCAttachment{
		hook:     *hook,
		handle:   uint32(copts.handle),
		priority: uint32(copts.priority),
		progID:   uint32(copts.prog_id),
	}, nil
}

// Hook returns the hook the filter was attached to.
func (a *TCAttachment) Hook() TCHook {
	if a == nil {
		return TCHook{}
	}
	return a.hook
}

// Handle returns the filter's handle, or 0 for a nil TCAttachment.
func (a *TCAttachment) Handle() uint32 {
	if a == nil {
		return 0
	}
	return a.handle
}

// Priority returns the filter's priority, or 0 for a nil TCAttachment.
func (a *TCAttachment) Priority() uint32 {
	if a == nil {
		return 0
	}
	return a.priority
}

// ProgramID returns the kernel id of the program attached, as
// bpf_tc_attach reported it, or 0 for a nil TCAttachment.
func (a *TCAttachment) ProgramID() uint32 {
	if a == nil {
		return 0
	}
	return a.progID
}

// Query returns the id of the program the filter runs now, with
// bpf_tc_query (kernel 4.5); it differs from ProgramID once another
// program replaced it (TCReplace). A filter removed by other means gives
// an error as TCHook.Query describes; after Detach the error wraps
// ErrClosed.
func (a *TCAttachment) Query() (uint32, error) {
	const op = "TCAttachment.Query"
	if a == nil {
		return 0, opError(op, a.subject(), "", ErrClosed)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.detached {
		return 0, opError(op, a.subject(), "", ErrClosed)
	}
	id, call, err := a.hook.query(a.handle, a.priority)
	if err != nil {
		return 0, opError(op, a.subject(), call, err)
	}
	return id, nil
}

// subject names the filter in errors: "tc filter ifindex 3 ingress handle
// 0x1 priority 1", or "tc filter" for a nil TCAttachment. Its fields do
// not change after AttachTC.
func (a *TCAttachment) subject() string {
	if a == nil {
		return "tc filter"
	}
	return fmt.Sprintf("tc filter ifindex %d %s handle %#x priority %d",
		a.hook.Ifindex, a.hook.AttachPoint.side(), a.handle, a.priority)
}

// Detach removes the filter with bpf_tc_detach (kernel 4.5). Detach is
// idempotent: later calls return nil. A filter already removed by other
// means gives an error from the kernel (ENOENT or EINVAL).
func (a *TCAttachment) Detach() error {
	const op = "TCAttachment.Detach"
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.detached {
		return nil
	}
	hook, err := a.hook.cHook(false)
	if err != nil {
		return opError(op, a.subject(), "", err)
	}
	opts := C.struct_bpf_tc_opts{
		sz:       C.sizeof_struct_bpf_tc_opts,
		handle:   C.__u32(a.handle),
		priority: C.__u32(a.priority),
	}
	// hook and opts are Go memory without Go pointers, read only during the
	// call.
	ret := C.bpf_tc_detach(&hook, &opts)
	a.detached = true
	if ret < 0 {
		return opError(op, a.subject(), "bpf_tc_detach", errnoErr(ret))
	}
	return nil
}
