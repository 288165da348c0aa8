package libbpf_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// What a kernel test may need that a kernel may lack. A test never assumes
// a kernel feature: it asks the binding's feature probe first and skips,
// with the probe's reason, when the running kernel lacks the feature or
// refuses it by policy. Such a skip is legitimate under CI=true too, unlike
// a missing tool (requireTool) or missing privileges (requireKernel), which
// fail there. `make test-kernels` runs the tests in guest kernels that have
// the features, and fails when a test the host skipped passes in none of
// them, so a probe that wrongly answers "not supported" cannot hide a
// regression.

// probeSkipsEnv names a file to which the tests append a line per test
// skipped for a missing kernel feature: the test's name, a tab and the
// reason. `make test-go` sets it for the host's run; .ci/kernels/run reads
// it.
const probeSkipsEnv = "LIBBPF_GO_PROBE_SKIPS"

// skipUnsupported records the test in the probeSkipsEnv file, when set, and
// skips it for reason, a missing kernel feature.
func skipUnsupported(t testing.TB, reason string) {
	t.Helper()
	if path := os.Getenv(probeSkipsEnv); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err, "record the skip")
		_, err = fmt.Fprintf(f, "%s\t%s\n", t.Name(), strings.ReplaceAll(reason, "\n", " "))
		require.NoError(t, errors.Join(err, f.Close()), "record the skip")
	}
	t.Skip(reason)
}

// requireFeature skips the test when probe reports that the running kernel
// lacks the feature (an error wrapping libbpf.ErrNotSupported). A probe
// that cannot tell, for example for lack of privileges, fails the test.
func requireFeature(t testing.TB, probe func() error) {
	t.Helper()
	requireKernel(t)
	err := probe()
	if errors.Is(err, libbpf.ErrNotSupported) {
		skipUnsupported(t, err.Error())
	}
	require.NoError(t, err, "feature probe")
}

// requireKernelVersion skips the test on kernels older than major.minor,
// which lack feature, a kind of BPF link that no probe of the binding
// tells apart (it is part of every kernel of that version: it cannot be
// configured out or refused by policy).
func requireKernelVersion(t testing.TB, major, minor int, feature string) {
	t.Helper()
	requireKernel(t)
	if !kernelAtLeast(t, major, minor) {
		skipUnsupported(t, fmt.Sprintf("%s: needs kernel %d.%d, this is %s: %v",
			feature, major, minor, kernelRelease(t), libbpf.ErrNotSupported))
	}
}

// kernelRelease returns the running kernel's release, as uname -r prints it.
func kernelRelease(t testing.TB) string {
	t.Helper()
	var uts unix.Utsname
	require.NoError(t, unix.Uname(&uts))
	return unix.ByteSliceToString(uts.Release[:])
}

// kernelAtLeast reports whether the running kernel is major.minor or newer.
func kernelAtLeast(t testing.TB, major, minor int) bool {
	t.Helper()
	var gotMajor, gotMinor int
	_, err := fmt.Sscanf(kernelRelease(t), "%d.%d", &gotMajor, &gotMinor)
	require.NoError(t, err)
	return gotMajor > major || gotMajor == major && gotMinor >= minor
}

// requireLoad loads obj. When the kernel refuses one of its programs, the
// feature probe for that program's kind decides: a kernel that refuses even
// a trivial program of that kind lacks the feature, and the test skips
// with the probe's reason; a kernel that loads the trivial program but not
// this one fails the test, since the binding or the object is at fault.
// Maps the kernel does not create are judged the same way, by the probe of
// their map type.
func requireLoad(t testing.TB, obj *libbpf.Object) {
	t.Helper()
	err := obj.Load()
	if err == nil {
		return
	}
	var verr *libbpf.VerifierError
	if errors.As(err, &verr) {
		if prog, perr := obj.Program(verr.Program); perr == nil {
			if probeErr := probeProgram(prog); errors.Is(probeErr, libbpf.ErrNotSupported) {
				skipUnsupported(t, fmt.Sprintf("program %s, SEC(%q): %v", verr.Program, prog.SectionName(), probeErr))
			}
		}
	} else {
		// A map the kernel did not create: is its type one it lacks?
		for _, m := range obj.Maps() {
			if probeErr := libbpf.ProbeMapType(m.Type()); errors.Is(probeErr, libbpf.ErrNotSupported) {
				skipUnsupported(t, fmt.Sprintf("map %s: %v", m.Name(), probeErr))
			}
		}
	}
	require.NoError(t, err)
}

// probeProgram runs the binding's feature probe for the kind of program
// prog is: the iterator target, fentry/fexit, LSM or freplace programs, or
// else its program type.
func probeProgram(prog *libbpf.Program) error {
	switch prog.Type() {
	case libbpf.ProgramTypeTracing:
		switch prog.ExpectedAttachType() {
		case libbpf.AttachTypeTraceIter:
			sec := prog.SectionName()
			return libbpf.ProbeIterTarget(sec[strings.IndexByte(sec, '/')+1:])
		case libbpf.AttachTypeTraceFentry, libbpf.AttachTypeTraceFexit, libbpf.AttachTypeModifyReturn:
			return libbpf.ProbeTracing()
		}
	case libbpf.ProgramTypeLSM:
		return probeLSM()
	case libbpf.ProgramTypeExt:
		return libbpf.ProbeFreplace()
	}
	return libbpf.ProbeProgramType(prog.Type())
}

// requireIterTarget skips the test when the kernel does not load iterator
// programs for target (libbpf.ProbeIterTarget).
func requireIterTarget(t testing.TB, target string) {
	t.Helper()
	requireFeature(t, func() error { return libbpf.ProbeIterTarget(target) })
}

// dropCapsEnv, when set to a comma-separated list of capability numbers
// (24 for CAP_SYS_RESOURCE), makes the test binary drop them from its
// bounding set and execute itself again, so that it runs without them, as
// on hosts whose bounding set lacks them. It reaches the guests of make
// test-kernels through the kernel command line (KERNEL_APPEND), which
// passes unknown name=value words to init's environment.
const dropCapsEnv = "LIBBPF_GO_DROP_CAPS"

// dropCapsAndReexec drops the capabilities that dropCapsEnv lists from the
// bounding set and executes the test binary again without dropCapsEnv: a
// root process's permitted set after execve is its bounding set.
func dropCapsAndReexec(list string) error {
	for _, field := range strings.Split(list, ",") {
		var capability int
		if _, err := fmt.Sscanf(field, "%d", &capability); err != nil {
			return fmt.Errorf("%s=%q: %w", dropCapsEnv, list, err)
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(capability), 0, 0, 0); err != nil {
			return fmt.Errorf("drop capability %d from the bounding set: %w", capability, err)
		}
	}
	if err := os.Unsetenv(dropCapsEnv); err != nil {
		return err
	}
	if err := os.Setenv(droppedCapsEnv, list); err != nil {
		return err
	}
	return unix.Exec("/proc/self/exe", os.Args, os.Environ())
}

// droppedCapsEnv tells the test binary executed by dropCapsAndReexec which
// capabilities it runs without.
const droppedCapsEnv = "LIBBPF_GO_DROPPED_CAPS"

// reportDroppedCaps prints, when the binary runs without capabilities,
// which ones and its effective set as /proc/self/status shows it.
func reportDroppedCaps() {
	list := os.Getenv(droppedCapsEnv)
	if list == "" {
		return
	}
	status, err := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "CapEff:") {
			fmt.Fprintf(os.Stderr, "running without capabilities %s: %s", list, line)
			return
		}
	}
	fmt.Fprintf(os.Stderr, "running without capabilities %s: CapEff unknown: %v\n", list, err)
}
