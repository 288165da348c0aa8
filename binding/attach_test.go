package libbpf_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Slots of the counts map of attach.bpf.c.
const (
	slotUprobe uint32 = iota
	slotUretprobe
	slotPerfEvent
	slotXDP
	slotSockCreate
	slotSkLookup
	slotCookie
)

// requireTool skips the test when the command name is not installed, as
// in the initramfs of `make test-kernels`; under CI=true, where .ci/deps
// installs it, that fails the test instead.
func requireTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed, and CI=true forbids skipping: %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
}

// uprobeTarget returns the path of testdata/uprobe/target, the static
// executable that `make bpf` builds from target.c (static, so that it runs
// in the initramfs of `make test-kernels` too).
func uprobeTarget(t testing.TB) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("testdata", "uprobe", "target"))
	require.NoError(t, err)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make bpf` first", bin)
	}
	return bin
}

// startTarget starts the target with n calls to make; it waits until
// release closes its standard input.
func startTarget(t testing.TB, bin string, n int, cgroupFD int) (cmd *exec.Cmd, release func()) {
	t.Helper()
	cmd = exec.Command(bin, strconv.Itoa(n))
	if cgroupFD >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: cgroupFD}
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return cmd, func() { assert.NoError(t, stdin.Close()) }
}

// runTarget runs the target to completion with n calls.
func runTarget(t testing.TB, bin string, n int, cgroupFD int) {
	t.Helper()
	cmd, release := startTarget(t, bin, n, cgroupFD)
	release()
	require.NoError(t, cmd.Wait())
}

// testNetns is a network namespace with one end of a veth pair, whose
// other end is in the test's namespace.
type testNetns struct {
	name    string // under /run/netns
	ifindex int    // of the veth end in the test's namespace
	hostIP  net.IP // address of that end
}

// netnsCount numbers the namespaces of newTestNetns.
var netnsCount atomic.Uint32

// newTestNetns creates a network namespace and a veth pair with the ip
// command and removes both when the test ends.
func newTestNetns(t testing.TB) *testNetns {
	t.Helper()
	requireTool(t, "ip")
	n := netnsCount.Add(1)
	id := fmt.Sprintf("%d-%d", os.Getpid()%100000, n%100)
	ns := &testNetns{name: "libbpf-go-test-" + id}
	host, peer := "lbgh"+id, "lbgp"+id
	// A /30 of 10.0.0.0/8 per process and namespace.
	a, b := byte(os.Getpid()>>6), byte(os.Getpid()<<2)|byte(n%4)
	ns.hostIP = net.IPv4(10, a, b, 1)
	ip := func(args ...string) {
		t.Helper()
		out, err := exec.Command("ip", args...).CombinedOutput()
		require.NoError(t, err, "ip %s: %s", strings.Join(args, " "), out)
	}
	ip("netns", "add", ns.name)
	t.Cleanup(func() {
		_ = exec.Command("ip", "link", "del", host).Run()
		out, err := exec.Command("ip", "netns", "del", ns.name).CombinedOutput()
		assert.NoError(t, err, "ip netns del: %s", out)
	})
	ip("link", "add", host, "type", "veth", "peer", "name", peer, "netns", ns.name)
	ip("addr", "add", fmt.Sprintf("10.%d.%d.1/30", a, b), "dev", host)
	ip("link", "set", host, "up")
	ip("-n", ns.name, "addr", "add", fmt.Sprintf("10.%d.%d.2/30", a, b), "dev", peer)
	ip("-n", ns.name, "link", "set", peer, "up")
	ip("-n", ns.name, "link", "set", "lo", "up")
	iface, err := net.InterfaceByName(host)
	require.NoError(t, err)
	ns.ifindex = iface.Index
	return ns
}

// path returns the namespace's file, for AttachNetns or setns.
func (ns *testNetns) path() string { return filepath.Join("/run/netns", ns.name) }

// sendUDP sends a few UDP datagrams to dst from inside the namespace.
func (ns *testNetns) sendUDP(t testing.TB, dst net.IP) {
	t.Helper()
	require.NoError(t, inNetns(ns.path(), func() error {
		sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(sock)
		to := &unix.SockaddrInet4{Port: 9}
		copy(to.Addr[:], dst.To4())
		for range 5 {
			if err := unix.Sendto(sock, []byte("libbpf-go"), 0, to); err != nil {
				return err
			}
		}
		return nil
	}))
}

// inNetns runs fn on a thread that entered the network namespace at path.
// The thread is never unlocked, so the Go runtime ends it with its
// goroutine instead of reusing it in the wrong namespace.
func inNetns(path string, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		done <- func() error {
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
				return err
			}
			return fn()
		}()
	}()
	return <-done
}

// eventually sends packets with send until cond holds, for a bounded
// number of rounds, and reports whether it did.
func eventually(send func(), cond func() bool) bool {
	for range 200 {
		send()
		if cond() {
			return true
		}
		runtime.Gosched()
		unix.Nanosleep(&unix.Timespec{Nsec: 10_000_000}, nil)
	}
	return cond()
}

// progID returns the kernel id of the loaded program, from fdinfo.
func progID(t testing.TB, prog *libbpf.Program) uint32 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/self/fdinfo/%d", prog.FD()))
	require.NoError(t, err)
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if v, ok := strings.CutPrefix(scanner.Text(), "prog_id:"); ok {
			id, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
			require.NoError(t, err)
			return uint32(id)
		}
	}
	t.Fatal("no prog_id in fdinfo")
	return 0
}
