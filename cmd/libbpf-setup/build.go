package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type setup struct {
	opts   options
	stdout io.Writer
	stderr io.Writer
	mod    *module
	root   string // the cache folder: $LIBBPF_GO_CACHE or UserCacheDir/libbpf-go
}

// buildDir is where the pin's build lives once complete.
func (s *setup) buildDir() string { return filepath.Join(s.root, s.mod.pin.key()) }

// complete reports whether dir holds a finished build: SETUP is written
// last, inside the temporary folder, before the rename.
func complete(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "SETUP"))
	return err == nil
}

func cacheRoot() (string, error) {
	if d := os.Getenv("LIBBPF_GO_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder: %v; set LIBBPF_GO_CACHE", err)
	}
	return filepath.Join(d, "libbpf-go"), nil
}

// prepare finds the module and the cache.
func (s *setup) prepare() error {
	mod, err := findModule()
	if err != nil {
		return err
	}
	s.mod = mod
	s.root, err = cacheRoot()
	return err
}

// install builds the pin if needed, then sets go env (or prints).
func (s *setup) install() error {
	if err := s.prepare(); err != nil {
		return err
	}
	if err := s.ensureBuilt(); err != nil {
		return err
	}
	wrapper, err := s.writeWrappers()
	if err != nil {
		return err
	}
	switch {
	case s.opts.static:
		fmt.Fprintf(s.stdout, "# For one build only: (eval \"$(go run %s/cmd/libbpf-setup -static)\" && go build ./cmd/youragent)\n", modulePath)
		fmt.Fprintf(s.stdout, "export CGO_ENABLED=1 PKG_CONFIG=%s CGO_LDFLAGS='%s' GOFLAGS='%s'\n",
			shellQuote(filepath.Join(s.root, "pkg-config-static")), staticLDFlags, staticGoFlags)
		return nil
	case s.opts.print:
		fmt.Fprintf(s.stdout, "export PKG_CONFIG=%s\n", shellQuote(wrapper))
		return nil
	}
	return s.setGoEnv(wrapper)
}

// The settings of a static agent, as the Makefile's `make env STATIC=1`.
const (
	staticLDFlags = "-static -Wl,--build-id=none -Wl,--gc-sections"
	staticGoFlags = `-trimpath -buildvcs=false "-ldflags=-s -buildid="`
)

// ensureBuilt builds the pin into the cache unless a complete build is
// there. One run at a time builds (a lock per pin); a run that finds the
// lock taken waits and then uses what the other built.
func (s *setup) ensureBuilt() error {
	dir := s.buildDir()
	if complete(dir) {
		s.say("libbpf %s is already built in %s", s.mod.pin.version, dir)
		return nil
	}
	if err := os.MkdirAll(s.root, 0o755); err != nil {
		return fmt.Errorf("cannot create the cache folder %s: %v; set LIBBPF_GO_CACHE to a writable folder", s.root, unwrapPath(err))
	}
	lock, err := os.OpenFile(filepath.Join(s.root, s.mod.pin.key()+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write to the cache folder %s: %v; set LIBBPF_GO_CACHE to a writable folder", s.root, unwrapPath(err))
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("lock %s: %v", lock.Name(), err)
		}
		s.say("another libbpf-setup is building libbpf %s into %s; waiting for it", s.mod.pin.version, dir)
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			return fmt.Errorf("lock %s: %v", lock.Name(), err)
		}
	}
	// The lock is released when the file closes, also when this process
	// is killed.
	if complete(dir) {
		s.say("libbpf %s was built by the other run, in %s", s.mod.pin.version, dir)
		return nil
	}
	// What a killed run left: its temporary folder, or (never trusted) a
	// folder without SETUP.
	old, _ := filepath.Glob(filepath.Join(s.root, "."+s.mod.pin.key()+".tmp-*"))
	for _, o := range old {
		os.RemoveAll(o)
	}
	if len(old) > 0 {
		s.say("removed %d unfinished build(s) of an interrupted run", len(old))
	}
	os.RemoveAll(dir)
	if err := s.checkTools(); err != nil {
		return err
	}
	start := time.Now()
	stage, err := os.MkdirTemp(s.root, "."+s.mod.pin.key()+".tmp-")
	if err != nil {
		return fmt.Errorf("cannot write to the cache folder %s: %v; set LIBBPF_GO_CACHE to a writable folder", s.root, unwrapPath(err))
	}
	defer os.RemoveAll(stage)
	source, err := s.sync(stage)
	if err != nil {
		return err
	}
	if err := s.make(stage, dir); err != nil {
		return err
	}
	record := fmt.Sprintf("# Written by libbpf-setup when this build was complete.\nversion=%s\nsha256=%s\nsource=%s\nmodule=%s@%s\nbuilt=%s\n",
		s.mod.pin.version, s.mod.pin.sha256, source, modulePath, s.mod.version, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(stage, "SETUP"), []byte(record), 0o644); err != nil {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		return fmt.Errorf("move the build into place: %v", err)
	}
	s.say("built libbpf %s from %s into %s in %.1fs", s.mod.pin.version, source, dir, time.Since(start).Seconds())
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sync brings the pinned source into stage/libbpf with the module's own
// sync.sh, from the first source that works, and returns its name.
func (s *setup) sync(stage string) (string, error) {
	if s.opts.from != "" {
		from, err := filepath.Abs(s.opts.from)
		if err != nil {
			return "", err
		}
		st, err := os.Stat(from)
		if err != nil {
			return "", fmt.Errorf("-from %s: %v", s.opts.from, unwrapPath(err))
		}
		var mode string
		switch {
		case !st.IsDir():
			mode = "--tarball"
		case exists(filepath.Join(from, "src", "libbpf.c")):
			mode = "--libbpf"
		case exists(filepath.Join(from, "tools", "lib", "bpf", "libbpf.c")):
			mode = "--kernel"
		default:
			return "", fmt.Errorf("-from %s is neither a release tarball, a libbpf tree (src/libbpf.c) nor a kernel tree (tools/lib/bpf/libbpf.c)", s.opts.from)
		}
		if err := s.syncSh(stage, mode, from); err != nil {
			return "", err
		}
		return from, s.checkVersion(stage)
	}
	// The upstream release tarball.
	url := os.Getenv("LIBBPF_GO_UPSTREAM_URL")
	if url == "" {
		url = fmt.Sprintf("https://github.com/libbpf/libbpf/archive/refs/tags/v%s.tar.gz", s.mod.pin.version)
	}
	tarball := filepath.Join(stage, s.mod.pin.tarball)
	err := download(url, tarball)
	if err == nil {
		err = checkSum(tarball, s.mod.pin.sha256)
		if err == nil {
			err = s.syncSh(stage, "--tarball", tarball)
		}
		os.Remove(tarball)
		if err == nil {
			return url, s.checkVersion(stage)
		}
		return "", fmt.Errorf("%s: %v", url, err)
	}
	s.say("upstream release unreachable (%v); trying Debian's source package", err)
	// Debian's source package, through sync.sh's private apt configuration
	// (its lists and downloads are kept in the cache for the next run).
	if err := s.syncSh(stage, ""); err != nil {
		return "", fmt.Errorf("no source could be used: upstream %s unreachable, and Debian's source package: %v; pass -from with the release tarball %s (SHA-256 %s)",
			url, err, s.mod.pin.tarball, s.mod.pin.sha256)
	}
	return "debian:libbpf_" + s.mod.pin.debian, s.checkVersion(stage)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// syncSh runs the module's sync.sh with --dest stage. Its one-line errors
// come back as the error.
func (s *setup) syncSh(stage string, args ...string) error {
	argv := []string{filepath.Join(s.mod.dir, "sync.sh"), "--dest", stage}
	for _, a := range args {
		if a != "" {
			argv = append(argv, a)
		}
	}
	cmd := exec.Command("bash", argv...)
	cmd.Env = append(os.Environ(), "BUILD="+filepath.Join(s.root, "apt"))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if strings.TrimSpace(out.String()) == "" {
			return fmt.Errorf("sync.sh: %v", err)
		}
		return errors.New(strings.TrimPrefix(lastLine(out.String()), "sync.sh: "))
	}
	return nil
}

// checkVersion refuses a tree of another libbpf release than the pin's.
func (s *setup) checkVersion(stage string) error {
	data, err := os.ReadFile(filepath.Join(stage, "libbpf", "SYNCED"))
	if err != nil {
		return err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "version="); ok && v != s.mod.pin.version {
			return fmt.Errorf("-from %s holds libbpf %s, but this libbpf-go pins %s", s.opts.from, v, s.mod.pin.version)
		}
	}
	return nil
}

func download(url, path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ResponseHeaderTimeout: 30 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
	}}
	resp, err := client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			return ue.Unwrap()
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func checkSum(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("SHA-256 %s, the pin says %s", got, want)
	}
	return nil
}

// make builds libbpf with the module's Makefile (target libbpf-install:
// libbpf's own Makefile and knobs) from stage/libbpf/src into stage/root.
// The staged libbpf.pc points at the final folder, dir.
func (s *setup) make(stage, dir string) error {
	logPath := filepath.Join(s.root, s.mod.pin.key()+".log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command("make", "-f", filepath.Join(s.mod.dir, "Makefile"), "--no-print-directory",
		fmt.Sprintf("-j%d", runtime.NumCPU()), "libbpf-install",
		"LIBBPF_SRC="+filepath.Join(stage, "libbpf", "src"), "OBJDIR="+filepath.Join(stage, "obj"),
		"DESTDIR="+filepath.Join(stage, "root"), "PREFIX=/usr")
	cmd.Env = append(os.Environ(), "MAKEFLAGS=", "MFLAGS=")
	var tail bytes.Buffer
	cmd.Stdout = io.MultiWriter(log, &tail)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building libbpf failed (%s); the log is %s", lastErrorLine(tail.String(), err), logPath)
	}
	os.RemoveAll(filepath.Join(stage, "obj"))
	// Where the .pc folder is: lib64 or lib, as libbpf's Makefile chose.
	for _, lib := range []string{"lib64", "lib"} {
		pc := filepath.Join("root", "usr", lib, "pkgconfig")
		file := filepath.Join(stage, pc, "libbpf.pc")
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		// The Makefile pointed prefix= at the staging root; the build is
		// used from its final folder.
		data = bytes.ReplaceAll(data, []byte(filepath.Join(stage, "root")), []byte(filepath.Join(dir, "root")))
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
		return os.Symlink(pc, filepath.Join(stage, "pkgconfig"))
	}
	return fmt.Errorf("libbpf's install staged no libbpf.pc under %s; the log is %s", filepath.Join(stage, "root"), logPath)
}

// lastErrorLine is the last line of a failed build that says "error",
// else its last line.
func lastErrorLine(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "error") || strings.Contains(lines[i], "Error") {
			return strings.TrimSpace(lines[i])
		}
	}
	if len(lines) > 0 && lines[len(lines)-1] != "" {
		return strings.TrimSpace(lines[len(lines)-1])
	}
	return err.Error()
}

// A tool the build needs, how to look for it, and the packages with it.
type tool struct {
	name           string
	command        string // found on PATH
	header         string // or a header the C compiler finds
	debian, fedora string
}

// checkTools names, in one line, every build tool that is missing, with
// the install commands; it installs nothing.
func (s *setup) checkTools() error {
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "cc"
	}
	tools := []tool{
		{name: "C compiler (" + cc + ")", command: cc, debian: "gcc", fedora: "gcc"},
		{name: "make", command: "make", debian: "make", fedora: "make"},
		{name: "pkg-config", command: "pkg-config", debian: "pkg-config", fedora: "pkgconf-pkg-config"},
		{name: "libelf headers", header: "libelf.h", debian: "libelf-dev", fedora: "elfutils-libelf-devel"},
		{name: "zlib headers", header: "zlib.h", debian: "zlib1g-dev", fedora: "zlib-devel"},
		{name: "zstd headers", header: "zstd.h", debian: "libzstd-dev", fedora: "libzstd-devel"},
	}
	_, ccErr := exec.LookPath(cc)
	var missing, deb, fed []string
	for _, t := range tools {
		ok := true
		switch {
		case t.command != "":
			_, err := exec.LookPath(t.command)
			ok = err == nil
		case ccErr == nil:
			cmd := exec.Command(cc, "-E", "-x", "c", "-o", os.DevNull, "-")
			cmd.Stdin = strings.NewReader("#include <" + t.header + ">\n")
			ok = cmd.Run() == nil
		}
		if !ok {
			missing = append(missing, t.name)
			deb = append(deb, t.debian)
			fed = append(fed, t.fedora)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("missing %s; install them (libbpf-setup installs nothing): sudo apt-get install %s (Debian, Ubuntu) or sudo dnf install %s (Fedora)",
		strings.Join(missing, ", "), strings.Join(deb, " "), strings.Join(fed, " "))
}
