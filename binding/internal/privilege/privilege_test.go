package privilege

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// caps returns an effective set holding cs.
func caps(cs ...int) uint64 {
	var set uint64
	for _, c := range cs {
		set |= 1 << c
	}
	return set
}

// A kernel of 6.18's kind: CAP_BPF exists, lockdown off.
func modern(effective uint64, euid int) State {
	return State{Effective: effective, EUID: euid, InitUserNS: true, LastCap: 40, Lockdown: "none"}
}

func TestMissingCountsSysAdminAsEveryBPFCapability(t *testing.T) {
	assert.Empty(t, modern(caps(unix.CAP_SYS_ADMIN), 0).Missing(BPF|Perfmon|NetAdmin))
	assert.Equal(t, []int{unix.CAP_PERFMON}, modern(caps(unix.CAP_BPF, unix.CAP_NET_ADMIN), 0).Missing(BPF|Perfmon))
	assert.Equal(t, []int{unix.CAP_BPF, unix.CAP_PERFMON, unix.CAP_NET_ADMIN}, modern(0, 1000).Missing(BPF|Perfmon|NetAdmin))
	assert.Empty(t, modern(caps(unix.CAP_BPF), 0).Missing(BPF), "a socket filter needs CAP_BPF alone")
}

func TestExplainUnprivilegedUserNamesCapabilitiesAndSetcap(t *testing.T) {
	got := Explain(BPF|Perfmon, modern(0, 1000))
	assert.Equal(t, "missing CAP_BPF and CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN): "+
		"run as root or grant them (setcap cap_bpf,cap_perfmon+ep on the binary)", got)
}

func TestExplainRootWithoutPerfmonNamesOnlyWhatIsMissing(t *testing.T) {
	got := Explain(BPF|Perfmon, modern(caps(unix.CAP_BPF, unix.CAP_NET_ADMIN), 0))
	assert.Contains(t, got, "missing CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)")
	assert.Contains(t, got, "the process is root but its capability set lacks it,")
	assert.NotContains(t, got, "missing CAP_BPF")
	assert.NotContains(t, got, "RLIMIT_MEMLOCK")
}

func TestExplainNetworkProgramAsksForNetAdmin(t *testing.T) {
	got := Explain(BPF|NetAdmin, modern(caps(unix.CAP_BPF, unix.CAP_PERFMON), 0))
	assert.Contains(t, got, "missing CAP_NET_ADMIN (needs CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN)")
}

func TestExplainKernelBefore58AsksForSysAdmin(t *testing.T) {
	s := State{EUID: 1000, InitUserNS: true, LastCap: 37}
	assert.Equal(t, "missing CAP_SYS_ADMIN (needs CAP_SYS_ADMIN): run as root or grant it (setcap cap_sys_admin+ep on the binary)",
		Explain(BPF|Perfmon, s))
}

func TestExplainOpenByIDAsksForSysAdmin(t *testing.T) {
	assert.Equal(t, "missing CAP_SYS_ADMIN (needs CAP_SYS_ADMIN): run as root or grant it (setcap cap_sys_admin+ep on the binary)",
		Explain(SysAdmin, modern(caps(unix.CAP_BPF, unix.CAP_PERFMON), 1000)))
}

func TestExplainUserNamespace(t *testing.T) {
	s := modern(caps(unix.CAP_SYS_ADMIN, unix.CAP_BPF, unix.CAP_PERFMON), 0)
	s.InitUserNS = false
	assert.Contains(t, Explain(BPF|Perfmon, s), "user namespace, whose capabilities do not count for bpf(2)")
}

func TestExplainLockdown(t *testing.T) {
	s := modern(caps(unix.CAP_BPF, unix.CAP_PERFMON), 0)
	s.Lockdown = "confidentiality"
	assert.Equal(t, "not for want of a capability: the process has CAP_BPF and CAP_PERFMON; "+
		"kernel lockdown is in confidentiality mode, which refuses kprobes, perf events and BPF reads of kernel memory",
		Explain(BPF|Perfmon, s))

	s.Lockdown = "integrity"
	assert.Equal(t, "not for want of a capability: the process has CAP_BPF and CAP_PERFMON; kernel lockdown is in integrity mode",
		Explain(BPF|Perfmon, s))

	s.Effective = 0
	assert.NotContains(t, Explain(BPF|Perfmon, s), "lockdown", "a missing capability explains it; integrity mode is beside the point")
}

func TestExplainWithEverythingSaysTheCauseIsElsewhere(t *testing.T) {
	assert.Equal(t, "not for want of a capability: the process has CAP_BPF and CAP_PERFMON; the kernel is not locked down",
		Explain(BPF|Perfmon, modern(caps(unix.CAP_BPF, unix.CAP_PERFMON), 0)))
	s := modern(caps(unix.CAP_BPF), 0)
	s.Lockdown = ""
	assert.Equal(t, "not for want of a capability: the process has CAP_BPF", Explain(BPF, s), "unknown lockdown is not mentioned")
}

func TestExplainNothingNeeded(t *testing.T) {
	assert.Empty(t, Explain(0, modern(0, 1000)))
}

func TestLockdownMode(t *testing.T) {
	assert.Equal(t, "integrity", LockdownMode("none [integrity] confidentiality\n"))
	assert.Equal(t, "none", LockdownMode("[none] integrity confidentiality\n"))
	assert.Empty(t, LockdownMode(""))
}

func TestIsInitialUIDMap(t *testing.T) {
	assert.True(t, isInitialUIDMap("         0          0 4294967295\n"))
	assert.False(t, isInitialUIDMap("         0       1000          1\n"))
}

// Current reads the calling thread's effective set, as the kernel reports
// it in /proc/thread-self/status.
func TestCurrentReadsEffectiveSet(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status, err := os.ReadFile("/proc/thread-self/status")
	require.NoError(t, err)
	var capEff string
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			capEff = strings.TrimSpace(v)
		}
	}
	want, err := strconv.ParseUint(capEff, 16, 64)
	require.NoError(t, err, "CapEff line %q", capEff)
	assert.Equal(t, want, Current().Effective)
	assert.Equal(t, os.Geteuid(), Current().EUID)
}

func TestMemlockUnused(t *testing.T) {
	for release, want := range map[string]bool{
		"6.18.44-fc-v1272": true,
		"5.11.0":           true,
		"5.10.209-amd64":   false,
		"4.19.0":           false,
		"6.1":              true,
		"":                 false,
		"garbage":          false,
		"10.0.0-rc1+":      true,
	} {
		assert.Equal(t, want, MemlockUnused(release), release)
	}
}
