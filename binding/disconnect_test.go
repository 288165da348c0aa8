package libbpf_test

import (
	"os"
	"path/filepath"
	"strconv"
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
			require.NoError(t, obj.Load())
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
			require.NoError(t, obj.Load())
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
				require.NoError(t, obj.Load())
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
				require.NoError(t, obj.Load())
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
