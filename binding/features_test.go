package libbpf_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// bpfFuncGetCurrentPidTgid is BPF_FUNC_get_current_pid_tgid of enum
// bpf_func_id.
const bpfFuncGetCurrentPidTgid = 14

// Program and map types every kernel the binding supports has are
// reported as supported.
func TestProbeSupported(t *testing.T) {
	requireKernel(t)
	assert.NoError(t, libbpf.ProbeProgramType(libbpf.ProgramTypeSocketFilter))
	assert.NoError(t, libbpf.ProbeProgramType(libbpf.ProgramTypeTracepoint))
	assert.NoError(t, libbpf.ProbeMapType(libbpf.MapTypeArray))
	assert.NoError(t, libbpf.ProbeMapType(libbpf.MapTypeHash))
	assert.NoError(t, libbpf.ProbeHelper(libbpf.ProgramTypeTracepoint, bpfFuncGetCurrentPidTgid))
}

// Types and helpers no kernel has are reported as not supported, or as
// unknown to libbpf, never as supported.
func TestProbeUnsupported(t *testing.T) {
	requireKernel(t)
	err := libbpf.ProbeProgramType(libbpf.ProgramType(1 << 20))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "libbpf_probe_bpf_prog_type")

	err = libbpf.ProbeMapType(libbpf.MapType(1 << 20))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "libbpf_probe_bpf_map_type")

	err = libbpf.ProbeHelper(libbpf.ProgramTypeTracepoint, 1<<20)
	require.Error(t, err)
	assert.ErrorIs(t, err, libbpf.ErrNotSupported)
	assert.Contains(t, err.Error(), "helper 1048576")
}

// ErrNotSupported also matches errors.ErrUnsupported.
func TestErrNotSupportedIsUnsupported(t *testing.T) {
	assert.ErrorIs(t, libbpf.ErrNotSupported, errors.ErrUnsupported)
}

// The attach-kind probes answer supported or not supported on any kernel
// (never "could not tell" when running as root with securityfs mounted),
// and a "not supported" answer says why.
func TestProbeAttachKinds(t *testing.T) {
	for _, probe := range []struct {
		name string
		fn   func() error
	}{
		{"kprobes", libbpf.ProbeKprobes},
		{"kprobe_multi", libbpf.ProbeKprobeMulti},
		{"tracing", libbpf.ProbeTracing},
		{"freplace", libbpf.ProbeFreplace},
		{"lsm", probeLSM},
	} {
		t.Run(probe.name, func(t *testing.T) {
			requireKernel(t)
			err := probe.fn()
			if err != nil {
				require.ErrorIs(t, err, libbpf.ErrNotSupported)
				assert.NotEqual(t, libbpf.ErrNotSupported.Error(), err.Error(), "the error gives a reason")
				t.Logf("not supported here: %v", err)
			}
		})
	}
}
