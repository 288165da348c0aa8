package main

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestStatic builds syscount with `make static` and checks that it is
// static, reproducible, and runs in a root that has nothing but it, /proc
// and /sys; it also builds a static agent in another module with the
// environment of `make env STATIC=1`.
func TestStatic(t *testing.T) {
	top, err := filepath.Abs("../..")
	require.NoError(t, err)
	bins := [2]string{filepath.Join(t.TempDir(), "syscount"), filepath.Join(t.TempDir(), "syscount")}
	for _, bin := range bins {
		out, err := makeCommand(t, top, "static", "STATIC_BIN="+bin).CombinedOutput()
		require.NoError(t, err, "make static:\n%s", out)
	}

	t.Run("statically linked", func(t *testing.T) {
		assertStatic(t, bins[0])
	})

	t.Run("reproducible", func(t *testing.T) {
		assert.Equal(t, sha256File(t, bins[0]), sha256File(t, bins[1]), "two builds of syscount differ")
	})

	t.Run("other module", func(t *testing.T) {
		bin := buildOtherModule(t, top)
		assertStatic(t, bin)
		out, err := exec.CommandContext(t.Context(), bin).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Regexp(t, `^libbpf v1\.\d+ on \d+ possible CPUs\n`, string(out))

		requireKernel(t)
		out, err = exec.CommandContext(t.Context(), bin, "load").CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "loaded syscount.bpf.o: count_syscall\n")
	})

	t.Run("chroot", func(t *testing.T) {
		requireKernel(t)
		root := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(root, "syscount"), readFile(t, bins[0]), 0o755))
		for _, d := range []string{"proc", "sys"} {
			require.NoError(t, os.Mkdir(filepath.Join(root, d), 0o755))
		}
		mount(t, "proc", filepath.Join(root, "proc"))
		mount(t, "sysfs", filepath.Join(root, "sys"))
		chroot := func(args ...string) result {
			args = append([]string{root, "/syscount"}, args...)
			return run(t, exec.CommandContext(t.Context(), "chroot", args...))
		}
		const dir = "/sys/fs/bpf/x"

		res := chroot("persist", dir)
		assertFailure(t, res, dir+" is not on a bpffs mount; mount one with: mount -t bpf bpf /sys/fs/bpf")
		mount(t, "bpf", filepath.Join(root, "sys/fs/bpf"))

		res = chroot("persist", dir)
		assertFailure(t, res, "no tracefs at /sys/kernel/tracing; mount it with: mount -t tracefs tracefs /sys/kernel/tracing")
		assert.NoDirExists(t, filepath.Join(root, dir))
		mount(t, "tracefs", filepath.Join(root, "sys/kernel/tracing"))

		res = chroot("persist", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "counting all system calls in the kernel, pinned in "+dir)
		res = chroot("status", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Regexp(t, `(?m)^total: [1-9]\d* system calls by [1-9]\d* processes$`, res.stdout)
		res = chroot("stop", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "stopped")
		assertFailure(t, chroot("status", dir), "nothing is persisted in "+dir)
	})
}

// makeCommand returns the command that runs make with args in top, outside
// of any make that runs the tests.
func makeCommand(t *testing.T, top string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "make", append([]string{"-s", "-C", top}, args...)...)
	cmd.Env = withoutMake(os.Environ())
	return cmd
}

// withoutMake returns env without the variables through which a make that
// runs the tests would steer another make.
func withoutMake(env []string) []string {
	var kept []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES":
		default:
			kept = append(kept, kv)
		}
	}
	return kept
}

// assertStatic checks that file and ldd see a static executable in bin.
func assertStatic(t *testing.T, bin string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "file", bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "statically linked")
	// ldd fails on a static executable, saying so.
	out, _ = exec.CommandContext(t.Context(), "ldd", bin).CombinedOutput()
	assert.Contains(t, string(out), "not a dynamic executable")
}

// otherMain is an agent in another module: it prints the libbpf version and
// CPU count and, given "load", loads the embedded syscount object.
const otherMain = `package main

import (
	_ "embed"
	"fmt"
	"os"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

//go:embed syscount.bpf.o
var object []byte

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	cpus, err := libbpf.NumPossibleCPUs()
	if err != nil {
		return err
	}
	fmt.Printf("libbpf %s on %d possible CPUs\n", libbpf.LibbpfVersion(), cpus)
	if len(os.Args) < 2 || os.Args[1] != "load" {
		return nil
	}
	obj, err := libbpf.OpenMem("syscount", object, nil)
	if err != nil {
		return err
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		return err
	}
	fmt.Printf("loaded syscount.bpf.o: %s\n", obj.Programs()[0].Name())
	return nil
}
`

// buildOtherModule writes a module outside the project that uses the
// binding and builds it with its own go build, in the environment that
// `make env STATIC=1` prints.
func buildOtherModule(t *testing.T, top string) string {
	t.Helper()
	dir := t.TempDir()
	goMod := "module example.com/agent\n\ngo 1.26.0\n\n" +
		"require (\n\tgithub.com/libbpf-go/libbpf-go v0.0.0\n\tgolang.org/x/sys v0.50.0 // indirect\n)\n\n" +
		"replace github.com/libbpf-go/libbpf-go => " + top + "\n"
	files := map[string][]byte{
		"go.mod":         []byte(goMod),
		"go.sum":         readFile(t, filepath.Join(top, "go.sum")),
		"main.go":        []byte(otherMain),
		"syscount.bpf.o": syscountObject,
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	bin := filepath.Join(dir, "agent")
	script := `eval "$(make -s -C "$1" env STATIC=1)" && go build -o "$2" .`
	cmd := exec.CommandContext(t.Context(), "bash", "-c", script, "bash", top, bin)
	cmd.Dir = dir
	cmd.Env = withoutMake(os.Environ())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build in another module:\n%s", out)
	return bin
}

// mount mounts a filesystem of type fstype on target and unmounts it when
// the test ends, lazily in case a process still uses it.
func mount(t *testing.T, fstype, target string) {
	t.Helper()
	require.NoError(t, unix.Mount(fstype, target, fstype, 0, ""), "mount -t %s %s", fstype, target)
	t.Cleanup(func() {
		assert.NoError(t, unix.Unmount(target, unix.MNT_DETACH), "umount %s", target)
	})
}

// readFile returns the contents of the file at path.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// sha256File returns the SHA-256 sum of the file at path.
func sha256File(t *testing.T, path string) [sha256.Size]byte {
	t.Helper()
	return sha256.Sum256(readFile(t, path))
}
