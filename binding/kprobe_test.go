package libbpf_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The kprobe tests need a kernel with kprobes (CONFIG_KPROBES) and, for
// kprobe_multi, fprobe; they skip, with the binding's own feature probe as
// the reason, where the kernel lacks them. `make test-kernels` runs them
// in guest kernels that have them.

// kprobeKind is a kprobe-based counter program and the probe of the kernel
// feature it needs.
type kprobeKind struct {
	attachKind
	object string // testdata object holding the program
	probe  func() error
}

// attachWithSection attaches a program the way libbpf's SEC() name says.
func attachWithSection(p *libbpf.Program) (*libbpf.Link, error) { return p.Attach() }

var kprobeKinds = []kprobeKind{
	{attachKind{"kprobe", "count_kprobe", attachWithSection}, "kprobe", libbpf.ProbeKprobes},
	{attachKind{"kretprobe", "count_kretprobe", attachWithSection}, "kprobe", libbpf.ProbeKprobes},
	{attachKind{"ksyscall", "count_ksyscall", attachWithSection}, "kprobe", libbpf.ProbeKprobes},
	{attachKind{"kprobe_multi", "count_kprobe_multi", attachWithSection}, "kprobe_multi", libbpf.ProbeKprobeMulti},
}

// Extra child scenario of the kprobe tests, handled in init below.
const (
	// Attach count_kprobe through a legacy kprobe event, print the event
	// lines libbpf added to kprobe_events, Close without Disconnect and
	// print them again.
	scenarioLegacyKprobeClose = "legacy-kprobe-close"

	// childLegacyKprobe, when set in a child started in its own mount
	// namespace, hides the kprobe perf PMU from libbpf so that it falls
	// back to a legacy kprobe event in tracefs's kprobe_events.
	childLegacyKprobe = "LIBBPF_GO_TEST_LEGACY_KPROBE"
)

// kprobePMUType is the file libbpf reads the kprobe PMU's perf type from;
// without a number in it libbpf creates legacy kprobe events.
const kprobePMUType = "/sys/bus/event_source/devices/kprobe/type"

// init extends a child process (see TestMain and child_test.go) for the
// kprobe kinds and scenarios: it runs before TestMain, which then runs the
// child's scenario. No tests run in a child, so the extended attachKinds
// affect nothing else.
func init() {
	if os.Getenv(childEnv) == "" {
		return
	}
	for _, k := range kprobeKinds {
		attachKinds = append(attachKinds, k.attachKind)
	}
	err := func() error {
		if os.Getenv(childLegacyKprobe) != "" {
			// The child has its own mount namespace, with / private.
			if err := unix.Mount("/dev/null", kprobePMUType, "", unix.MS_BIND, ""); err != nil {
				return fmt.Errorf("hide the kprobe PMU: %w", err)
			}
		}
		if os.Getenv(childEnv) == scenarioLegacyKprobeClose {
			return childLegacyKprobeClose()
		}
		return nil
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", os.Getenv(childEnv), err)
		os.Exit(1)
	}
	if os.Getenv(childEnv) == scenarioLegacyKprobeClose {
		os.Exit(0)
	}
}

// childLegacyKprobeClose attaches count_kprobe of the object at childObject
// and prints, as one line each, the kprobe events of this process while
// attached and after Close.
func childLegacyKprobeClose() error {
	obj, err := libbpf.OpenFile(os.Getenv(childObject), nil)
	if err != nil {
		return err
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		return err
	}
	prog, err := obj.Program("count_kprobe")
	if err != nil {
		return err
	}
	link, err := prog.Attach()
	if err != nil {
		return err
	}
	events, err := kprobeEvents(os.Getpid())
	if err != nil {
		return err
	}
	fmt.Println(strings.Join(events, " "))
	if err := link.Close(); err != nil {
		return err
	}
	if events, err = kprobeEvents(os.Getpid()); err != nil {
		return err
	}
	fmt.Println(strings.Join(events, " "))
	return nil
}

// kprobeEvents returns the names of the legacy kprobe events libbpf created
// for process pid (named libbpf_<pid>_...), as kprobe_events lists them.
func kprobeEvents(pid int) ([]string, error) {
	f, err := os.Open(filepath.Join(tracefsRoot, "kprobe_events"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := fmt.Sprintf("libbpf_%d_", pid)
	var events []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		// A line is "p:GROUP/EVENT SYMBOL" or "r...:GROUP/EVENT SYMBOL".
		fields := strings.Fields(scanner.Text())
		if len(fields) == 0 {
			continue
		}
		_, name, ok := strings.Cut(fields[0], "/")
		if ok && strings.HasPrefix(name, prefix) {
			events = append(events, name)
		}
	}
	return events, scanner.Err()
}

// removeKprobeEvents deletes the legacy kprobe events of process pid, which
// a disconnected or killed process leaves behind.
func removeKprobeEvents(t testing.TB, pid int) {
	t.Helper()
	events, err := kprobeEvents(pid)
	require.NoError(t, err)
	for _, name := range events {
		f, err := os.OpenFile(filepath.Join(tracefsRoot, "kprobe_events"), os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.WriteString("-:" + name + "\n")
		assert.NoError(t, err, "remove kprobe event %s", name)
		assert.NoError(t, f.Close())
	}
}

// loadKprobeCounter loads the object of kind with only kind's program,
// counting the getpid() calls of this process.
func loadKprobeCounter(t testing.TB, kind kprobeKind) *libbpf.Object {
	t.Helper()
	obj := openCounterObject(t, os.Getpid(), kind.object)
	for _, p := range obj.Programs() {
		require.NoError(t, p.SetAutoload(p.Name() == kind.program))
	}
	requireLoad(t, obj)
	return obj
}

// openCounterObject opens testdata/<name>.bpf.o, a counter with the target_tgid
// global and the counts map of counter.bpf.c, counting process tgid.
func openCounterObject(t testing.TB, tgid int, name string) *libbpf.Object {
	t.Helper()
	obj := openObject(t, name, nil)
	require.NoError(t, obj.SetGlobal("target_tgid", u32(uint32(tgid))))
	return obj
}

// Each kprobe kind attaches with Program.Attach from its SEC() name, counts
// getpid() while attached, and stops when its link is closed, leaving no
// kprobe event behind.
func TestKprobeAttach(t *testing.T) {
	for _, kind := range kprobeKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireFeature(t, kind.probe)
			obj := loadKprobeCounter(t, kind)
			counts := objMap(t, obj, "counts")

			link := attachCounter(t, obj, kind.attachKind)
			assert.True(t, counterMoves(t, counts), "attached %s program counts getpid()", kind.name)
			if kind.name == "kretprobe" {
				assert.Equal(t, uint64(os.Getpid()), counter(t, counts, 1), "kretprobe saw getpid's return value")
			}

			require.NoError(t, link.Close())
			assertStops(t, counts)
			events, err := kprobeEvents(os.Getpid())
			require.NoError(t, err)
			assert.Empty(t, events, "Close leaves no kprobe event")
		})
	}
}

// After Disconnect, Close leaves a kprobe attached until the descriptor
// libbpf left open is closed.
func TestKprobeDisconnectThenCloseKeepsProgramAttached(t *testing.T) {
	for _, kind := range kprobeKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireFeature(t, kind.probe)
			obj := loadKprobeCounter(t, kind)
			counts := objMap(t, obj, "counts")

			link := attachCounter(t, obj, kind.attachKind)
			leaked := link.FD()
			require.GreaterOrEqual(t, leaked, 0)
			t.Cleanup(func() {
				if leaked >= 0 {
					assert.NoError(t, unix.Close(leaked))
				}
			})
			link.Disconnect()
			require.NoError(t, link.Close())
			assert.True(t, counterMoves(t, counts), "disconnected %s stays attached after Close", kind.name)

			require.NoError(t, unix.Close(leaked))
			leaked = -1
			assertStops(t, counts)
		})
	}
}

// kprobeChildEnv is the environment of a child attaching kind, counting
// this process's getpid() calls and pinning in dir.
func kprobeChildEnv(t testing.TB, kind kprobeKind, dir string) []string {
	return []string{
		childObject + "=" + objectPath(t, kind.object),
		childDir + "=" + dir,
		childKind + "=" + kind.name,
		childTgid + "=" + strconv.Itoa(os.Getpid()),
	}
}

// A child attaches a kprobe (through the perf PMU, or a legacy kprobe event
// when the PMU is hidden from it), pins the link, disconnects, closes and
// exits (or is SIGKILLed): the kprobe keeps counting, and the parent takes
// the link back from its pin and detaches it. A legacy event outlives the
// child, as libbpf removes it only on a connected link's Close.
func TestKprobePinnedLinkOutlivesProcess(t *testing.T) {
	for _, kind := range kprobeKinds {
		for _, legacy := range []bool{false, true} {
			if legacy && kind.name == "kprobe_multi" {
				continue // kprobe_multi links never use kprobe events
			}
			for _, scenario := range []string{scenarioPinDisconnectExit, scenarioPinAndWait} {
				name := kind.name + "/" + scenario
				if legacy {
					name = kind.name + "/legacy/" + scenario
				}
				t.Run(name, func(t *testing.T) {
					requireFeature(t, kind.probe)
					dir := bpffsDir(t)
					env := kprobeChildEnv(t, kind, dir)
					var attr *syscall.SysProcAttr
					if legacy {
						requireLegacyKprobes(t)
						env = append(env, childLegacyKprobe+"=1")
						attr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
					}
					c := startChild(t, "", scenario, env, attr)
					require.Equal(t, childReady, c.readLine(t))
					if scenario == scenarioPinAndWait {
						c.kill(t)
					} else {
						c.wait(t)
					}
					childPid := c.cmd.Process.Pid
					t.Cleanup(func() { removeKprobeEvents(t, childPid) })

					counts := pinnedCounts(t, filepath.Join(dir, "counts"))
					assert.True(t, counterMoves(t, counts), "the dead child's %s still counts", kind.name)
					events, err := kprobeEvents(childPid)
					require.NoError(t, err)
					if legacy {
						assert.Len(t, events, 1, "the child's legacy kprobe event is listed")
					} else {
						assert.Empty(t, events, "a PMU kprobe has no kprobe event")
					}

					link, err := libbpf.OpenLink(filepath.Join(dir, "link"))
					require.NoError(t, err)
					t.Cleanup(func() { assert.NoError(t, link.Close()) })
					require.NoError(t, link.Unpin())
					assert.True(t, counterMoves(t, counts), "our descriptor keeps the unpinned link alive")
					require.NoError(t, link.Close())
					assertStops(t, counts)
				})
			}
		}
	}
}

// Without a pin, a disconnected kprobe link lives as long as the process
// that holds its descriptor.
func TestKprobeDisconnectedLinkDiesWithProcess(t *testing.T) {
	for _, kind := range kprobeKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireFeature(t, kind.probe)
			dir := bpffsDir(t)
			c := startChild(t, "", scenarioDisconnectExit, kprobeChildEnv(t, kind, dir), nil)
			require.Equal(t, childReady, c.readLine(t))
			counts := pinnedCounts(t, filepath.Join(dir, "counts"))
			assert.True(t, counterMoves(t, counts), "the child's disconnected %s is attached", kind.name)

			c.wait(t)
			assertStops(t, counts)
		})
	}
}

// Without Disconnect, Close removes the legacy kprobe event libbpf created
// for the link from kprobe_events.
func TestLegacyKprobeCloseRemovesEvent(t *testing.T) {
	requireFeature(t, libbpf.ProbeKprobes)
	requireLegacyKprobes(t)
	c := startChild(t, "", scenarioLegacyKprobeClose, []string{
		childObject + "=" + objectPath(t, "kprobe"),
		childLegacyKprobe + "=1",
	}, &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS})
	attached := c.readLine(t)
	closed := c.readLine(t)
	c.wait(t)
	t.Cleanup(func() { removeKprobeEvents(t, c.cmd.Process.Pid) })

	assert.Len(t, strings.Fields(attached), 1, "one legacy kprobe event while attached")
	assert.Empty(t, closed, "no kprobe event after Close")
}

// requireLegacyKprobes skips a test of legacy kprobe events when tracefs
// has no kprobe_events or there is no kprobe PMU to hide (libbpf then uses
// legacy events anyway, which the other tests cover).
func requireLegacyKprobes(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(tracefsRoot, "kprobe_events")); err != nil {
		t.Skipf("no legacy kprobe events: %v", err)
	}
	if _, err := os.Stat(kprobePMUType); err != nil {
		t.Skipf("no kprobe PMU to hide: %v", err)
	}
}

var (
	securityfsOnce sync.Once
	securityfsErr  error
)

// probeLSM mounts securityfs when it is missing, which ProbeLSM reads, and
// runs ProbeLSM.
func probeLSM() error {
	securityfsOnce.Do(func() {
		const target = "/sys/kernel/security"
		mounted, err := isMounted(target, "securityfs")
		if err != nil || mounted {
			securityfsErr = err
			return
		}
		if err := unix.Mount("securityfs", target, "securityfs", 0, ""); err != nil {
			securityfsErr = fmt.Errorf("mount securityfs: %w", err)
			return
		}
		mountedByTests = append(mountedByTests, target)
	})
	if securityfsErr != nil {
		return securityfsErr
	}
	return libbpf.ProbeLSM()
}
