package libbpf_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Environment of a child process (besides childEnv, the scenario).
const (
	childObject = "LIBBPF_GO_TEST_OBJECT" // path of counter.bpf.o
	childDir    = "LIBBPF_GO_TEST_DIR"    // bpffs folder for the pins
	childKind   = "LIBBPF_GO_TEST_KIND"   // attachKind.name
	childTgid   = "LIBBPF_GO_TEST_TGID"   // process whose getpid() is counted
)

// Child scenarios. Each child prints one line to stdout when its work is
// done: the parent waits for that line before it looks at the kernel.
const (
	// Attach, pin the link, Disconnect, Close and exit.
	scenarioPinDisconnectExit = "pin-disconnect-exit"
	// Attach, pin the link and wait (on stdin) to be killed.
	scenarioPinAndWait = "pin-and-wait"
	// Attach, Disconnect and Close without pinning the link, then exit when
	// stdin is closed.
	scenarioDisconnectExit = "disconnect-exit"
	// Read an object from stdin and load it; report the error as JSON.
	scenarioLoadFromStdin = "load-from-stdin"
)

const childReady = "ready"

func runChild(scenario string) int {
	var err error
	switch scenario {
	case scenarioPinDisconnectExit, scenarioPinAndWait, scenarioDisconnectExit:
		err = childAttach(scenario)
	case scenarioLoadFromStdin:
		err = childLoadFromStdin()
	default:
		err = fmt.Errorf("unknown child scenario %q", scenario)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", scenario, err)
		return 1
	}
	return 0
}

// childAttach loads counter.bpf.o with the counts map pinned in the folder
// given by the parent, counting the parent's getpid() calls, and attaches
// the program with its section's auto-attach.
func childAttach(scenario string) error {
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
	link, err := prog.Attach()
	if err != nil {
		return err
	}
	if scenario != scenarioDisconnectExit {
		if err := link.Pin(filepath.Join(dir, "link")); err != nil {
			return err
		}
	}
	if scenario == scenarioPinAndWait {
		fmt.Println(childReady)
		// Block until the parent kills this process.
		_, err := io.Copy(io.Discard, os.Stdin)
		return fmt.Errorf("stdin closed before the parent killed the child: %v", err)
	}
	link.Disconnect()
	if err := link.Close(); err != nil {
		return err
	}
	if err := obj.Close(); err != nil {
		return err
	}
	fmt.Println(childReady)
	if scenario == scenarioDisconnectExit {
		// Keep the leaked link descriptor until the parent lets go.
		_, err := io.Copy(io.Discard, os.Stdin)
		return err
	}
	return nil
}

// loadResult is what the load-from-stdin child reports.
type loadResult struct {
	Error string
	EPERM bool
}

func childLoadFromStdin() error {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	var res loadResult
	obj, err := libbpf.OpenMem("counter", data, nil)
	if err == nil {
		err = obj.Load()
		obj.Close()
	}
	if err != nil {
		res.Error = err.Error()
		res.EPERM = errors.Is(err, syscall.EPERM)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// child is a running re-execution of the test binary.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr lockedBuffer
}

// lockedBuffer collects a child's stderr; exec copies into it from its own
// goroutine while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startChild re-executes the test binary (or binary, when not empty) for
// scenario with the extra environment env. The child is killed and waited
// for when the test ends, if the test did not wait for it.
func startChild(t *testing.T, binary, scenario string, env []string, attr *syscall.SysProcAttr) *child {
	t.Helper()
	if binary == "" {
		binary = os.Args[0]
	}
	c := &child{cmd: exec.Command(binary, "-test.run=^$")}
	c.cmd.Env = append(append(os.Environ(), childEnv+"="+scenario), env...)
	c.cmd.Stderr = &c.stderr
	c.cmd.SysProcAttr = attr
	var err error
	c.stdin, err = c.cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	c.stdout = bufio.NewReader(stdout)
	require.NoError(t, c.cmd.Start())
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// readLine returns the child's next line of output, failing the test with
// the child's stderr if there is none.
func (c *child) readLine(t *testing.T) string {
	t.Helper()
	line, err := c.stdout.ReadString('\n')
	if err != nil {
		_ = c.cmd.Wait()
		t.Fatalf("child wrote no line (%v); its stderr:\n%s", err, c.stderr.String())
	}
	return line[:len(line)-1]
}

// wait waits for the child to exit on its own and requires success.
func (c *child) wait(t *testing.T) {
	t.Helper()
	if err := c.stdin.Close(); !errors.Is(err, os.ErrClosed) {
		require.NoError(t, err)
	}
	require.NoError(t, c.cmd.Wait(), "child stderr:\n%s", c.stderr.String())
}

// kill SIGKILLs the child and waits for it.
func (c *child) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Kill())
	err := c.cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	status, ok := exitErr.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, status.Signaled() && status.Signal() == syscall.SIGKILL,
		"child should die of SIGKILL, got %v; stderr:\n%s", err, c.stderr.String())
}
