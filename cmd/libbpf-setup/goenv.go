package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed pkg-config.sh
var wrapperTemplate string

// writeWrappers writes the PKG_CONFIG wrapper (and its static twin) into
// the cache root, unless they are already as wanted, and points current
// at this pin's build. It returns the wrapper's path.
func (s *setup) writeWrappers() (string, error) {
	wrapper := filepath.Join(s.root, "pkg-config")
	real, err := s.realPkgConfig(wrapper)
	if err != nil {
		return "", err
	}
	text := strings.NewReplacer("@ROOT@", s.root, "@REAL@", real).Replace(wrapperTemplate)
	if err := writeIfChanged(wrapper, text); err != nil {
		return "", err
	}
	static := "#!/bin/sh\n# pkg-config for static links (libbpf-setup -static): also the private libraries.\nexec '" + wrapper + "' --static \"$@\"\n"
	if err := writeIfChanged(filepath.Join(s.root, "pkg-config-static"), static); err != nil {
		return "", err
	}
	current := filepath.Join(s.root, "current")
	if target, err := os.Readlink(current); err != nil || target != s.mod.pin.key() {
		// A unique temporary name, as another run may do the same now.
		tmp, err := os.MkdirTemp(s.root, ".current-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		if err := os.Symlink(s.mod.pin.key(), filepath.Join(tmp, "current")); err != nil {
			return "", err
		}
		if err := os.Rename(filepath.Join(tmp, "current"), current); err != nil {
			return "", err
		}
	}
	return wrapper, nil
}

// realPkgConfig is what the wrapper calls: the PKG_CONFIG that -force
// replaced, if any, else pkg-config from PATH.
func (s *setup) realPkgConfig(wrapper string) (string, error) {
	if u, err := loadUndo(s.root); err == nil {
		if r, ok := u[goenvFileOrEmpty()]; ok && r.Set && r.Value != "" && r.Value != wrapper {
			return r.Value, nil
		}
	}
	p, err := exec.LookPath("pkg-config")
	if err != nil {
		return "", errors.New("pkg-config not found on PATH; install it: sudo apt-get install pkg-config (Debian, Ubuntu) or sudo dnf install pkgconf-pkg-config (Fedora)")
	}
	return filepath.Abs(p)
}

func writeIfChanged(path, text string) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == text {
		return nil
	}
	// A unique temporary name, as another run may write the same file now;
	// the rename makes each reader see a whole file.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("cannot write to the cache folder %s: %v; set LIBBPF_GO_CACHE to a writable folder", filepath.Dir(path), unwrapPath(err))
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o755); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// undoRecord is what go env PKG_CONFIG was before libbpf-setup set it.
type undoRecord struct {
	Set        bool   `json:"set"`         // the user had set it in GOENV
	Value      string `json:"value"`       // and to this
	FileExists bool   `json:"file_exists"` // GOENV existed at all
}

// The records, by GOENV file, kept in the cache root.
func undoPath(root string) string { return filepath.Join(root, "goenv-undo.json") }

func loadUndo(root string) (map[string]undoRecord, error) {
	data, err := os.ReadFile(undoPath(root))
	if err != nil {
		return nil, err
	}
	m := map[string]undoRecord{}
	return m, json.Unmarshal(data, &m)
}

func saveUndo(root string, m map[string]undoRecord) error {
	if len(m) == 0 {
		err := os.Remove(undoPath(root))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	data, _ := json.MarshalIndent(m, "", "  ")
	return writeIfChanged(undoPath(root), string(data)+"\n")
}

// goenvFile is the user's go env file (go env GOENV).
func goenvFile() (string, error) {
	out, err := exec.Command("go", "env", "GOENV").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOENV: %v", err)
	}
	f := strings.TrimSpace(string(out))
	if f == "" || f == "off" {
		return "", errors.New("go env GOENV is off, so go env -w cannot work; use libbpf-setup -print")
	}
	return f, nil
}

func goenvFileOrEmpty() string {
	f, _ := goenvFile()
	return f
}

// fileValue is PKG_CONFIG as the GOENV file sets it (what go env -w wrote).
func fileValue(file string) (value string, set, fileExists bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false, false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "PKG_CONFIG="); ok {
			value, set = v, true
		}
	}
	return value, set, true
}

// setGoEnv makes go env PKG_CONFIG the wrapper, remembering what was there.
func (s *setup) setGoEnv(wrapper string) error {
	file, err := goenvFile()
	if err != nil {
		return err
	}
	value, set, fileExists := fileValue(file)
	if env := os.Getenv("PKG_CONFIG"); env != "" && env != wrapper {
		s.say("note: PKG_CONFIG=%s in your environment overrides go env; unset it for go commands to find libbpf", env)
	}
	if set && value == wrapper {
		s.say("go env PKG_CONFIG is already %s: go build, go vet and go test find libbpf %s", wrapper, s.mod.pin.version)
		return nil
	}
	if set && !s.opts.force {
		return fmt.Errorf("go env PKG_CONFIG is already set to %s, and libbpf-setup leaves what you set alone: rerun with -force to replace it (the wrapper then calls it, and -undo puts it back), or use -print", value)
	}
	undo, err := loadUndo(s.root)
	if err != nil {
		undo = map[string]undoRecord{}
	}
	if _, ok := undo[file]; !ok {
		undo[file] = undoRecord{Set: set, Value: value, FileExists: fileExists}
		if err := saveUndo(s.root, undo); err != nil {
			return err
		}
	}
	if set {
		// The wrapper calls the replaced value: rewrite it now that the
		// record names it.
		if wrapper, err = s.writeWrappers(); err != nil {
			return err
		}
	}
	if out, err := exec.Command("go", "env", "-w", "PKG_CONFIG="+wrapper).CombinedOutput(); err != nil {
		return fmt.Errorf("go env -w PKG_CONFIG: %s", firstLine(string(out), err))
	}
	s.say("go env PKG_CONFIG=%s: plain go build, go vet and go test now find libbpf %s (libbpf-setup -undo puts back what was there)", wrapper, s.mod.pin.version)
	return nil
}

// undo restores go env PKG_CONFIG as it was before the first setup.
func (s *setup) undo() error {
	root, err := cacheRoot()
	if err != nil {
		return err
	}
	file, err := goenvFile()
	if err != nil {
		return err
	}
	undo, err := loadUndo(root)
	rec, ok := undo[file]
	if err != nil || !ok {
		s.say("nothing to undo: libbpf-setup has not changed %s", file)
		return nil
	}
	wrapper := filepath.Join(root, "pkg-config")
	value, set, _ := fileValue(file)
	switch {
	case !set || value != wrapper:
		s.say("go env PKG_CONFIG is no longer libbpf-setup's (it is %q); left as it is", value)
	case rec.Set:
		if out, err := exec.Command("go", "env", "-w", "PKG_CONFIG="+rec.Value).CombinedOutput(); err != nil {
			return fmt.Errorf("go env -w PKG_CONFIG: %s", firstLine(string(out), err))
		}
		s.say("go env PKG_CONFIG is %s again", rec.Value)
	default:
		if out, err := exec.Command("go", "env", "-u", "PKG_CONFIG").CombinedOutput(); err != nil {
			return fmt.Errorf("go env -u PKG_CONFIG: %s", firstLine(string(out), err))
		}
		// go env -u leaves the file behind; remove it if libbpf-setup's
		// go env -w created it and nothing else is in it now.
		if data, err := os.ReadFile(file); err == nil && !rec.FileExists && len(bytes.TrimSpace(data)) == 0 {
			os.Remove(file)
		}
		s.say("go env PKG_CONFIG is unset again")
	}
	delete(undo, file)
	if err := saveUndo(root, undo); err != nil {
		return err
	}
	s.say("the builds stay in %s (remove that folder to free the space)", root)
	return nil
}

// checkAll reports what is set up, and whether a go build of the binding
// finds it: it asks the PKG_CONFIG that go uses for the binding's flags,
// as the go command does, and looks at the libbpf those flags name.
func (s *setup) checkAll() error {
	if err := s.prepare(); err != nil {
		return err
	}
	p := s.mod.pin
	w := s.stdout
	fmt.Fprintf(w, "module:     %s@%s in %s\n", modulePath, orDevel(s.mod.version), s.mod.dir)
	fmt.Fprintf(w, "pin:        libbpf %s, %s, SHA-256 %s\n", p.version, p.tarball, p.sha256)
	dir := s.buildDir()
	if complete(dir) {
		source := ""
		if data, err := os.ReadFile(filepath.Join(dir, "SETUP")); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(l, "source="); ok {
					source = v
				}
			}
		}
		fmt.Fprintf(w, "build:      %s (from %s)\n", dir, source)
	} else {
		fmt.Fprintf(w, "build:      none in %s\n", dir)
	}
	out, err := exec.Command("go", "env", "PKG_CONFIG").Output()
	if err != nil {
		return fmt.Errorf("go env PKG_CONFIG: %v", err)
	}
	pc := strings.TrimSpace(string(out))
	wrapper := filepath.Join(s.root, "pkg-config")
	mine := ""
	if pc == wrapper {
		mine = " (libbpf-setup's wrapper)"
	}
	fmt.Fprintf(w, "PKG_CONFIG: %s%s\n", pc, mine)
	binding := filepath.Join(s.mod.dir, "binding", "libbpf-go.pc")
	cmd := exec.Command(pc, "--cflags-only-I", "--", binding)
	cmd.Dir = filepath.Join(s.mod.dir, "binding")
	flags, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("a go build of the binding would fail: %s --cflags -- %s: %s", pc, binding, firstLine(string(flags), err))
	}
	for _, f := range strings.Fields(string(flags)) {
		inc, ok := strings.CutPrefix(f, "-I")
		if !ok {
			continue
		}
		if v, err := headerVersion(filepath.Join(inc, "bpf", "libbpf_version.h")); err == nil {
			fmt.Fprintf(w, "go build:   finds libbpf %s in %s\n", v, inc)
			if v != p.version {
				return fmt.Errorf("a go build of the binding would use libbpf %s, not the pinned %s; run %s", v, p.version, fixCommand)
			}
			return nil
		}
	}
	return fmt.Errorf("a go build of the binding would find no libbpf set up (pkg-config gives %q); run %s", strings.TrimSpace(string(flags)), fixCommand)
}

func orDevel(v string) string {
	if v == "" {
		return "(main module)"
	}
	return v
}

// headerVersion reads MAJOR.MINOR from libbpf_version.h; the patch level
// is not in the header, so the pin's x.y.z is compared as x.y.z below only
// when the header's x.y matches.
func headerVersion(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var major, minor string
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "#define" {
			switch f[1] {
			case "LIBBPF_MAJOR_VERSION":
				major = f[2]
			case "LIBBPF_MINOR_VERSION":
				minor = f[2]
			}
		}
	}
	if major == "" || minor == "" {
		return "", fmt.Errorf("%s names no version", path)
	}
	// The SYNCED record of the build beside the headers has the full one.
	synced := filepath.Join(filepath.Dir(path), "..", "..", "..", "..", "libbpf", "SYNCED")
	if data, err := os.ReadFile(synced); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "version="); ok && strings.HasPrefix(v, major+"."+minor+".") {
				return v, nil
			}
		}
	}
	return major + "." + minor, nil
}

// shellQuote quotes s for sh when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ':' || r == '@' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
