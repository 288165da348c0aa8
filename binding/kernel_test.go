package libbpf_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

const (
	bpffsRoot   = "/sys/fs/bpf"
	tracefsRoot = "/sys/kernel/tracing"

	// childEnv selects a child scenario when the test binary re-executes
	// itself (see TestMain and child_test.go).
	childEnv = "LIBBPF_GO_TEST_CHILD"
)

// TestMain runs the tests, or one child scenario when the test binary is
// re-executed by a test, and unmounts the filesystems the tests mounted.
func TestMain(m *testing.M) {
	if scenario := os.Getenv(childEnv); scenario != "" {
		os.Exit(runChild(scenario))
	}
	if caps := os.Getenv(dropCapsEnv); caps != "" {
		fmt.Fprintln(os.Stderr, dropCapsAndReexec(caps))
		os.Exit(2)
	}
	reportDroppedCaps()
	code := m.Run()
	for _, target := range mountedByTests {
		if err := unix.Unmount(target, 0); err != nil {
			fmt.Fprintf(os.Stderr, "unmount %s: %v\n", target, err)
			code = 1
		}
	}
	os.Exit(code)
}

var (
	mountOnce      sync.Once
	mountErr       error
	mountedByTests []string
)

// requireKernel skips a test that needs the real kernel when the tests do
// not run as root, except under CI=true where such a skip is a failure. It
// mounts bpffs and tracefs when they are missing.
func requireKernel(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		const reason = "kernel test needs root: bpf(2), bpffs and tracefs"
		if os.Getenv("CI") == "true" {
			t.Fatal(reason + " (CI=true: kernel tests must run, not skip)")
		}
		t.Skip(reason)
	}
	mountOnce.Do(func() { mountErr = mountFilesystems() })
	require.NoError(t, mountErr)
}

func mountFilesystems() error {
	for _, fs := range []struct{ target, fstype string }{
		{bpffsRoot, "bpf"},
		{tracefsRoot, "tracefs"},
	} {
		mounted, err := isMounted(fs.target, fs.fstype)
		if err != nil {
			return err
		}
		if mounted {
			continue
		}
		if err := unix.Mount(fs.fstype, fs.target, fs.fstype, 0, ""); err != nil {
			return fmt.Errorf("mount %s on %s: %w", fs.fstype, fs.target, err)
		}
		mountedByTests = append(mountedByTests, fs.target)
	}
	return nil
}

// isMounted reports whether /proc/self/mounts lists a filesystem of type
// fstype on target.
func isMounted(target, fstype string) (bool, error) {
	f, err := os.Open("/proc/self/mounts")
	if err != nil {
		return false, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 3 && fields[1] == target && fields[2] == fstype {
			return true, nil
		}
	}
	return false, scanner.Err()
}

// bpffsDir creates a folder for the test's pins under /sys/fs/bpf and
// removes it, with whatever is still pinned in it, when the test ends.
func bpffsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp(bpffsRoot, "libbpf-go-test-")
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, os.RemoveAll(dir), "remove the test's bpffs folder")
	})
	return dir
}

// objectPath returns the absolute path of testdata/<name>.bpf.o.
func objectPath(t testing.TB, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name+".bpf.o"))
	require.NoError(t, err)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s is missing: run `make bpf` first", path)
	}
	return path
}

// openObject opens testdata/<name>.bpf.o and closes it when the test ends.
func openObject(t testing.TB, name string, opts *libbpf.ObjectOptions) *libbpf.Object {
	t.Helper()
	obj, err := libbpf.OpenFile(objectPath(t, name), opts)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, obj.Close()) })
	return obj
}

// loadObject opens and loads testdata/<name>.bpf.o.
func loadObject(t testing.TB, name string) *libbpf.Object {
	t.Helper()
	obj := openObject(t, name, nil)
	requireLoad(t, obj)
	return obj
}

func program(t testing.TB, obj *libbpf.Object, name string) *libbpf.Program {
	t.Helper()
	prog, err := obj.Program(name)
	require.NoError(t, err)
	return prog
}

func objMap(t testing.TB, obj *libbpf.Object, name string) *libbpf.Map {
	t.Helper()
	m, err := obj.Map(name)
	require.NoError(t, err)
	return m
}

func u8(v uint8) []byte { return []byte{v} }

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func u64(v uint64) []byte { return binary.NativeEndian.AppendUint64(nil, v) }

// openCounter opens counter.bpf.o with its programs counting the getpid()
// calls of process tgid only, so that other processes do not disturb it.
func openCounter(t testing.TB, tgid int) *libbpf.Object {
	t.Helper()
	obj := openObject(t, "counter", nil)
	require.NoError(t, obj.SetGlobal("target_tgid", u32(uint32(tgid))))
	return obj
}

// pinnedCounts loads a second counter.bpf.o whose counts map reuses the map
// pinned at path, so that the counter can be read after its first object
// (or the process that created it) is gone.
func pinnedCounts(t testing.TB, path string) *libbpf.Map {
	t.Helper()
	obj := openCounter(t, os.Getpid())
	counts := objMap(t, obj, "counts")
	require.NoError(t, counts.SetPinPath(path))
	requireLoad(t, obj)
	return counts
}

// counter reads slot of the counts map of counter.bpf.o.
func counter(t testing.TB, counts *libbpf.Map, slot uint32) uint64 {
	t.Helper()
	value := make([]byte, 8)
	require.NoError(t, counts.Lookup(u32(slot), value))
	return binary.NativeEndian.Uint64(value)
}

// counterMoves calls getpid() and reports whether slot 0 of counts grew.
// A tracepoint program runs synchronously in the syscall, so an attached
// program has counted the calls when getpid returns.
func counterMoves(t testing.TB, counts *libbpf.Map) bool {
	t.Helper()
	before := counter(t, counts, 0)
	for range 3 {
		unix.Getpid()
	}
	return counter(t, counts, 0) > before
}

// assertStops checks that the counter stops moving and then stays still.
// The kernel may release a link asynchronously (the last reference can be
// dropped from a work queue, e.g. after an unpin), so this polls a bounded
// number of rounds before it gives up.
func assertStops(t testing.TB, counts *libbpf.Map) {
	t.Helper()
	const rounds = 5000
	for range rounds {
		if !counterMoves(t, counts) {
			for range 20 {
				if !assert.False(t, counterMoves(t, counts), "counter moved again after it had stopped") {
					return
				}
			}
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("counter still moves after %d rounds of getpid()", rounds)
}

// attachKind attaches a counter program in one of the two ways the
// Disconnect scenarios cover.
type attachKind struct {
	name    string // subtest name, also passed to child processes
	program string // program of counter.bpf.o counting into slot 0
	attach  func(*libbpf.Program) (*libbpf.Link, error)
}

var attachKinds = []attachKind{
	{
		name:    "tracepoint",
		program: "count_tp",
		attach: func(p *libbpf.Program) (*libbpf.Link, error) {
			return p.AttachTracepoint("syscalls", "sys_enter_getpid")
		},
	},
	{
		name:    "raw_tracepoint",
		program: "count_raw",
		attach: func(p *libbpf.Program) (*libbpf.Link, error) {
			return p.AttachRawTracepoint("sys_enter")
		},
	},
}

func kindByName(name string) (attachKind, error) {
	for _, k := range attachKinds {
		if k.name == name {
			return k, nil
		}
	}
	return attachKind{}, fmt.Errorf("unknown attach kind %q", name)
}

// attachCounter attaches the counter program of kind and destroys the link
// when the test ends, unless the test closed it already.
func attachCounter(t testing.TB, obj *libbpf.Object, kind attachKind) *libbpf.Link {
	t.Helper()
	link, err := kind.attach(program(t, obj, kind.program))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	return link
}

// assertPinned checks that path exists (or not) on bpffs.
func assertPinned(t testing.TB, path string, pinned bool) {
	t.Helper()
	_, err := os.Stat(path)
	if pinned {
		assert.NoError(t, err, "%s should be pinned", path)
	} else {
		assert.ErrorIs(t, err, os.ErrNotExist, "%s should not be pinned", path)
	}
}
