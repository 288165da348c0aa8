package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// module is the libbpf-go module whose pin is set up.
type module struct {
	dir     string // its folder (in the module cache: read-only)
	version string // "" for a main module (a clone)
	pin     pin
}

// pin is libbpf/CHECKPOINT.
type pin struct {
	version  string // libbpf version, e.g. 1.7.0
	tarball  string // file name of the pinned tarball
	sha256   string
	commit   string
	debian   string
	checksum string // the CHECKPOINT file's own path, for messages
}

// key names the cache folder of the pin's build.
func (p pin) key() string { return p.version + "-" + p.sha256[:12] }

// findModule finds the libbpf-go module: the one the current module
// requires (go list -m), else the one this command was built from (its
// build info, then go mod download).
func findModule() (*module, error) {
	dir, version, err := listModule()
	if err != nil {
		bi, ok := debug.ReadBuildInfo()
		if !ok || bi.Main.Path != modulePath || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
			return nil, fmt.Errorf("cannot tell which libbpf-go to set up: %v; run it in a module that requires %s, or as go run %s/cmd/libbpf-setup@VERSION", err, modulePath, modulePath)
		}
		version = bi.Main.Version
		dir, err = downloadModule(version)
		if err != nil {
			return nil, err
		}
	}
	p, err := readPin(filepath.Join(dir, "libbpf", "CHECKPOINT"))
	if err != nil {
		return nil, err
	}
	return &module{dir: dir, version: version, pin: p}, nil
}

// listModule asks the go command for the libbpf-go that the module in the
// current folder requires (or is).
func listModule() (dir, version string, err error) {
	cmd := exec.Command("go", "list", "-m", "-json", modulePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m %s: %s", modulePath, firstLine(stderr.String(), err))
	}
	var m struct{ Dir, Version string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", fmt.Errorf("go list -m %s: %v", modulePath, err)
	}
	if m.Dir == "" {
		// Required but not downloaded yet.
		d, err := downloadModule(m.Version)
		return d, m.Version, err
	}
	return m.Dir, m.Version, nil
}

func downloadModule(version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modulePath+"@"+version)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var m struct{ Dir, Error string }
	_ = json.Unmarshal(out, &m)
	if m.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", modulePath, version, m.Error)
	}
	if err != nil || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", modulePath, version, firstLine(stderr.String(), err))
	}
	return m.Dir, nil
}

func readPin(path string) (pin, error) {
	f, err := os.Open(path)
	if err != nil {
		return pin{}, fmt.Errorf("read the pin: %v", err)
	}
	defer f.Close()
	kv := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			kv[k] = v
		}
	}
	p := pin{version: kv["version"], tarball: kv["tarball"], sha256: kv["sha256"], commit: kv["commit"], debian: kv["debian_version"], checksum: path}
	if p.version == "" || len(p.sha256) != 64 || p.tarball == "" {
		return pin{}, fmt.Errorf("%s lacks version=, tarball= or a sha256= of 64 hex digits", path)
	}
	return p, nil
}

// firstLine is the first non-empty line of a command's stderr, else err.
func firstLine(s string, err error) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	if err != nil {
		return err.Error()
	}
	return "failed"
}

// lastLine is the last non-empty line of a command's output.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
