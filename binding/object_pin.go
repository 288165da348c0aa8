package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// PinMaps pins every map of the loaded object with bpf_object__pin_maps
// (BPF_OBJ_PIN, kernel 4.4):
// with dir set, each map at dir/<map name> (libbpf replaces the dots of
// names such as ".bss" with underscores), creating dir if only it is
// missing; with dir "", each map that has a pin path (SetPinPath, or
// LIBBPF_PIN_BY_NAME) at that path, leaving the others unpinned. Maps
// whose creation was turned off (SetAutocreate(false)) are skipped. On
// failure the maps pinned so far are unpinned again. Each map's PinPath
// becomes where it was pinned.
//
// The object must be loaded (else the error wraps EBADF); dir, or its
// parent when dir does not exist yet, must be on a bpffs mount (else
// ErrNotBPFFS). A map already pinned elsewhere, or a file already at the
// path that is not the same map, fails with EEXIST or EBUSY. PinMaps waits
// for other users of the object.
func (o *Object) PinMaps(dir string) error {
	return o.pinAll("Object.PinMaps", "bpf_object__pin_maps", dir, true, func(cDir *C.char) C.int {
		return C.bpf_object__pin_maps(o.obj, cDir)
	})
}

// UnpinMaps removes the pins of the object's maps with
// bpf_object__unpin_maps: with dir set, dir/<map name> for every map (a
// missing pin fails with ENOENT, leaving the later maps pinned); with dir
// "", each map's pin path. The pins of a map that other objects still use
// are removed all the same; the maps live on while something holds them.
func (o *Object) UnpinMaps(dir string) error {
	return o.pinAll("Object.UnpinMaps", "bpf_object__unpin_maps", dir, false, func(cDir *C.char) C.int {
		return C.bpf_object__unpin_maps(o.obj, cDir)
	})
}

// PinPrograms pins every program of the loaded object at dir/<function
// name> with bpf_object__pin_programs, creating dir if only it is missing.
// dir is required (libbpf has no per-program default). A program that was
// not loaded (SetAutoload(false)) makes it fail with EINVAL, after
// unpinning the programs pinned before it. The checks are those of
// PinMaps.
func (o *Object) PinPrograms(dir string) error {
	if dir == "" {
		return opError("Object.PinPrograms", o.subject(), "", fmt.Errorf("empty folder: %w", unix.EINVAL))
	}
	return o.pinAll("Object.PinPrograms", "bpf_object__pin_programs", dir, true, func(cDir *C.char) C.int {
		return C.bpf_object__pin_programs(o.obj, cDir)
	})
}

// UnpinPrograms removes the pins dir/<function name> of the object's
// programs with bpf_object__unpin_programs; a missing pin fails with
// ENOENT.
func (o *Object) UnpinPrograms(dir string) error {
	if dir == "" {
		return opError("Object.UnpinPrograms", o.subject(), "", fmt.Errorf("empty folder: %w", unix.EINVAL))
	}
	return o.pinAll("Object.UnpinPrograms", "bpf_object__unpin_programs", dir, false, func(cDir *C.char) C.int {
		return C.bpf_object__unpin_programs(o.obj, cDir)
	})
}

// Pin pins the maps and the programs of the loaded object under dir with
// bpf_object__pin: PinMaps(dir) and then PinPrograms(dir), both at
// dir/<name>, so a map and a program of the same name collide (EEXIST). If
// the programs fail, the maps are unpinned again.
func (o *Object) Pin(dir string) error {
	if dir == "" {
		return opError("Object.Pin", o.subject(), "", fmt.Errorf("empty folder: %w", unix.EINVAL))
	}
	return o.pinAll("Object.Pin", "bpf_object__pin", dir, true, func(cDir *C.char) C.int {
		return C.bpf_object__pin(o.obj, cDir)
	})
}

// Unpin removes what Pin made under dir with bpf_object__unpin: the
// programs' pins, then the maps'.
func (o *Object) Unpin(dir string) error {
	if dir == "" {
		return opError("Object.Unpin", o.subject(), "", fmt.Errorf("empty folder: %w", unix.EINVAL))
	}
	return o.pinAll("Object.Unpin", "bpf_object__unpin", dir, false, func(cDir *C.char) C.int {
		return C.bpf_object__unpin(o.obj, cDir)
	})
}

// pinAll checks the object and dir and calls fn under the object's write
// lock (the pins change the maps' pin paths inside libbpf); its errors are
// the OpErrors of op. needLoaded refuses an object that was not loaded, as
// libbpf would with a misleading ENOENT.
func (o *Object) pinAll(op, fn, dir string, needLoaded bool, call func(*C.char) C.int) error {
	if o == nil {
		return opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.obj == nil {
		return opError(op, o.subject(), "", ErrClosed)
	}
	if needLoaded && !o.loaded {
		return opError(op, o.subject(), "", fmt.Errorf("object not loaded: %w", unix.EBADF))
	}
	if dir != "" {
		if err := checkPinDir(dir); err != nil {
			return opError(op, o.subject(), "", err)
		}
	}
	cDir := cString(dir)
	defer freeCString(cDir)
	// o.obj is valid under the write lock; cDir is C memory or NULL (the
	// maps' own pin paths).
	if ret := call(cDir); ret < 0 {
		if dir != "" {
			fn += fmt.Sprintf(" %q", dir)
		}
		return opError(op, o.subject(), fn, errnoErr(ret))
	}
	return nil
}

// checkPinDir checks that dir is a folder on a bpffs mount or, when it does
// not exist yet, that its parent is (libbpf creates the last level).
func checkPinDir(dir string) error {
	var st unix.Statfs_t
	err := unix.Statfs(dir, &st)
	if errors.Is(err, unix.ENOENT) {
		return checkPinPath(dir)
	}
	if err != nil {
		return fmt.Errorf("pin folder %q: %w", dir, err)
	}
	if uint32(st.Type) != unix.BPF_FS_MAGIC {
		return fmt.Errorf("pin folder %q is not on a bpffs mount: %w", dir, ErrNotBPFFS)
	}
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("pin folder %q: %w", dir, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("pin folder %q is not a folder: %w", dir, unix.ENOTDIR)
	}
	return nil
}
