package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHasCORE reads the CO-RE relocations of real BPF objects.
func TestHasCORE(t *testing.T) {
	core, err := hasCORE(syscountObject)
	require.NoError(t, err)
	assert.False(t, core, "syscount.bpf.o has no CO-RE relocations")

	coreObj := readCoreObject(t)
	core, err = hasCORE(coreObj)
	require.NoError(t, err)
	assert.True(t, core, "binding/testdata/core.bpf.o has CO-RE relocations")

	for _, bad := range [][]byte{nil, []byte("not an ELF file"), coreObj[:64], coreObj[:len(coreObj)/2]} {
		_, err := hasCORE(bad)
		assert.ErrorIs(t, err, errBadELF, "%d bytes", len(bad))
	}
	_, err = hasCORE([]byte("not an ELF file"))
	assert.EqualError(t, err, "BPF object: not a valid BPF ELF object: 15 bytes is shorter than an ELF header (64 bytes)")
}

// TestCheckKernelBTF checks the kernel BTF check against a missing and a
// present BTF file, since a kernel without BTF cannot be simulated.
func TestCheckKernelBTF(t *testing.T) {
	coreObj := readCoreObject(t)
	missing := filepath.Join(t.TempDir(), "vmlinux")
	err := checkKernelBTF(coreObj, missing)
	require.Error(t, err)
	assert.Equal(t, "the kernel has no BTF at "+missing+", which the CO-RE relocations of the BPF object need; use a kernel built with CONFIG_DEBUG_INFO_BTF=y", err.Error())
	assert.NoError(t, checkKernelBTF(syscountObject, missing), "no CO-RE, no BTF needed")

	present := filepath.Join(t.TempDir(), "vmlinux")
	require.NoError(t, os.WriteFile(present, nil, 0o600))
	assert.NoError(t, checkKernelBTF(coreObj, present))
}

// readCoreObject returns binding/testdata/core.bpf.o, which `make bpf`
// builds.
func readCoreObject(t *testing.T) []byte {
	t.Helper()
	obj, err := os.ReadFile("../../binding/testdata/core.bpf.o")
	require.NoError(t, err, "run make bpf")
	return obj
}

// TestBadEnvironment runs syscount where it cannot work and checks for one
// clear line and a failure exit code.
func TestBadEnvironment(t *testing.T) {
	requireKernel(t)
	bin := buildSyscount(t)

	t.Run("missing CAP_BPF", func(t *testing.T) {
		dir := bpffsDir(t)
		for _, cmd := range []string{"persist", "status", "stop"} {
			res := run(t, withoutCaps(t, []string{"bpf", "sys_admin"}, bin, cmd, dir))
			assertFailure(t, res, "root lacks the capability CAP_BPF (or CAP_SYS_ADMIN)")
		}
		assert.NoDirExists(t, dir)
	})

	t.Run("missing CAP_PERFMON", func(t *testing.T) {
		dir := bpffsDir(t)
		res := run(t, withoutCaps(t, []string{"perfmon", "sys_admin"}, bin, "persist", dir))
		assertFailure(t, res, "root lacks the capability CAP_PERFMON (or CAP_SYS_ADMIN)")
		res = run(t, withoutCaps(t, []string{"perfmon", "sys_admin"}, bin, "run"))
		assertFailure(t, res, "root lacks the capability CAP_PERFMON (or CAP_SYS_ADMIN)")
		// Reading pins needs CAP_BPF only.
		res = run(t, withoutCaps(t, []string{"perfmon", "sys_admin"}, bin, "status", dir))
		assertFailure(t, res, "nothing is persisted in "+dir)
	})

	t.Run("pins of another agent", func(t *testing.T) {
		dir := bpffsDir(t)
		require.NoError(t, os.Mkdir(dir, 0o700))
		other := filepath.Join(dir, "other_map")
		c, err := loadCounter()
		require.NoError(t, err)
		require.NoError(t, c.Maps.Counts.Pin(other))
		require.NoError(t, c.Close())
		t.Cleanup(func() { os.Remove(other) })

		want := dir + " holds pins of another agent: other_map; choose another DIR"
		for _, cmd := range []string{"persist", "status", "stop"} {
			assertFailure(t, runSyscount(t, bin, cmd, dir), want)
		}
		assert.FileExists(t, other)
		assert.NoFileExists(t, filepath.Join(dir, countPin))
		assert.NoFileExists(t, filepath.Join(dir, linkPin))
	})
}

// withoutCaps returns the command that runs bin with args as root without
// the capabilities caps (setpriv names, such as "bpf"), which setpriv drops
// from the bounding and inheritable sets before it executes bin.
func withoutCaps(t *testing.T, caps []string, bin string, args ...string) *exec.Cmd {
	t.Helper()
	drop := ""
	for i, c := range caps {
		if i > 0 {
			drop += ","
		}
		drop += "-" + c
	}
	setprivArgs := append([]string{"--inh-caps=" + drop, "--bounding-set=" + drop, "--", bin}, args...)
	return exec.CommandContext(t.Context(), "setpriv", setprivArgs...)
}
