package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A link's Close detaches its program: the counter stops moving.
func TestLinkCloseDetaches(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")

			link := attachCounter(t, obj, kind)
			assert.True(t, counterMoves(t, counts), "attached program counts getpid()")

			require.NoError(t, link.Close())
			assert.Equal(t, -1, link.FD(), "closed link has no fd")
			assertStops(t, counts)
			assert.NoError(t, link.Close(), "second Close is a no-op")
		})
	}
}

// After Disconnect, Close leaves the program attached: the counter keeps
// moving in the same process, until the descriptor libbpf left open is
// closed.
func TestLinkDisconnectThenCloseKeepsProgramAttached(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")

			link := attachCounter(t, obj, kind)
			leaked := link.FD()
			require.GreaterOrEqual(t, leaked, 0)
			t.Cleanup(func() {
				if leaked >= 0 {
					assert.NoError(t, unix.Close(leaked))
				}
			})

			link.Disconnect()
			require.NoError(t, link.Close())
			for range 3 {
				assert.True(t, counterMoves(t, counts), "disconnected link stays attached after Close")
			}

			// Closing the kernel link's last descriptor detaches it.
			require.NoError(t, unix.Close(leaked))
			leaked = -1
			assertStops(t, counts)
		})
	}
}

// Links do not belong to their object: Object.Close neither detaches an
// attached link nor a disconnected one.
func TestObjectCloseDoesNotDetachLinks(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Run("connected", func(t *testing.T) {
				requireKernel(t)
				dir := bpffsDir(t)
				obj := openCounter(t, os.Getpid())
				require.NoError(t, objMap(t, obj, "counts").SetPinPath(filepath.Join(dir, "counts")))
				requireLoad(t, obj)
				link := attachCounter(t, obj, kind)

				require.NoError(t, obj.Close())
				counts := pinnedCounts(t, filepath.Join(dir, "counts"))
				assert.True(t, counterMoves(t, counts), "link outlives its object")

				require.NoError(t, link.Close())
				assertStops(t, counts)
			})
			t.Run("disconnected", func(t *testing.T) {
				requireKernel(t)
				dir := bpffsDir(t)
				obj := openCounter(t, os.Getpid())
				require.NoError(t, objMap(t, obj, "counts").SetPinPath(filepath.Join(dir, "counts")))
				requireLoad(t, obj)
				link := attachCounter(t, obj, kind)
				leaked := link.FD()
				t.Cleanup(func() {
					if leaked >= 0 {
						assert.NoError(t, unix.Close(leaked))
					}
				})

				link.Disconnect()
				require.NoError(t, obj.Close())
				counts := pinnedCounts(t, filepath.Join(dir, "counts"))
				assert.True(t, counterMoves(t, counts), "disconnected link outlives its object")
				require.NoError(t, link.Close())
				assert.True(t, counterMoves(t, counts), "disconnected link outlives its Close")

				require.NoError(t, unix.Close(leaked))
				leaked = -1
				assertStops(t, counts)
			})
		})
	}
}

// A child process loads the counter with its map pinned, attaches, pins the
// link, disconnects, closes and exits (or is SIGKILLed): the program keeps
// running, and the parent can take the link back from its pin and stop it.
func TestPinnedLinkOutlivesProcess(t *testing.T) {
	for _, kind := range attachKinds {
		for _, scenario := range []string{scenarioPinDisconnectExit, scenarioPinAndWait} {
			t.Run(kind.name+"/"+scenario, func(t *testing.T) {
				requireKernel(t)
				dir := bpffsDir(t)
				c := startChild(t, "", scenario, []string{
					childObject + "=" + objectPath(t, "counter"),
					childDir + "=" + dir,
					childKind + "=" + kind.name,
					childTgid + "=" + strconv.Itoa(os.Getpid()),
				}, nil)
				require.Equal(t, childReady, c.readLine(t))
				if scenario == scenarioPinAndWait {
					c.kill(t)
				} else {
					c.wait(t)
				}

				linkPath := filepath.Join(dir, "link")
				counts := pinnedCounts(t, filepath.Join(dir, "counts"))
				for range 3 {
					assert.True(t, counterMoves(t, counts), "the dead child's program still counts our getpid()")
				}

				link, err := libbpf.OpenLink(linkPath)
				require.NoError(t, err)
				t.Cleanup(func() { assert.NoError(t, link.Close()) })
				assert.GreaterOrEqual(t, link.FD(), 0)
				assert.Equal(t, linkPath, link.PinPath())
				assert.True(t, counterMoves(t, counts), "opening the pin does not detach")

				require.NoError(t, link.Unpin())
				assertPinned(t, linkPath, false)
				assert.Empty(t, link.PinPath())
				assert.True(t, counterMoves(t, counts), "our descriptor keeps the unpinned link alive")

				require.NoError(t, link.Close())
				assertStops(t, counts)
			})
		}
	}
}

// Without a pin, a disconnected link lives only as long as the process that
// holds its descriptor: the program counts while the child lives and is
// detached when the child exits.
func TestDisconnectedLinkDiesWithProcess(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			dir := bpffsDir(t)
			c := startChild(t, "", scenarioDisconnectExit, []string{
				childObject + "=" + objectPath(t, "counter"),
				childDir + "=" + dir,
				childKind + "=" + kind.name,
				childTgid + "=" + strconv.Itoa(os.Getpid()),
			}, nil)
			require.Equal(t, childReady, c.readLine(t))
			counts := pinnedCounts(t, filepath.Join(dir, "counts"))
			assert.True(t, counterMoves(t, counts), "the child's disconnected link is attached")

			c.wait(t)
			assertStops(t, counts)
		})
	}
}

// When pinning keeps a program attached, and when Disconnect does:
//
//   - a kernel BPF link (tracepoint, raw tracepoint, and every attachment
//     made through BPF_LINK_CREATE) that is pinned stays attached after
//     Close, with or without Disconnect, in this process and after it
//     exits, until the pin is removed and the last descriptor closed;
//   - a link that is not pinned stays attached after Close only if
//     Disconnect came first, and only while the process lives (its
//     descriptor is left open);
//   - an attachment that is not a kernel BPF link, such as a uprobe
//     attached through a perf event and the PERF_EVENT_IOC_SET_BPF ioctl
//     (ProbeAttachModePerf, or kernels before 5.15), cannot be pinned:
//     only Disconnect keeps it attached after Close, for the process's
//     life.

// A pinned link stays attached after Close without Disconnect: the pin
// holds the kernel link. Removing the pin lets it go.
func TestPinnedLinkStaysAttachedAfterClose(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			dir := bpffsDir(t)
			obj := openCounter(t, os.Getpid())
			requireLoad(t, obj)
			counts := objMap(t, obj, "counts")
			linkPath := filepath.Join(dir, "link")

			link := attachCounter(t, obj, kind)
			require.NoError(t, link.Pin(linkPath))
			require.NoError(t, link.Close())
			for range 3 {
				assert.True(t, counterMoves(t, counts), "the pinned link is attached after Close")
			}

			pinned, err := libbpf.OpenLink(linkPath)
			require.NoError(t, err)
			require.NoError(t, pinned.Unpin())
			assert.True(t, counterMoves(t, counts), "the open Link holds it")
			require.NoError(t, pinned.Close())
			assertStops(t, counts)
		})
	}
}

// A child pins its link and closes it without Disconnect, then exits: the
// pin alone keeps the program attached past the process.
func TestPinnedLinkOutlivesProcessWithoutDisconnect(t *testing.T) {
	for _, kind := range attachKinds {
		t.Run(kind.name, func(t *testing.T) {
			requireKernel(t)
			dir := bpffsDir(t)
			c := startChild(t, "", scenarioPinCloseExit, []string{
				childObject + "=" + objectPath(t, "counter"),
				childDir + "=" + dir,
				childKind + "=" + kind.name,
				childTgid + "=" + strconv.Itoa(os.Getpid()),
			}, nil)
			require.Equal(t, childReady, c.readLine(t))
			c.wait(t)

			counts := pinnedCounts(t, filepath.Join(dir, "counts"))
			for range 3 {
				assert.True(t, counterMoves(t, counts), "the exited child's pinned link still counts")
			}
			link, err := libbpf.OpenLink(filepath.Join(dir, "link"))
			require.NoError(t, err)
			require.NoError(t, link.Unpin())
			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

// Child scenario of the tests above, handled in init below: attach, pin
// the link, Close it without Disconnect, close the object and exit.
const scenarioPinCloseExit = "pin-close-exit"

func init() {
	if os.Getenv(childEnv) != scenarioPinCloseExit {
		return
	}
	err := func() error {
		kind, err := kindByName(os.Getenv(childKind))
		if err != nil {
			return err
		}
		tgid, err := strconv.Atoi(os.Getenv(childTgid))
		if err != nil {
			return err
		}
		dir := os.Getenv(childDir)
		obj, err := libbpf.OpenFile(os.Getenv(childObject), nil)
		if err != nil {
			return err
		}
		defer obj.Close()
		if err := obj.SetGlobal("target_tgid", u32(uint32(tgid))); err != nil {
			return err
		}
		counts, err := obj.Map("counts")
		if err != nil {
			return err
		}
		if err := counts.SetPinPath(filepath.Join(dir, "counts")); err != nil {
			return err
		}
		if err := obj.Load(); err != nil {
			return err
		}
		prog, err := obj.Program(kind.program)
		if err != nil {
			return err
		}
		link, err := kind.attach(prog)
		if err != nil {
			return err
		}
		if err := link.Pin(filepath.Join(dir, "link")); err != nil {
			return err
		}
		return link.Close()
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", scenarioPinCloseExit, err)
		os.Exit(1)
	}
	fmt.Println(childReady)
	os.Exit(0)
}

// perfUprobe attaches count_uprobe of obj to the target binary through a
// perf event and the PERF_EVENT_IOC_SET_BPF ioctl, without a kernel BPF
// link.
func perfUprobe(t *testing.T, obj *libbpf.Object, bin string) *libbpf.Link {
	t.Helper()
	link, err := program(t, obj, "count_uprobe").AttachUprobe(false, -1, bin, 0,
		&libbpf.UprobeOptions{FuncName: "lbg_target", AttachMode: libbpf.ProbeAttachModePerf})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, link.Close()) })
	return link
}

// An attachment that is not a kernel BPF link cannot be pinned, and Close
// detaches it: the error of Pin says so.
func TestPerfEventAttachmentCannotBePinned(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	dir := bpffsDir(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link := perfUprobe(t, obj, bin)

	err := link.Pin(filepath.Join(dir, "uprobe"))
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.ErrorContains(t, err, "Link.Pin link of program count_uprobe: bpf_link__pin "+strconv.Quote(filepath.Join(dir, "uprobe"))+": the attachment is a ")
	assert.ErrorContains(t, err, "not a kernel BPF link")
	assertPinned(t, filepath.Join(dir, "uprobe"), false)

	runTarget(t, bin, 3, -1)
	assert.Equal(t, uint64(3), counter(t, counts, slotUprobe))
	require.NoError(t, link.Close())
	runTarget(t, bin, 3, -1)
	assert.Equal(t, uint64(3), counter(t, counts, slotUprobe), "Close detached the perf event")
}

// Disconnect is what keeps such an attachment after Close: the program
// keeps running until the perf event's descriptor, which Close leaves
// open, is closed (at the latest when the process exits).
func TestDisconnectKeepsPerfEventAttachment(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link := perfUprobe(t, obj, bin)
	leaked := link.FD()
	require.GreaterOrEqual(t, leaked, 0)

	link.Disconnect()
	require.NoError(t, link.Close())
	runTarget(t, bin, 4, -1)
	assert.Equal(t, uint64(4), counter(t, counts, slotUprobe), "attached after Disconnect and Close")

	require.NoError(t, unix.Close(leaked))
	runTarget(t, bin, 4, -1)
	assert.Equal(t, uint64(4), counter(t, counts, slotUprobe), "closing the perf event detached it")
}
