package libbpf

/*
#include "glue.h"
*/
import "C"

// Ownership of handles.
//
// A Map, Program or Link is one of two kinds, decided once when it is
// made and never tested on the paths that only need its descriptor:
//
//   - borrowed: it belongs to an Object (Object.Maps, Object.Programs) or
//     wraps a libbpf struct (struct bpf_link). Its descriptor is libbpf's;
//     a Map's or Program's lock is its Object's (Object.mu), and
//     Object.Load and Object.Close move it from open to loaded to closed;
//   - owned: opened without an object (OpenMapPinned, OpenMapID,
//     OpenProgramPinned, OpenProgramID, OpenLinkID). It owns its
//     descriptor and a lock of its own, starts loaded, and its own Close
//     closes it.
//
// Maps and Programs share an fdHandle: the lock that guards the handle (a
// pointer to the Object's lock or to the handle's own), its state and its
// descriptor, cached so that no call asks libbpf for it. The operations
// that need only the descriptor (a map's element and batch calls, Info,
// Freeze, Memory; a program's TestRun, Info and the attachments by
// descriptor) take the lock through the fdHandle and use its descriptor,
// whatever the kind. What only a borrowed handle has, the libbpf struct
// and the libbpf setters and getters on it, is reached through that
// struct's field (Map.m, Program.prog), nil for an owned handle, and the
// libbpf calls refuse an owned handle with EOPNOTSUPP in one place
// (Map.lockLibbpf and writeLibbpf, Program.lock and writeLibbpf). What
// only an owned handle has (its lock, a map's pin state and capacity, the
// resources Close releases) sits in one struct, nil for a borrowed handle
// (ownedMap, ownedProgram), which Close, Pin, Unpin, PinPath, IsPinned
// and MaxEntries test.
//
// A Link has a lock of its own whatever its kind, since it outlives its
// Object; its kind is a linkKind value (bpfLink, usdtLink, structOpsLink,
// structOpsMapLink, ownedLink) whose methods hold what differs: the own
// descriptor or why there is none, detach, pin, unpin, disconnect, close.
//
// The lock order is unchanged: a method holds the lock of at most one
// Object (or owned handle) at a time, after its Link's lock if any. That
// lock is a handleLock (handle_lock.go): a sync.RWMutex, and for Objects
// and owned maps a read guard that the map element operations take
// instead of the read lock, so that lookups from several CPUs do not all
// write the RWMutex's reader count; its writers shut out both.

// handleState is where a Map or Program is in its life.
type handleState uint8

const (
	// handleOpen: the handle's Object is open but not loaded, so the
	// map or program does not exist in the kernel yet.
	handleOpen handleState = iota
	// handleLoaded: Object.Load was attempted (fd is -1 where it did not
	// create the map or load the program), or an owned handle is open.
	handleLoaded
	// handleClosed: Object.Close or, for an owned handle, Close ran.
	handleClosed
)

// fdHandle is the part every Map and Program has, whatever its kind (see
// "Ownership of handles" above).
type fdHandle struct {
	// mu is the lock that guards the handle: its Object's, or for an
	// owned handle its own. nil for a zero Map or Program, which is
	// closed.
	mu *handleLock
	// state and fd change only under mu held for writing.
	state handleState
	// fd is the descriptor: libbpf's for a borrowed handle, cached when
	// the Object opens or loads (-1 before the map is created or the
	// program loaded); the handle's own for an owned one. -1 once closed.
	fd C.int
}

// rlock takes the handle's read lock and reports whether it is still
// open; when it returns true the caller must call h.mu.RUnlock.
func (h *fdHandle) rlock() bool {
	if h.mu == nil {
		return false
	}
	h.mu.RLock()
	if h.state == handleClosed {
		h.mu.RUnlock()
		return false
	}
	return true
}

// wlock is rlock for writers: when it returns true the caller must call
// h.mu.Unlock.
func (h *fdHandle) wlock() bool {
	if h.mu == nil {
		return false
	}
	h.mu.Lock()
	if h.state == handleClosed {
		h.mu.Unlock()
		return false
	}
	return true
}

// loadedFD returns the descriptor and whether the handle exists in the
// kernel: loaded, with a descriptor. The caller holds the lock.
func (h *fdHandle) loadedFD() (C.int, bool) {
	return h.fd, h.state == handleLoaded && h.fd >= 0
}

// loaded reports whether Object.Load ran (always true for an owned
// handle). The caller holds the lock.
func (h *fdHandle) loaded() bool {
	return h.state == handleLoaded
}

// markLoaded records fd, the descriptor Load gave the handle (-1 for
// none). The caller holds the lock for writing.
func (h *fdHandle) markLoaded(fd C.int) {
	h.fd, h.state = fd, handleLoaded
}

// markClosed makes the handle closed; it does not close the descriptor,
// which belongs to libbpf or to the caller. The caller holds the lock for
// writing.
func (h *fdHandle) markClosed() {
	h.fd, h.state = -1, handleClosed
}
