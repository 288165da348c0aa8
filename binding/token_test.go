package libbpf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// scenarioToken is the child of TestTokenLoadsInAUserNamespace, run in a
// user namespace of its own: it makes a bpffs superblock there, has the
// parent (root of the initial namespace) set its delegation options and
// mount it, and loads xdp.bpf.o with and without a token.
const scenarioToken = "token-load"

// tokenChildResult is what the token child reports on stdout, as JSON.
type tokenChildResult struct {
	// WithoutToken is the error of loading without a token.
	WithoutToken string
	// NewToken is the error of NewToken on the delegated mount, "" if
	// none; TokenFD whether the token had a descriptor.
	NewToken string
	TokenFD  bool
	// WithToken is the error of loading with BPFTokenPath, "" if none;
	// ObjectTokenFD whether Object.TokenFD reported a token, Verdict the
	// test run's return value.
	WithToken     string
	ObjectTokenFD bool
	Verdict       uint32
}

func init() {
	if os.Getenv(childEnv) != scenarioToken {
		return
	}
	res, err := childToken()
	if err == nil {
		err = json.NewEncoder(os.Stdout).Encode(res)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", scenarioToken, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// tokenSock is the child's end of the socket to the parent (ExtraFiles[0]).
const tokenSock = 3

func childToken() (*tokenChildResult, error) {
	fsfd, err := unix.Fsopen("bpf", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen bpf: %w", err)
	}
	if err := unix.Sendmsg(tokenSock, []byte{0}, unix.UnixRights(fsfd), nil, 0); err != nil {
		return nil, fmt.Errorf("send the bpffs context: %w", err)
	}
	mnt, err := recvFD(tokenSock)
	if err != nil {
		return nil, fmt.Errorf("receive the mount: %w", err)
	}
	path := fmt.Sprintf("/proc/self/fd/%d", mnt)
	objPath := os.Getenv(childObject)
	res := &tokenChildResult{}
	errString := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}

	obj, err := libbpf.OpenFile(objPath, nil)
	if err != nil {
		return nil, err
	}
	res.WithoutToken = errString(obj.Load())
	obj.Close()

	tok, err := libbpf.NewToken(path)
	res.NewToken = errString(err)
	if err == nil {
		res.TokenFD = tok.FD() >= 0
		tok.Close()
	}

	obj, err = libbpf.OpenFile(objPath, &libbpf.ObjectOptions{BPFTokenPath: path})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	err = obj.Load()
	res.WithToken = errString(err)
	if err == nil {
		res.ObjectTokenFD = obj.TokenFD() >= 0
		prog, err := obj.Program("xdp_mark")
		if err != nil {
			return nil, err
		}
		run, err := prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
		if err != nil {
			return nil, fmt.Errorf("test run with token: %w", err)
		}
		res.Verdict = run.ReturnValue
	}
	return res, nil
}

// recvFD receives one descriptor on the unix socket sock.
func recvFD(sock int) (int, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(sock, buf, oob, 0)
	if err != nil {
		return -1, err
	}
	if n == 0 && oobn == 0 {
		return -1, fmt.Errorf("peer closed the socket: %w", unix.ECONNRESET)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return -1, fmt.Errorf("control messages %d: %w", len(msgs), err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return -1, fmt.Errorf("descriptors %d: %w", len(fds), err)
	}
	return fds[0], nil
}

// requireUserNamespaces skips when the kernel does not let root make user
// namespaces.
func requireUserNamespaces(t *testing.T) {
	b, err := os.ReadFile("/proc/sys/user/max_user_namespaces")
	if err != nil || string(b) == "0\n" {
		t.Skipf("user namespaces are off (max_user_namespaces %q, %v)", b, err)
	}
}

// A process that is root only in its own user namespace cannot load BPF
// programs, until it uses a token from a bpffs mount that root of the
// initial namespace delegated to it.
func TestTokenLoadsInAUserNamespace(t *testing.T) {
	requireKernelVersion(t, 6, 9, "BPF tokens")
	requireUserNamespaces(t)
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	parentSock := pair[0]
	defer unix.Close(parentSock)
	childSock := os.NewFile(uintptr(pair[1]), "token-child-socket")
	defer childSock.Close()

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+scenarioToken, childObject+"="+objectPath(t, "xdp"))
	cmd.ExtraFiles = []*os.File{childSock}
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// A mount namespace of its own, which fsopen needs to be owned by
		// the user namespace.
		Cloneflags:  unix.CLONE_NEWUSER | unix.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
	}
	out := make(chan []byte, 1)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// The child holds its end now; without this one, a child that dies
	// ends the parent's receive (no descriptor) instead of blocking it.
	childSock.Close()
	go func() {
		b := make([]byte, 0, 4096)
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		out <- b
	}()

	// The child's bpffs superblock, made in its user namespace; only the
	// initial namespace's root may set the delegation options.
	fsfd, err := recvFD(parentSock)
	require.NoError(t, err)
	defer unix.Close(fsfd)
	for _, opt := range []string{"delegate_cmds", "delegate_maps", "delegate_progs", "delegate_attachs"} {
		require.NoError(t, unix.FsconfigSetString(fsfd, opt, "any"), opt)
	}
	require.NoError(t, unix.FsconfigCreate(fsfd))
	mnt, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, 0)
	require.NoError(t, err)
	defer unix.Close(mnt)
	require.NoError(t, unix.Sendmsg(parentSock, []byte{0}, unix.UnixRights(mnt), nil, 0))

	// All of the output first: Wait closes the pipe once the child has
	// exited, which may be before the reader has drained it.
	output := <-out
	require.NoError(t, cmd.Wait())
	var res tokenChildResult
	require.NoError(t, json.Unmarshal(output, &res), "child's output: %q", output)
	assert.Contains(t, res.WithoutToken, "operation not permitted", "no CAP_BPF in the initial namespace")
	assert.Empty(t, res.NewToken)
	assert.True(t, res.TokenFD)
	assert.Empty(t, res.WithToken, "the token lets the object load")
	assert.True(t, res.ObjectTokenFD, "Object.TokenFD reports libbpf's token")
	assert.Equal(t, uint32(2), res.Verdict, "the program runs: XDP_PASS")
}

// Tokens are for user namespaces other than the initial one.
func TestNewTokenErrors(t *testing.T) {
	requireKernelVersion(t, 6, 9, "BPF tokens")
	_, err := libbpf.NewToken(bpffsRoot)
	assert.Error(t, err, "no token in the initial user namespace, nor without delegation")
	_, err = libbpf.NewToken(t.TempDir())
	assert.Error(t, err, "not a bpffs mount")
	_, err = libbpf.NewToken("/no/such/dir")
	assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)

	var nilToken *libbpf.Token
	assert.Equal(t, -1, nilToken.FD())
	assert.NoError(t, nilToken.Close())

	obj := loadObject(t, "xdp")
	assert.Equal(t, -1, obj.TokenFD(), "no token without delegation")
	require.NoError(t, obj.Close())
	assert.Equal(t, -1, obj.TokenFD())
}
