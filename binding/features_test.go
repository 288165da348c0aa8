package libbpf_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

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
	requireOpError(t, err, "ProbeProgramType", "program type "+libbpf.ProgramType(1<<20).String(), "libbpf_probe_bpf_prog_type")

	err = libbpf.ProbeMapType(libbpf.MapType(1 << 20))
	require.Error(t, err)
	requireOpError(t, err, "ProbeMapType", "map type "+libbpf.MapType(1<<20).String(), "libbpf_probe_bpf_map_type")

	err = libbpf.ProbeHelper(libbpf.ProgramTypeTracepoint, 1<<20)
	require.Error(t, err)
	assert.ErrorIs(t, err, libbpf.ErrNotSupported)
	assert.EqualError(t, err, "ProbeHelper helper 1048576 in program type "+libbpf.ProgramTypeTracepoint.String()+
		": libbpf_probe_bpf_helper: "+libbpf.ErrNotSupported.Error())
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
		{"iter/task", func() error { return libbpf.ProbeIterTarget("task") }},
		{"iter/bpf_map_elem", func() error { return libbpf.ProbeIterTarget("bpf_map_elem") }},
	} {
		t.Run(probe.name, func(t *testing.T) {
			requireKernel(t)
			err := probe.fn()
			if err != nil {
				require.ErrorIs(t, err, libbpf.ErrNotSupported)
				oe := opErrorOf(t, err)
				assert.True(t, strings.HasPrefix(oe.Op, "Probe"), "Op %q is the probe called", oe.Op)
				assert.NotEqual(t, libbpf.ErrNotSupported.Error(), err.Error(), "the error gives a reason")
				t.Logf("not supported here: %v", err)
			}
		})
	}
}

// An iterator target the kernel does not have is not supported, and the
// error names it; a name that cannot be a target is refused before the
// kernel is asked.
func TestProbeIterTarget(t *testing.T) {
	requireKernel(t)
	err := libbpf.ProbeIterTarget("lbg_no_such_target")
	require.ErrorIs(t, err, libbpf.ErrNotSupported)
	assert.EqualError(t, err, `ProbeIterTarget iterator target "lbg_no_such_target": `+
		"libbpf_find_vmlinux_btf_id lbg_no_such_target: kernel BTF has no lbg_no_such_target: "+
		"no such file or directory: "+libbpf.ErrNotSupported.Error())

	for _, bad := range []string{"", "task/x", "ta\x00sk"} {
		err = libbpf.ProbeIterTarget(bad)
		assert.ErrorIs(t, err, syscall.EINVAL, "target %q", bad)
		assert.NotErrorIs(t, err, libbpf.ErrNotSupported, "target %q", bad)
		requireOpError(t, err, "ProbeIterTarget", fmt.Sprintf("iterator target %q", bad), "")
	}
}

// probeChildEnv marks the re-executed test binary of
// TestProbeWithoutPrivileges.
const probeChildEnv = "LIBBPF_GO_TEST_PROBE_CHILD"

// A probe refused with EPERM because the process lacks BPF capabilities
// reports a missing privilege, not a missing feature, so that a test
// relying on it fails instead of skipping. The test binary runs this test
// again as root without CAP_SYS_ADMIN, CAP_PERFMON and CAP_BPF (dropped
// from the bounding set before it executes itself, see dropCapsEnv).
func TestProbeWithoutPrivileges(t *testing.T) {
	if os.Getenv(probeChildEnv) != "" {
		for _, probe := range []func() error{
			libbpf.ProbeTracing,
			libbpf.ProbeFreplace,
			func() error { return libbpf.ProbeIterTarget("task") },
		} {
			err := probe()
			require.ErrorIs(t, err, syscall.EPERM)
			assert.NotErrorIs(t, err, libbpf.ErrNotSupported)
			assert.Contains(t, err.Error(), "missing CAP_BPF and CAP_PERFMON")
		}
		return
	}
	requireKernel(t)
	cmd := exec.CommandContext(t.Context(), os.Args[0],
		"-test.run=^TestProbeWithoutPrivileges$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), probeChildEnv+"=1",
		fmt.Sprintf("%s=%d,%d,%d", dropCapsEnv, unix.CAP_SYS_ADMIN, unix.CAP_PERFMON, unix.CAP_BPF))
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "the child's output:\n%s", out)
	assert.Contains(t, string(out), "--- PASS: TestProbeWithoutPrivileges")
}
