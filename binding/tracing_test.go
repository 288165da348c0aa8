package libbpf_test

import (
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The fentry, fexit and LSM tests need a kernel that loads tracing and LSM
// programs (and, for LSM, runs with the BPF LSM active); they skip, with
// the binding's own feature probe as the reason, where it does not.
// `make test-kernels` runs them in guest kernels that do.

// loadTracingCounter loads tracing.bpf.o with only program, counting the
// calls of this process.
func loadTracingCounter(t testing.TB, program string) *libbpf.Object {
	t.Helper()
	obj := openCounterObject(t, os.Getpid(), "tracing")
	for _, p := range obj.Programs() {
		require.NoError(t, p.SetAutoload(p.Name() == program))
	}
	requireLoad(t, obj)
	return obj
}

// fentry and fexit programs attach with Program.Attach from their SEC()
// name, run on every getpid() while attached, and stop when the link is
// closed.
func TestTracingAttach(t *testing.T) {
	for _, kind := range []attachKind{
		{"fentry", "count_fentry", attachWithSection},
		{"fexit", "count_fexit", attachWithSection},
	} {
		t.Run(kind.name, func(t *testing.T) {
			requireFeature(t, libbpf.ProbeTracing)
			obj := loadTracingCounter(t, kind.program)
			counts := objMap(t, obj, "counts")
			assert.Equal(t, libbpf.ProgramTypeTracing, program(t, obj, kind.program).Type())

			link := attachCounter(t, obj, kind)
			assert.True(t, counterMoves(t, counts), "attached %s program counts getpid()", kind.name)
			if kind.name == "fexit" {
				assert.Equal(t, uint64(os.Getpid()), counter(t, counts, 1), "fexit saw the returned tgid")
			}

			require.NoError(t, link.Close())
			assertStops(t, counts)
		})
	}
}

// A disconnected fentry link stays attached after Close until the
// descriptor libbpf left open is closed.
func TestTracingDisconnectThenClose(t *testing.T) {
	requireFeature(t, libbpf.ProbeTracing)
	obj := loadTracingCounter(t, "count_fentry")
	counts := objMap(t, obj, "counts")
	link := attachCounter(t, obj, attachKind{"fentry", "count_fentry", attachWithSection})
	leaked := link.FD()
	require.GreaterOrEqual(t, leaked, 0)
	t.Cleanup(func() {
		if leaked >= 0 {
			assert.NoError(t, syscall.Close(leaked))
		}
	})
	link.Disconnect()
	require.NoError(t, link.Close())
	assert.True(t, counterMoves(t, counts), "disconnected fentry stays attached after Close")

	require.NoError(t, syscall.Close(leaked))
	leaked = -1
	assertStops(t, counts)
}

// openFile opens and closes a file, returning the error of the open.
func openFile(t testing.TB) error {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err == nil {
		assert.NoError(t, f.Close())
	}
	return err
}

// An LSM program attached with Program.Attach (SEC("lsm/file_open")) sees
// this process's opens and can deny them until its link is closed.
func TestLSMAttach(t *testing.T) {
	requireFeature(t, probeLSM)
	obj := loadTracingCounter(t, "count_file_open")
	counts := objMap(t, obj, "counts")
	assert.Equal(t, libbpf.ProgramTypeLSM, program(t, obj, "count_file_open").Type())

	link := attachCounter(t, obj, attachKind{"lsm", "count_file_open", attachWithSection})
	before := counter(t, counts, 0)
	require.NoError(t, openFile(t))
	assert.Greater(t, counter(t, counts, 0), before, "LSM program saw the open")

	require.NoError(t, obj.SetGlobal("deny_open", u32(1)))
	assert.ErrorIs(t, openFile(t), syscall.EPERM, "LSM program denies the open")

	require.NoError(t, link.Close())
	assert.NoError(t, openFile(t), "no denial after the link is closed")
}
