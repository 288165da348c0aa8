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

// MapUpdateFlags are the flags of Map.Update (the BPF_MAP_UPDATE_ELEM
// flags).
type MapUpdateFlags uint64

const (
	// UpdateAny creates the element or updates an existing one (BPF_ANY).
	UpdateAny MapUpdateFlags = 0
	// UpdateNoExist creates the element only if it does not exist
	// (BPF_NOEXIST); otherwise the update fails with EEXIST.
	UpdateNoExist MapUpdateFlags = 1
	// UpdateExist updates the element only if it exists (BPF_EXIST);
	// otherwise the update fails with ENOENT.
	UpdateExist MapUpdateFlags = 1 << 1
	// UpdateLock updates the value's bpf_spin_lock-protected fields under
	// the lock (BPF_F_LOCK, kernel 5.1).
	UpdateLock MapUpdateFlags = 1 << 2
)

// Map is one BPF map of an Object (struct bpf_map), including the internal
// maps libbpf makes for global variables (.bss, .data, .rodata, .kconfig).
// It belongs to its Object: once the Object is closed, every method returns
// an error wrapping ErrClosed or a zero value.
//
// A Map opened without an object, by OpenMapPinned or OpenMapID, has no
// struct bpf_map: its data methods, FD, Freeze, Info, ID and Iterate work
// as for any loaded map, and so do Pin, Unpin, PinPath and IsPinned (a
// Map from OpenMapPinned starts pinned at its path); the libbpf setters
// fail with EOPNOTSUPP, and Map.Close releases it.
//
// Lookup, Update, Delete, NextKey and LookupAndDelete work once the object
// is loaded (before, they fail with EBADF). They are safe for concurrent
// use, check buffer sizes in Go (ErrInvalidSize), make the single bpf(2)
// call libbpf's function would make, from Go without entering C, and do
// not allocate when they succeed.
//
// Every error of its methods is an [OpError] whose Op is the method
// ("Map.Lookup"), whose Subject is the map ("map counts", see
// Map.subject), and whose Call is the bpf(2) command or libbpf function
// that failed, or "" when the method refused before calling anything:
//
//	Map.Lookup map counts: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory
//	Map.Update map counts: value is 4 bytes, want 8: libbpf: invalid size
type Map struct {
	mapCore
	// obj and m are the Object and the libbpf map of a map of an Object;
	// both nil for a map opened without an object.
	obj *Object
	m   *C.struct_bpf_map
	// own is the state of a map opened without an object, which owns its
	// descriptor (OpenMapPinned, OpenMapID); nil for a map of an Object.
	own *ownedMap
}

// mapCore is what every Map has, whatever its kind (see "Ownership of
// handles" in handle.go): the lock, state and descriptor, and what the
// element operations check, cached so that they need no cgo call.
type mapCore struct {
	fdHandle
	// res holds the memory mappings and descriptors the binding made for
	// the map: its Object's, or the owned map's own.
	res *mapResources
	// rawElem says whether the element operations may use a raw system
	// call (map_syscall.go).
	rawElem bool
	// Cached from libbpf by refresh at open and after ReuseFD, which may
	// change them, or from the kernel for an owned map; read under the
	// read lock.
	name         string
	mapType      MapType
	keySize      int
	valueSize    int
	valueBufSize int
}

// ownedMap is what only a map opened without an object has: the lock its
// fdHandle points to, the resources Map.Close releases, and what libbpf's
// struct bpf_map keeps for a map of an Object: its capacity and pin state.
type ownedMap struct {
	mu         handleLock
	res        mapResources
	maxEntries uint32
	// id is the map's kernel ID, for its subject when it has no name.
	id      uint32
	pinPath string
	pinned  bool
}

// newObjectMap returns the Map of m, a map of o, with its cached fields
// still to be filled by refresh.
func newObjectMap(o *Object, m *C.struct_bpf_map) *Map {
	mp := &Map{obj: o, m: m}
	mp.mu, mp.res, mp.fd = &o.mu, &o.res, -1
	return mp
}

// refresh reads the map's name, type, sizes and descriptor from libbpf.
// The caller holds the object's write lock, or is the only user of the
// map.
func (m *Map) refresh() error {
	// m.m is valid while the object is open; GoString copies.
	m.name = C.GoString(C.bpf_map__name(m.m))
	m.mapType = MapType(C.bpf_map__type(m.m))
	m.keySize = int(C.bpf_map__key_size(m.m))
	m.valueSize = int(C.bpf_map__value_size(m.m))
	m.fd = C.bpf_map__fd(m.m)
	return m.derive()
}

// derive computes valueBufSize from the type and value size, and whether
// the element operations may use a raw system call.
func (c *mapCore) derive() error {
	c.rawElem = c.mapType.rawElemSafe()
	c.valueBufSize = c.valueSize
	if c.mapType.perCPU() {
		n, err := numPossibleCPUs()
		if err != nil {
			return err
		}
		c.valueBufSize = (c.valueSize + 7) / 8 * 8 * n
	}
	return nil
}

// lock takes the map's read lock and reports whether the map is still
// open; when it returns true the caller must call m.mu.RUnlock.
func (m *Map) lock() bool {
	return m != nil && m.rlock()
}

// subject names the map in the errors of its methods (OpError.Subject):
// "map <name>"; for a map opened without an object whose kernel name is
// empty, "map id <ID>"; for a nil Map, "map". It reads only what is known
// since open (the name changes only under the write lock, by ReuseFD and
// the setters before Load), so it works on a closed map and makes no
// system call.
func (m *Map) subject() string {
	switch {
	case m == nil:
		return "map"
	case m.name != "":
		return "map " + m.name
	case m.own != nil:
		return "map id " + strconv.FormatUint(uint64(m.own.id), 10)
	}
	return "map <unnamed>"
}

// wrap returns err, the failure of op on the map, as an OpError (see
// wrapOp), or nil for nil. The subject is built only on failure, so the
// success path does not allocate.
func (m *Map) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, m.subject(), err)
}

// begin takes the read lock for op, an operation on the map's elements,
// and checks that the map can take it: open and loaded. Unless it returns
// an error (op's OpError), the caller must call m.mu.RUnlock.
func (m *Map) begin(op string) error {
	if !m.lock() {
		return m.closed(op)
	}
	if !m.loaded() {
		err := m.notLoaded(op)
		m.mu.RUnlock()
		return err
	}
	return nil
}

// enter is begin for the element operations (Lookup, Update, Delete,
// NextKey, LookupAndDelete): it takes the read guard of the map's lock
// rather than its read lock, so that goroutines on several CPUs calling
// them do not write one shared line per call (see handleLock). It returns
// what exit takes: the guard's counter, or -1 when it took the read lock
// as begin does (a writer held the lock, the map is not loaded, or it is
// closed: begin's errors).
func (m *Map) enter(op string) (int, error) {
	if m != nil && m.mu != nil && m.mu.guard != nil {
		if s, ok := m.mu.guard.enter(); ok {
			// Under the guard as under the read lock, the state only
			// changes while a writer holds the lock.
			if m.state == handleLoaded {
				return s, nil
			}
			m.mu.guard.exit(s)
		}
	}
	if err := m.begin(op); err != nil {
		return 0, err
	}
	return -1, nil
}

// exit ends an element operation that enter began, with what enter
// returned.
func (m *Map) exit(tok int) {
	if tok >= 0 {
		m.mu.guard.exit(tok)
		return
	}
	m.mu.RUnlock()
}

// lockLibbpf takes the read lock for op, a method that calls a libbpf
// function on the map's struct bpf_map, and checks that the map is open
// and has one. Unless it returns an error (op's OpError), the caller must
// call m.mu.RUnlock.
func (m *Map) lockLibbpf(op string) error {
	if !m.lock() {
		return m.closed(op)
	}
	if m.m == nil {
		err := m.noObject(op)
		m.mu.RUnlock()
		return err
	}
	return nil
}

// writeLibbpf is lockLibbpf with the write lock, for the libbpf functions
// that change the map's state. Unless it returns an error, the caller
// must call m.mu.Unlock.
func (m *Map) writeLibbpf(op string) error {
	if m == nil || !m.wlock() {
		return m.closed(op)
	}
	if m.m == nil {
		err := m.noObject(op)
		m.mu.Unlock()
		return err
	}
	return nil
}

// noObject returns the OpError of op, a method that needs the map's struct
// bpf_map, for a map opened without an object; no call was made.
func (m *Map) noObject(op string) error {
	return opError(op, m.subject(), "", fmt.Errorf("map was opened without an object: %w", unix.EOPNOTSUPP))
}

// closed returns the OpError of op called on a closed or nil map.
func (m *Map) closed(op string) error {
	if m == nil || m.mu == nil {
		return opError(op, "map", "", ErrClosed)
	}
	return opError(op, m.subject(), "", ErrClosed)
}

// Name returns the map's name (bpf_map__name), or "" once the object is
// closed. Internal maps are named after the object and section, e.g.
// "myobj.bss", or after the section for custom ones, e.g. ".data.custom".
func (m *Map) Name() string {
	if !m.lock() {
		return ""
	}
	defer m.mu.RUnlock()
	return m.name
}

// Type returns the map type (bpf_map__type), or 0 once the object is closed.
func (m *Map) Type() MapType {
	if !m.lock() {
		return MapTypeUnspec
	}
	defer m.mu.RUnlock()
	return m.mapType
}

// KeySize returns the size of a key in bytes (bpf_map__key_size), or 0 once
// the object is closed.
func (m *Map) KeySize() int {
	if !m.lock() {
		return 0
	}
	defer m.mu.RUnlock()
	return m.keySize
}

// ValueSize returns the size of a value in bytes as declared
// (bpf_map__value_size), or 0 once the object is closed. For per-CPU maps
// Lookup and Update need ValueBufferSize bytes instead.
func (m *Map) ValueSize() int {
	if !m.lock() {
		return 0
	}
	defer m.mu.RUnlock()
	return m.valueSize
}

// ValueBufferSize returns the size of the value buffer Lookup, Update and
// LookupAndDelete need: ValueSize, or for per-CPU maps ValueSize rounded up
// to 8 bytes times NumPossibleCPUs, one slot per possible CPU in CPU order.
// It returns 0 once the object is closed.
func (m *Map) ValueBufferSize() int {
	if !m.lock() {
		return 0
	}
	defer m.mu.RUnlock()
	return m.valueBufSize
}

// MaxEntries returns the map's capacity (bpf_map__max_entries), or 0 once
// the object is closed.
func (m *Map) MaxEntries() uint32 {
	if !m.lock() {
		return 0
	}
	defer m.mu.RUnlock()
	if m.own != nil {
		return m.own.maxEntries
	}
	return uint32(C.bpf_map__max_entries(m.m))
}

// SetMaxEntries sets the map's capacity with bpf_map__set_max_entries. It
// must be called before Object.Load; afterwards libbpf refuses with EBUSY.
// libbpf takes any value (rounding ring buffer sizes up to a power-of-two
// number of pages); the kernel checks it when Load creates the map, and a
// value it refuses, such as 0 for hash and array maps or one too large to
// allocate, fails Load with an error naming the map. For perf event arrays
// 0 means one entry per possible CPU.
func (m *Map) SetMaxEntries(n uint32) error {
	const op = "Map.SetMaxEntries"
	if err := m.lockLibbpf(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if ret := C.bpf_map__set_max_entries(m.m, C.__u32(n)); ret < 0 {
		return opError(op, m.subject(), fmt.Sprintf("bpf_map__set_max_entries %d", n), errnoErr(ret))
	}
	return nil
}

// FD returns the map's file descriptor (bpf_map__fd), or -1 before the map
// is created or once the object is closed. The descriptor belongs to the
// object and is closed by Object.Close; for a map opened without an object
// it belongs to the Map and is closed by Map.Close.
func (m *Map) FD() int {
	if !m.lock() {
		return -1
	}
	defer m.mu.RUnlock()
	if fd := m.fd; fd >= 0 {
		return int(fd)
	}
	return -1
}

// Pin pins the map at path in bpffs with bpf_map__pin, so that it outlives
// the process; an empty path uses the path set by SetPinPath. The object
// must be loaded (else the error wraps EBADF; use SetPinPath to pin at
// Load). path's parent folder must exist (else the error wraps ENOENT) and
// be on a bpffs mount (else ErrNotBPFFS). A failed Pin leaves the map's pin
// path as it was, although libbpf would keep the new one.
func (m *Map) Pin(path string) error {
	const op = "Map.Pin"
	// Pin changes the map's pin path and pinned state.
	if m == nil || !m.wlock() {
		return m.closed(op)
	}
	defer m.mu.Unlock()
	if m.own != nil {
		return m.wrap(op, m.own.pin(&m.mapCore, path))
	}
	if !m.loaded() {
		return m.notLoaded(op)
	}
	// m.m is valid under the lock; NULL means no pin path is set.
	hadPath := C.bpf_map__pin_path(m.m) != nil
	err := m.pinOp("bpf_map__pin", path, func(cPath *C.char) C.int {
		return C.bpf_map__pin(m.m, cPath)
	})
	if err != nil && !hadPath {
		// Forget the path libbpf recorded before failing, so that a later
		// Pin elsewhere or a pin at Load is not affected.
		C.bpf_map__set_pin_path(m.m, nil)
	}
	return m.wrap(op, err)
}

// Unpin removes the map's pin at path with bpf_map__unpin; an empty path
// uses the map's pin path. The path is checked as for Pin, so that Unpin
// never unlinks files outside bpffs.
func (m *Map) Unpin(path string) error {
	const op = "Map.Unpin"
	// Unpin changes the map's pinned state.
	if m == nil || !m.wlock() {
		return m.closed(op)
	}
	defer m.mu.Unlock()
	if m.own != nil {
		return m.wrap(op, m.own.unpin(path))
	}
	return m.wrap(op, m.pinOp("bpf_map__unpin", path, func(cPath *C.char) C.int {
		return C.bpf_map__unpin(m.m, cPath)
	}))
}

// pinOp resolves an empty path to the map's pin path, checks it and calls
// fn (NULL stands for the map's pin path); it returns the path's problem,
// or fn's failure as a *callError. The caller holds the object's write
// lock.
func (m *Map) pinOp(fn, path string, call func(*C.char) C.int) error {
	check := path
	if check == "" {
		// m.m is valid under the lock; GoString copies (NULL gives "").
		check = C.GoString(C.bpf_map__pin_path(m.m))
	}
	if err := checkPinPath(check); err != nil {
		return err
	}
	cPath := cString(path)
	defer freeCString(cPath)
	// cPath is C memory or NULL, which libbpf reads as "the pin path".
	if ret := call(cPath); ret < 0 {
		return &callError{call: fmt.Sprintf("%s %q", fn, check), err: errnoErr(ret)}
	}
	return nil
}

// SetPinPath sets where the map is pinned with bpf_map__set_pin_path; ""
// clears it. When set before Object.Load, Load reuses a compatible map
// already pinned there, or creates the map and pins it there (creating
// missing folders). The path is checked by Load, not here, since its
// folder may not exist yet.
func (m *Map) SetPinPath(path string) error {
	const op = "Map.SetPinPath"
	if err := m.lockLibbpf(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	cPath := cString(path)
	defer freeCString(cPath)
	// libbpf copies cPath (C memory or NULL to clear).
	if ret := C.bpf_map__set_pin_path(m.m, cPath); ret < 0 {
		return opError(op, m.subject(), fmt.Sprintf("bpf_map__set_pin_path %q", path), errnoErr(ret))
	}
	return nil
}

// PinPath returns the map's pin path (bpf_map__pin_path), or "" when none is
// set or the object is closed. For a map opened without an object it is
// the path OpenMapPinned opened, or the one Pin pinned it at.
func (m *Map) PinPath() string {
	if !m.lock() {
		return ""
	}
	defer m.mu.RUnlock()
	if m.own != nil {
		return m.own.pinPath
	}
	// m.m is valid under the read lock; GoString copies and maps NULL to "".
	return C.GoString(C.bpf_map__pin_path(m.m))
}

// IsPinned reports whether the map is pinned at its pin path
// (bpf_map__is_pinned; for a map opened without an object, since
// OpenMapPinned or Pin and until Unpin); false once the object is closed.
func (m *Map) IsPinned() bool {
	if !m.lock() {
		return false
	}
	defer m.mu.RUnlock()
	if m.own != nil {
		return m.own.pinned
	}
	return bool(C.bpf_map__is_pinned(m.m))
}

// ReuseFD makes the map use the existing map behind fd instead of creating
// one at Load, with bpf_map__reuse_fd, which duplicates fd (the caller keeps
// and closes its own) and takes the name, type and sizes of the existing
// map. fd must be a BPF map (checked through /proc/self/fd), else the error
// wraps EINVAL, or EBADF for a closed descriptor. It must be called before Object.Load and waits for other users of
// the object.
func (m *Map) ReuseFD(fd int) error {
	const op = "Map.ReuseFD"
	if err := m.writeLibbpf(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	// libbpf would take any descriptor its fdinfo fallback can read, so
	// make sure fd is a BPF map first.
	if err := checkFDKind(fd, "bpf-map"); err != nil {
		return opError(op, m.subject(), "", err)
	}
	if ret := C.bpf_map__reuse_fd(m.m, C.int(fd)); ret < 0 {
		return opError(op, m.subject(), fmt.Sprintf("bpf_map__reuse_fd %d", fd), errnoErr(ret))
	}
	return m.wrap(op, m.refresh())
}

// checkKey returns ErrInvalidSize unless key is one key long.
func (m *Map) checkKey(key []byte, what string) error {
	if len(key) != m.keySize {
		return fmt.Errorf("%s is %d bytes, want %d: %w", what, len(key), m.keySize, ErrInvalidSize)
	}
	return nil
}

// checkValue returns ErrInvalidSize unless value is ValueBufferSize long.
func (m *Map) checkValue(value []byte) error {
	if len(value) != m.valueBufSize {
		return fmt.Errorf("value is %d bytes, want %d: %w", len(value), m.valueBufSize, ErrInvalidSize)
	}
	return nil
}

// notLoaded returns the OpError of op before Object.Load, when the map
// does not exist in the kernel yet (libbpf would answer ENOENT, which
// reads like a missing key); no call was made.
func (m *Map) notLoaded(op string) error {
	return opError(op, m.subject(), "", errNotLoaded)
}

// errNotLoaded is the cause of a map operation before Object.Load.
var errNotLoaded = fmt.Errorf("object not loaded: %w", unix.EBADF)

// The calls of the element operations, as OpError.Call names them.
const (
	callLookupElem          = "bpf(BPF_MAP_LOOKUP_ELEM)"
	callUpdateElem          = "bpf(BPF_MAP_UPDATE_ELEM)"
	callDeleteElem          = "bpf(BPF_MAP_DELETE_ELEM)"
	callGetNextKey          = "bpf(BPF_MAP_GET_NEXT_KEY)"
	callLookupAndDeleteElem = "bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM)"
)

// fail returns the OpError of op on the map, when call (or "" for a
// refusal before any call) failed with err.
func (m *Map) fail(op, call string, err error) error {
	return opError(op, m.subject(), call, err)
}

// Lookup copies the value stored under key into value, as libbpf's
// bpf_map__lookup_elem does: one BPF_MAP_LOOKUP_ELEM call, made from Go
// without a cgo call. key must be KeySize bytes and value ValueBufferSize
// bytes. A missing key gives an error wrapping ENOENT (and so
// os.ErrNotExist).
func (m *Map) Lookup(key, value []byte) error {
	return m.lookup("Map.Lookup", key, value)
}

// lookup is Lookup for op, the method the caller called.
func (m *Map) lookup(op string, key, value []byte) error {
	tok, err := m.enter(op)
	if err != nil {
		return err
	}
	defer m.exit(tok)
	if err := m.checkKey(key, "key"); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.checkValue(value); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.elemCall(unix.BPF_MAP_LOOKUP_ELEM, key, value, 0); err != nil {
		return m.fail(op, callLookupElem, err)
	}
	return nil
}

// Update stores value under key, as libbpf's bpf_map__update_elem does
// (one BPF_MAP_UPDATE_ELEM call, made from Go); flags choose between
// create and update (UpdateAny, UpdateNoExist, UpdateExist) and may add
// UpdateLock. key must be KeySize bytes and value ValueBufferSize bytes.
func (m *Map) Update(key, value []byte, flags MapUpdateFlags) error {
	return m.update("Map.Update", key, value, flags)
}

// update is Update for op, the method the caller called.
func (m *Map) update(op string, key, value []byte, flags MapUpdateFlags) error {
	tok, err := m.enter(op)
	if err != nil {
		return err
	}
	defer m.exit(tok)
	if err := m.checkKey(key, "key"); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.checkValue(value); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.elemCall(unix.BPF_MAP_UPDATE_ELEM, key, value, uint64(flags)); err != nil {
		return m.fail(op, callUpdateElem, err)
	}
	return nil
}

// Delete removes the element stored under key, as libbpf's
// bpf_map__delete_elem does (one BPF_MAP_DELETE_ELEM call, made from Go).
// key must be KeySize bytes. A missing key gives an error wrapping ENOENT;
// array maps cannot delete and fail with EINVAL.
func (m *Map) Delete(key []byte) error {
	return m.delete("Map.Delete", key)
}

// delete is Delete for op, the method the caller called.
func (m *Map) delete(op string, key []byte) error {
	tok, err := m.enter(op)
	if err != nil {
		return err
	}
	defer m.exit(tok)
	if err := m.checkKey(key, "key"); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.elemCall(unix.BPF_MAP_DELETE_ELEM, key, nil, 0); err != nil {
		return m.fail(op, callDeleteElem, err)
	}
	return nil
}

// NextKey writes the key that follows key into next, as libbpf's
// bpf_map__get_next_key does (one BPF_MAP_GET_NEXT_KEY call, made from
// Go); a nil key asks for the first key. Both are KeySize bytes. After the
// last key the error wraps ENOENT (and so os.ErrNotExist). To walk a map,
// start with nil and pass each result back in as key.
func (m *Map) NextKey(key, next []byte) error {
	return m.nextKey("Map.NextKey", key, next)
}

// nextKey is NextKey for op, the method the caller called.
func (m *Map) nextKey(op string, key, next []byte) error {
	tok, err := m.enter(op)
	if err != nil {
		return err
	}
	defer m.exit(tok)
	if key != nil {
		if err := m.checkKey(key, "key"); err != nil {
			return m.fail(op, "", err)
		}
	}
	if err := m.checkKey(next, "next key"); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.elemCall(unix.BPF_MAP_GET_NEXT_KEY, key, next, 0); err != nil {
		return m.fail(op, callGetNextKey, err)
	}
	return nil
}

// LookupAndDelete copies the value stored under key into value and removes
// the element atomically, as libbpf's bpf_map__lookup_and_delete_elem
// does (one BPF_MAP_LOOKUP_AND_DELETE_ELEM call, made from Go; kernel 4.20
// for queue and stack maps, 5.14 for hash maps). key must be KeySize bytes
// (0 for queues and stacks) and value ValueBufferSize bytes. A missing key
// gives an error wrapping ENOENT.
func (m *Map) LookupAndDelete(key, value []byte) error {
	return m.lookupAndDelete("Map.LookupAndDelete", key, value)
}

// lookupAndDelete is LookupAndDelete for op, the method the caller called.
func (m *Map) lookupAndDelete(op string, key, value []byte) error {
	tok, err := m.enter(op)
	if err != nil {
		return err
	}
	defer m.exit(tok)
	if err := m.checkKey(key, "key"); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.checkValue(value); err != nil {
		return m.fail(op, "", err)
	}
	if err := m.elemCall(unix.BPF_MAP_LOOKUP_AND_DELETE_ELEM, key, value, 0); err != nil {
		return m.fail(op, callLookupAndDeleteElem, err)
	}
	return nil
}

// NumPossibleCPUs returns the number of possible CPUs
// (libbpf_num_possible_cpus), the number of value slots of per-CPU maps.
// libbpf reads /sys/devices/system/cpu/possible once and caches the count.
// Its error is an OpError with Op "NumPossibleCPUs" and Call
// "libbpf_num_possible_cpus".
func NumPossibleCPUs() (int, error) {
	n, err := numPossibleCPUs()
	if err != nil {
		return 0, wrapOp("NumPossibleCPUs", "", err)
	}
	return n, nil
}

// numPossibleCPUs is NumPossibleCPUs with its failure as a *callError.
func numPossibleCPUs() (int, error) {
	ret := C.libbpf_num_possible_cpus()
	if ret < 0 {
		return 0, &callError{call: "libbpf_num_possible_cpus", err: errnoErr(ret)}
	}
	return int(ret), nil
}
