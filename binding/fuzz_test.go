package libbpf_test

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// fuzzMapBudget bounds the kernel memory one fuzzed object may ask for: a
// mutated object can declare maps of gigabytes, which Load would really
// try to allocate, so objects over the budget are only opened.
const fuzzMapBudget = 64 << 20

// FuzzOpenMem feeds mutated BPF objects to OpenMem and, as root, to Load.
// The seeds are the test objects (testdata/*.bpf.o, built by `make bpf`),
// plus the corpus in testdata/fuzz/FuzzOpenMem, which `go test` runs as a
// plain test. Whatever the input, the binding must return an error or a
// working object, never crash or hang: a crash inside libbpf kills the
// process and the fuzzer reports it.
//
// Run it with `make fuzz FUZZTIME=5m`, as root to reach Load too.
func FuzzOpenMem(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.bpf.o"))
	require.NoError(f, err)
	require.NotEmpty(f, paths, "testdata/*.bpf.o are missing: run `make bpf` first")
	for _, path := range paths {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}

	// libbpf warns about most mutated inputs; keep the output readable.
	libbpf.SetLogger(nil)
	f.Cleanup(func() { libbpf.SetLogger(slog.Default()) })

	// Without root only OpenMem runs; Load needs the kernel.
	root := os.Geteuid() == 0
	if root {
		requireKernel(f)
	}
	// Maps declared with LIBBPF_PIN_BY_NAME are pinned here, never in
	// /sys/fs/bpf itself. Load creates the folder when it pins, and each
	// input removes it: fuzzing workers end without running cleanups.
	pinRoot := filepath.Join(bpffsRoot, fmt.Sprintf("libbpf-go-fuzz-%d", os.Getpid()))
	ncpu := 1
	if n, err := libbpf.NumPossibleCPUs(); err == nil {
		ncpu = n
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := libbpf.OpenMem("fuzz", data, &libbpf.ObjectOptions{PinRoot: pinRoot})
		if err != nil {
			assert.Nil(t, obj)
			var oe *libbpf.OpError
			if assert.ErrorAs(t, err, &oe) {
				assert.Equal(t, "OpenMem", oe.Op)
				assert.Equal(t, `"fuzz"`, oe.Subject)
			}
			return
		}
		defer func() { assert.NoError(t, obj.Close()) }()

		// Everything the object offers before Load must work.
		for _, p := range obj.Programs() {
			_ = p.Name()
			_ = p.SectionName()
			_ = p.Type()
			_ = p.Autoload()
		}
		budget := uint64(0)
		for _, m := range obj.Maps() {
			_ = m.Name()
			_ = m.Type()
			_ = m.PinPath()
			// A ring buffer's max_entries is its size in bytes.
			size := uint64(m.MaxEntries())
			if m.Type() != libbpf.MapTypeRingBuf {
				size *= uint64(m.KeySize()+m.ValueSize()) + 64
			}
			if m.ValueBufferSize() != m.ValueSize() {
				size *= uint64(ncpu)
			}
			budget += min(size, fuzzMapBudget+1)
		}
		if !root || budget > fuzzMapBudget {
			return
		}
		err = obj.Load()
		// Pins made by this input must not meet the next input.
		defer func() { require.NoError(t, os.RemoveAll(pinRoot)) }()
		var verr *libbpf.VerifierError
		if errors.As(err, &verr) {
			// Mutated names may be empty, but they are the object's.
			assert.Contains(t, programNames(obj.Programs()), verr.Program)
		}
	})
}
