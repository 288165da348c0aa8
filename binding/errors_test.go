package libbpf_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unprivileged process cannot load BPF programs: the error wraps EPERM.
// The test binary re-executes itself as user nobody and loads an object it
// reads from stdin.
func TestLoadUnprivilegedIsEPERM(t *testing.T) {
	requireKernel(t)
	if data, err := os.ReadFile("/proc/sys/kernel/unprivileged_bpf_disabled"); err == nil && string(data) == "0\n" {
		t.Log("unprivileged BPF is enabled; a tracepoint program still needs privileges")
	}

	// nobody must be able to execute a copy of the test binary.
	dir, err := os.MkdirTemp("", "libbpf-go-unprivileged-")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, os.RemoveAll(dir)) })
	require.NoError(t, os.Chmod(dir, 0o755))
	binary := filepath.Join(dir, "libbpf.test")
	copyFile(t, os.Args[0], binary, 0o755)

	c := startChild(t, binary, scenarioLoadFromStdin, nil, &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
	})
	_, err = c.stdin.Write(readObject(t, "counter"))
	require.NoError(t, err)
	require.NoError(t, c.stdin.Close())
	var res loadResult
	require.NoError(t, json.NewDecoder(c.stdout).Decode(&res), "child stderr:\n%s", c.stderr.String())
	c.wait(t)

	assert.NotEmpty(t, res.Error, "an unprivileged load fails")
	assert.True(t, res.EPERM, "errors.Is(err, syscall.EPERM) for %q", res.Error)
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
}
