package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// The pins persist creates under DIR.
const (
	linkPin  = "link"
	countPin = "counts"
)

// checkBPFFS returns an error unless dir, or its nearest existing ancestor
// when dir does not exist yet, is on a bpffs mount.
func checkBPFFS(dir string) error {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		var st unix.Statfs_t
		err := unix.Statfs(p, &st)
		if err == nil {
			if uint32(st.Type) != unix.BPF_FS_MAGIC {
				return fmt.Errorf("%s is not on a bpffs mount; mount one with: mount -t bpf bpf /sys/fs/bpf", dir)
			}
			return nil
		}
		if !errors.Is(err, unix.ENOENT) || p == filepath.Dir(p) {
			return fmt.Errorf("statfs %s: %w", p, err)
		}
	}
}

// exists reports whether path exists; other errors than "not found" are
// returned.
func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// persisted reports whether any pin of a persisted syscount is under dir.
func persisted(dir string) (bool, error) {
	for _, name := range []string{linkPin, countPin} {
		found, err := exists(filepath.Join(dir, name))
		if found || err != nil {
			return found, err
		}
	}
	return false, nil
}

// errInUse says that dir already holds a persisted syscount.
func errInUse(dir string) error {
	return fmt.Errorf("%s is already in use by a persisted syscount; stop it first with: syscount stop %s", dir, dir)
}

// errNotPersisted says that dir holds no persisted syscount.
func errNotPersisted(dir string) error {
	return fmt.Errorf("nothing is persisted in %s; start counting with: syscount persist %s", dir, dir)
}

// checkOwnPins returns an error when dir holds anything but the pins of a
// persisted syscount, such as the pinned maps of another agent: persist
// would mix its pins with them and stop would remove a folder in use.
func checkOwnPins(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if name := e.Name(); name != linkPin && name != countPin {
			return fmt.Errorf("%s holds pins of another agent: %s; choose another DIR", dir, name)
		}
	}
	return nil
}

// checkDir returns an error unless dir is on bpffs and holds no pins but
// syscount's.
func checkDir(dir string) error {
	if err := checkBPFFS(dir); err != nil {
		return err
	}
	return checkOwnPins(dir)
}

// checkFree returns an error unless dir is on bpffs and holds no pins.
func checkFree(dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	found, err := persisted(dir)
	if found {
		return errInUse(dir)
	}
	return err
}

// repairInterrupted removes what a persist that was killed part way left
// in dir. persist pins the counts map first and the link last, and the
// program stays attached after exit only through the link pin, so a counts
// pin without a link pin is the trace of an interrupted persist: nothing
// counts into it any more. It is removed, and saying so on w, before a
// new persist starts. A dir with both pins is a complete persist, and one
// with neither is free.
func repairInterrupted(w io.Writer, dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	hasLink, err := exists(filepath.Join(dir, linkPin))
	if err != nil || hasLink {
		return err
	}
	removed, err := removePin(filepath.Join(dir, countPin))
	if removed {
		fmt.Fprintf(w, "removed the counts an interrupted persist left in %s\n", dir)
	}
	return err
}
