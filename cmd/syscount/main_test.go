package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestSyscount builds the syscount binary and runs its commands against the
// kernel.
func TestSyscount(t *testing.T) {
	bin := buildSyscount(t)

	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{},
			{"bogus"},
			{"persist"},
			{"status", "a", "b"},
			{"stop", "-nosuchflag", "a"},
			{"run", "extra"},
			{"run", "-interval", "0s"},
			{"status", "-top", "-1", "a"},
		} {
			t.Run(fmt.Sprintf("%q", args), func(t *testing.T) {
				res := runSyscount(t, bin, args...)
				assert.Equal(t, exitUsage, res.code)
				assert.Contains(t, res.stderr, "usage: syscount")
				assert.Empty(t, res.stdout)
			})
		}
	})

	t.Run("persist status stop", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		res := runSyscount(t, bin, "persist", "-syscall", "getpid", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "getpid")

		// No syscount process runs now: the pinned link keeps counting.
		getpids(100)
		first := ownCount(t, bin, dir)
		assert.GreaterOrEqual(t, first, uint64(100))
		getpids(100)
		second := ownCount(t, bin, dir)
		assert.GreaterOrEqual(t, second, first+100)

		res = runSyscount(t, bin, "stop", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "stopped")
		assert.NoDirExists(t, dir)

		res = runSyscount(t, bin, "status", dir)
		assertFailure(t, res, "nothing is persisted in "+dir)
		res = runSyscount(t, bin, "stop", dir)
		assertFailure(t, res, "nothing is persisted in "+dir)
	})

	t.Run("all syscalls", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		res := runSyscount(t, bin, "persist", dir)
		require.Equal(t, 0, res.code, res.stderr)
		getpids(10)
		assert.Positive(t, ownCount(t, bin, dir))
		res = runSyscount(t, bin, "stop", dir)
		require.Equal(t, 0, res.code, res.stderr)
	})

	t.Run("persist twice", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		res := runSyscount(t, bin, "persist", dir)
		require.Equal(t, 0, res.code, res.stderr)
		res = runSyscount(t, bin, "persist", "-syscall", "getpid", dir)
		assertFailure(t, res, dir+" is already in use by a persisted syscount")
		res = runSyscount(t, bin, "stop", dir)
		require.Equal(t, 0, res.code, res.stderr)
	})

	t.Run("persist repairs an interrupted persist", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		res := runSyscount(t, bin, "persist", dir)
		require.Equal(t, 0, res.code, res.stderr)
		// A persist killed between its two pins leaves the counts pin
		// alone; removing the link pin makes that state (and detaches).
		require.NoError(t, os.Remove(filepath.Join(dir, linkPin)))

		res = runSyscount(t, bin, "persist", "-syscall", "getpid", dir)
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stdout, "removed the counts an interrupted persist left")
		getpids(10)
		assert.GreaterOrEqual(t, ownCount(t, bin, dir), uint64(10))
		res = runSyscount(t, bin, "stop", dir)
		require.Equal(t, 0, res.code, res.stderr)
	})

	t.Run("killed persist leaves a state the next run handles", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		for i := range 16 {
			cmd := exec.Command(bin, "persist", dir)
			require.NoError(t, cmd.Start())
			// Kill at a different moment each round, from before the
			// object is loaded to after the pins are made.
			time.Sleep(time.Duration(i) * time.Millisecond)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()

			// Whatever the kill left, a new persist and a stop work.
			res := runSyscount(t, bin, "persist", dir)
			if res.code != 0 {
				assert.Contains(t, res.stderr, "is already in use by a persisted syscount", "round %d", i)
			}
			res = runSyscount(t, bin, "stop", dir)
			require.Equal(t, 0, res.code, "round %d: %s", i, res.stderr)
			assert.NoDirExists(t, dir)
		}
	})

	t.Run("unknown syscall", func(t *testing.T) {
		requireKernel(t)
		dir := bpffsDir(t)
		for _, name := range []string{"nosuchcall", "../getpid"} {
			res := runSyscount(t, bin, "persist", "-syscall", name, dir)
			assertFailure(t, res, "unknown syscall")
			assert.NoDirExists(t, dir)
		}
	})

	t.Run("not bpffs", func(t *testing.T) {
		requireKernel(t)
		dir := t.TempDir()
		for _, cmd := range []string{"persist", "status", "stop"} {
			res := runSyscount(t, bin, cmd, dir)
			assertFailure(t, res, "is not on a bpffs mount; mount one with: mount -t bpf bpf /sys/fs/bpf")
		}
	})

	t.Run("not root", func(t *testing.T) {
		requireKernel(t)
		cmd := exec.CommandContext(t.Context(), bin, "status", bpffsDir(t))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		assertFailure(t, run(t, cmd), "root privileges are needed")
	})
}

// requireKernel skips the test unless it runs as root, which the kernel
// needs for bpf(), and mounts bpffs and tracefs when they are missing.
// Under CI=true it fails instead of skipping, so that CI never passes
// without running the kernel tests.
func requireKernel(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("kernel tests need root, and CI=true forbids skipping them")
		}
		t.Skip("kernel tests need root")
	}
	ensureMount(t, "/sys/fs/bpf", "bpf", unix.BPF_FS_MAGIC)
	ensureMount(t, "/sys/kernel/tracing", "tracefs", unix.TRACEFS_MAGIC)
}

// ensureMount mounts a filesystem of type fstype on target unless one with
// the given statfs magic is there already.
func ensureMount(t *testing.T, target, fstype string, magic uint32) {
	t.Helper()
	var st unix.Statfs_t
	require.NoError(t, unix.Statfs(target, &st))
	if uint32(st.Type) == magic {
		return
	}
	require.NoError(t, unix.Mount(fstype, target, fstype, 0, ""), "mount -t %s %s", fstype, target)
}

// buildSyscount builds the syscount binary into a temporary folder that
// every user can read, so that it can also run unprivileged.
func buildSyscount(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	bin := filepath.Join(dir, "syscount")
	// Without -buildvcs=false the build fails when git refuses a checkout
	// owned by another user, as under sudo.
	build := exec.CommandContext(t.Context(), "go", "build", "-buildvcs=false", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build (is PKG_CONFIG_PATH set?):\n%s", out)
	return bin
}

// bpffsDir returns a fresh, not yet created folder name on bpffs and stops
// whatever a failed test left in it.
func bpffsDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("/sys/fs/bpf", "syscount-test-"+rand.Text()[:8])
	t.Cleanup(func() {
		if _, err := os.Stat(dir); err == nil {
			for _, name := range []string{linkPin, countPin} {
				os.Remove(filepath.Join(dir, name))
			}
			os.Remove(dir)
		}
	})
	return dir
}

// result is what one syscount run printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// runSyscount runs the binary bin with args.
func runSyscount(t *testing.T, bin string, args ...string) result {
	t.Helper()
	return run(t, exec.CommandContext(t.Context(), bin, args...))
}

// run runs cmd and collects its output and exit code.
func run(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		err = nil
	}
	require.NoError(t, err, "run %v", cmd.Args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

// assertFailure checks that res is a failure explained in one stderr line
// containing want.
func assertFailure(t *testing.T, res result, want string) {
	t.Helper()
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, want)
	assert.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line:\n%s", res.stderr)
	assert.True(t, strings.HasPrefix(res.stderr, "syscount: "), res.stderr)
}

// getpids makes n getpid system calls.
func getpids(n int) {
	for range n {
		unix.Getpid()
	}
}

// ownCount runs `syscount status` on dir and returns the count of the test
// process, failing the test when there is no row for it.
func ownCount(t *testing.T, bin, dir string) uint64 {
	t.Helper()
	res := runSyscount(t, bin, "status", "-top", "0", dir)
	require.Equal(t, 0, res.code, res.stderr)
	pid := strconv.Itoa(os.Getpid())
	for line := range strings.Lines(res.stdout) {
		fields := strings.Fields(line)
		if len(fields) >= 3 && fields[0] == pid {
			n, err := strconv.ParseUint(fields[len(fields)-1], 10, 64)
			require.NoError(t, err, line)
			return n
		}
	}
	require.Failf(t, "no row for the test process", "pid %s in:\n%s", pid, res.stdout)
	return 0
}
