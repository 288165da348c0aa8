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

// ownedLink is a Link opened by OpenLinkID, which owns its descriptor.
// libbpf opens links only from a pin (bpf_link__open), so such a Link
// holds the descriptor itself and makes the calls libbpf would make on it
// (the descriptor based bpf_link_* functions, bpf_obj_pin, unlink):
// libbpf's own link from a pin is the same thing, a descriptor whose
// detach is closing it.
type ownedLink struct {
	fd C.int
	// pinned is where Pin pinned the link, "" when not pinned.
	pinned string
	// disconnected makes close leave fd open, as bpf_link__disconnect
	// does for libbpf's links.
	disconnected bool
}

// OpenLinkID opens the link whose system-wide ID is id (LinkInfo.ID, as
// bpftool lists them) with bpf_link_get_fd_by_id (BPF_LINK_GET_FD_BY_ID,
// kernel 5.8, needs CAP_SYS_ADMIN). The Link works as one from OpenLink:
// Close releases this process's reference and leaves the link attached as
// long as its creator, a pin or another descriptor holds it; Detach, Pin,
// Unpin, UpdateProgram, Info and NewIterReader act on the kernel's link.
// An ID no link has gives an error wrapping ENOENT.
func OpenLinkID(id uint32) (*Link, error) {
	fd := C.bpf_link_get_fd_by_id(C.__u32(id))
	if fd < 0 {
		return nil, opError("OpenLinkID", "id "+strconv.FormatUint(uint64(id), 10),
			"bpf_link_get_fd_by_id", byIDErr(errnoErr(fd)))
	}
	return &Link{kind: &ownedLink{fd: fd}, id: id}, nil
}

func (b *ownedLink) ownFD() (C.int, error)          { return b.fd, nil }
func (b *ownedLink) libbpfLink() *C.struct_bpf_link { return nil }
func (b *ownedLink) pinPath() string                { return b.pinned }
func (b *ownedLink) disconnect()                    { b.disconnected = true }

// close implements Close for a link opened by ID. The caller holds l.mu
// for writing.
func (b *ownedLink) close() error {
	if !b.disconnected {
		unix.Close(int(b.fd))
	}
	b.fd = -1
	return nil
}

// detach implements Detach for a link opened by ID with bpf_link_detach.
func (b *ownedLink) detach() C.int {
	return C.bpf_link_detach(b.fd)
}

// pin implements Pin for a link opened by ID with bpf_obj_pin, as
// bpf_link__pin does. The caller holds l.mu for writing and has checked
// path.
func (b *ownedLink) pin(path string) error {
	if b.pinned != "" {
		return fmt.Errorf("already pinned at %q: %w", b.pinned, unix.EBUSY)
	}
	if err := objPin(b.fd, path); err != nil {
		return &callError{call: "bpf_obj_pin " + strconv.Quote(path), err: err}
	}
	b.pinned = path
	return nil
}

// unpin implements Unpin for a link opened by ID, as bpf_link__unpin does:
// it removes the pin made by pin. The caller holds l.mu for writing.
func (b *ownedLink) unpin() error {
	if b.pinned == "" {
		return fmt.Errorf("link not pinned: %w", unix.EINVAL)
	}
	if err := checkPinPath(b.pinned); err != nil {
		return err
	}
	if err := unix.Unlink(b.pinned); err != nil {
		return &callError{call: "unlink " + strconv.Quote(b.pinned), err: err}
	}
	b.pinned = ""
	return nil
}
