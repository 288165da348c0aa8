package libbpf_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
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

func TestAttachUprobe(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")

	entry, err := program(t, obj, "count_uprobe").AttachUprobe(false, -1, bin, 0,
		&libbpf.UprobeOptions{FuncName: "lbg_target", Cookie: 0x1234})
	require.NoError(t, err)
	defer entry.Close()
	ret, err := program(t, obj, "count_uretprobe").AttachUprobe(true, -1, bin, 0,
		&libbpf.UprobeOptions{FuncName: "lbg_target"})
	require.NoError(t, err)
	defer ret.Close()

	const calls = 7
	runTarget(t, bin, calls, -1)
	assert.Equal(t, uint64(calls), counter(t, counts, slotUprobe))
	assert.Equal(t, uint64(calls), counter(t, counts, slotUretprobe))
	assert.Equal(t, uint64(0x1234), counter(t, counts, slotCookie))

	require.NoError(t, entry.Close())
	require.NoError(t, ret.Close())
	runTarget(t, bin, calls, -1)
	assert.Equal(t, uint64(calls), counter(t, counts, slotUprobe), "counted after Close")
	assert.Equal(t, uint64(calls), counter(t, counts, slotUretprobe), "counted after Close")
}

// A pid limits the uprobe to one process running the binary.
func TestAttachUprobePID(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")

	const calls = 5
	probed, releaseProbed := startTarget(t, bin, calls, -1)
	other, releaseOther := startTarget(t, bin, calls, -1)
	link, err := program(t, obj, "count_uprobe").AttachUprobe(false, probed.Process.Pid, bin, 0,
		&libbpf.UprobeOptions{FuncName: "lbg_target"})
	if err != nil {
		releaseProbed()
		releaseOther()
		_ = probed.Wait()
		_ = other.Wait()
		require.NoError(t, err)
	}
	defer link.Close()
	releaseOther()
	require.NoError(t, other.Wait())
	releaseProbed()
	require.NoError(t, probed.Wait())
	assert.Equal(t, uint64(calls), counter(t, counts, slotUprobe))
}

func TestAttachUprobeErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_uprobe")

	missing := filepath.Join(t.TempDir(), "missing")
	_, err := prog.AttachUprobe(false, -1, missing, 0, &libbpf.UprobeOptions{FuncName: "main"})
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = prog.AttachUprobe(false, -1, missing, 0x100, nil)
	assert.ErrorIs(t, err, os.ErrNotExist)

	bin := uprobeTarget(t)
	_, err = prog.AttachUprobe(false, -1, bin, 0, &libbpf.UprobeOptions{FuncName: "no_such_function"})
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = prog.AttachUprobe(false, -1, "", 0, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachUprobe(false, -2, bin, 0, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)

	var nilProg *libbpf.Program
	_, err = nilProg.AttachUprobe(false, -1, bin, 0, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachUprobe(false, -1, bin, 0, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// A perf_event program runs on the samples of a CPU clock event.
func TestAttachPerfEvent(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")

	// Keep this goroutine on one CPU, where the event samples.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old unix.CPUSet
	require.NoError(t, unix.SchedGetaffinity(0, &old))
	cpu := 0
	for !old.IsSet(cpu) {
		cpu++
	}
	set.Set(cpu)
	require.NoError(t, unix.SchedSetaffinity(0, &set))
	defer func() { assert.NoError(t, unix.SchedSetaffinity(0, &old)) }()

	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, cpu, -1, 100_000)
	require.NoError(t, err)
	defer pe.Close()
	assert.GreaterOrEqual(t, pe.FD(), 0)

	link, err := program(t, obj, "count_perf_event").AttachPerfEvent(pe, &libbpf.PerfEventOptions{Cookie: 1})
	require.NoError(t, err)
	defer link.Close()
	// The link holds its own descriptor: closing the event keeps it.
	require.NoError(t, pe.Close())
	assert.NoError(t, pe.Close(), "second Close")
	assert.Equal(t, -1, pe.FD())
	assert.True(t, spinUntil(func() bool { return counter(t, counts, slotPerfEvent) > 0 }),
		"perf_event program never ran")

	require.NoError(t, link.Close())
	stopped := counter(t, counts, slotPerfEvent)
	spinUntil(func() bool { return false })
	assert.Equal(t, stopped, counter(t, counts, slotPerfEvent), "counted after Close")
}

// spinUntil keeps the CPU busy until cond holds, for a bounded number of
// rounds, and reports whether it held.
func spinUntil(cond func() bool) bool {
	for range 2000 {
		if cond() {
			return true
		}
		x := 0
		for i := range 1_000_000 {
			x += i
		}
		_ = x
	}
	return cond()
}

func TestPerfEventErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_perf_event")

	_, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 0)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, -1, -1, 1000)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.OpenPerfEvent(nil, 0, -1)
	assert.ErrorIs(t, err, syscall.EINVAL)
	hw, err := libbpf.OpenHardwarePerfEvent(unix.PERF_COUNT_HW_CPU_CYCLES, 0, -1, 1_000_000)
	if err == nil {
		assert.NoError(t, hw.Close())
	} else {
		assert.True(t, errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EOPNOTSUPP) ||
			errors.Is(err, syscall.ENODEV), "hardware event: %v", err)
	}

	_, err = prog.AttachPerfEvent(nil, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000)
	require.NoError(t, err)
	require.NoError(t, pe.Close())
	_, err = prog.AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilEvent *libbpf.PerfEvent
	assert.Equal(t, -1, nilEvent.FD())
	assert.NoError(t, nilEvent.Close())

	// An XDP program cannot be attached to a perf event.
	pe, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000)
	require.NoError(t, err)
	defer pe.Close()
	_, err = program(t, obj, "count_xdp").AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, obj.Close())
	_, err = prog.AttachPerfEvent(pe, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
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

func TestAttachXDP(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_xdp")

	link, err := prog.AttachXDP(ns.ifindex)
	require.NoError(t, err)
	defer link.Close()
	info, err := libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), info.ProgramID)
	assert.Equal(t, progID(t, prog), info.DriverProgramID)

	// A link refuses to be replaced by netlink without the replace flag.
	assert.Error(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsDrvMode))

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotXDP) > 0 }), "XDP program never ran")

	require.NoError(t, link.Close())
	info, err = libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Zero(t, info.ProgramID)
}

func TestXDPAttachDetach(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_xdp")

	require.NoError(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsSKBMode))
	t.Cleanup(func() { assert.NoError(t, libbpf.XDPDetach(ns.ifindex, libbpf.XDPFlagsSKBMode)) })
	info, err := libbpf.XDPQuery(ns.ifindex, libbpf.XDPFlagsSKBMode)
	require.NoError(t, err)
	assert.Equal(t, progID(t, prog), info.SKBProgramID)
	assert.Equal(t, progID(t, prog), info.ProgramID)
	assert.ErrorIs(t, libbpf.XDPAttach(ns.ifindex, prog, libbpf.XDPFlagsSKBMode|libbpf.XDPFlagsUpdateIfNoExist),
		syscall.EBUSY)

	assert.True(t, eventually(func() { ns.sendUDP(t, ns.hostIP) },
		func() bool { return counter(t, counts, slotXDP) > 0 }), "XDP program never ran")

	// The attachment outlives the object.
	require.NoError(t, obj.Close())
	info, err = libbpf.XDPQuery(ns.ifindex, libbpf.XDPFlagsSKBMode)
	require.NoError(t, err)
	assert.NotZero(t, info.SKBProgramID)

	require.NoError(t, libbpf.XDPDetach(ns.ifindex, libbpf.XDPFlagsSKBMode))
	info, err = libbpf.XDPQuery(ns.ifindex, 0)
	require.NoError(t, err)
	assert.Zero(t, info.ProgramID)
	assert.Zero(t, info.SKBProgramID)
}

func TestXDPErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_xdp")

	for _, ifindex := range []int{0, -1} {
		_, err := prog.AttachXDP(ifindex)
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.ErrorIs(t, libbpf.XDPAttach(ifindex, prog, 0), syscall.EINVAL)
		assert.ErrorIs(t, libbpf.XDPDetach(ifindex, 0), syscall.EINVAL)
		_, err = libbpf.XDPQuery(ifindex, 0)
		assert.ErrorIs(t, err, syscall.EINVAL)
	}
	// No device has this index.
	const missing = 1 << 30
	_, err := prog.AttachXDP(missing)
	assert.Error(t, err)
	// Some kernels (6.1) answer a query for a missing device with an
	// empty reply rather than an error: then nothing may be reported.
	info, err := libbpf.XDPQuery(missing, 0)
	if err == nil {
		assert.Equal(t, libbpf.XDPInfo{}, info)
	}

	lo, err := net.InterfaceByName("lo")
	require.NoError(t, err)
	var nilProg *libbpf.Program
	assert.ErrorIs(t, libbpf.XDPAttach(lo.Index, nilProg, 0), libbpf.ErrClosed)
	_, err = nilProg.AttachXDP(lo.Index)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	assert.ErrorIs(t, libbpf.XDPAttach(lo.Index, prog, 0), libbpf.ErrClosed)
	_, err = prog.AttachXDP(lo.Index)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// cgroup2Root is where this machine mounts the cgroup v2 hierarchy; found
// in /proc/self/mounts.
func cgroup2Root(t testing.TB) string {
	t.Helper()
	for _, dir := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if ok, err := isMounted(dir, "cgroup2"); err == nil && ok {
			return dir
		}
	}
	t.Skip("no cgroup2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup")
	return ""
}

func TestAttachCgroup(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	dir, err := os.MkdirTemp(cgroup2Root(t), "libbpf-go-test-")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, os.Remove(dir)) })
	cgroup, err := os.Open(dir)
	require.NoError(t, err)
	defer cgroup.Close()

	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "count_sock_create").AttachCgroup(int(cgroup.Fd()))
	require.NoError(t, err)
	defer link.Close()

	// Sockets created outside the cgroup are not counted.
	runTarget(t, bin, 0, -1)
	assert.Zero(t, counter(t, counts, slotSockCreate))
	// The target, started inside it, creates exactly one socket.
	runTarget(t, bin, 0, int(cgroup.Fd()))
	assert.Equal(t, uint64(1), counter(t, counts, slotSockCreate))

	require.NoError(t, link.Close())
	runTarget(t, bin, 0, int(cgroup.Fd()))
	assert.Equal(t, uint64(1), counter(t, counts, slotSockCreate), "counted after Close")
}

func TestAttachNetns(t *testing.T) {
	requireKernel(t)
	ns := newTestNetns(t)
	netns, err := os.Open(ns.path())
	require.NoError(t, err)
	defer netns.Close()

	obj := loadObject(t, "attach")
	counts := objMap(t, obj, "counts")
	link, err := program(t, obj, "count_sk_lookup").AttachNetns(int(netns.Fd()))
	require.NoError(t, err)
	defer link.Close()

	loopback := net.IPv4(127, 0, 0, 1)
	assert.True(t, eventually(func() { ns.sendUDP(t, loopback) },
		func() bool { return counter(t, counts, slotSkLookup) > 0 }), "sk_lookup program never ran")
}

func TestAttachCgroupNetnsErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "attach")
	sockCreate := program(t, obj, "count_sock_create")
	skLookup := program(t, obj, "count_sk_lookup")

	_, err := sockCreate.AttachCgroup(-1)
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = skLookup.AttachNetns(-1)
	assert.ErrorIs(t, err, syscall.EBADF)

	// A regular file is neither a cgroup nor a network namespace.
	f, err := os.Open("/proc/self/status")
	require.NoError(t, err)
	defer f.Close()
	_, err = sockCreate.AttachCgroup(int(f.Fd()))
	assert.Error(t, err)
	_, err = skLookup.AttachNetns(int(f.Fd()))
	assert.Error(t, err)

	require.NoError(t, obj.Close())
	_, err = sockCreate.AttachCgroup(int(f.Fd()))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = skLookup.AttachNetns(int(f.Fd()))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// iterLines runs the iterator once and returns its lines.
func iterLines(t testing.TB, link *libbpf.Link) []string {
	t.Helper()
	r, err := link.NewIterReader()
	require.NoError(t, err)
	defer func() { assert.NoError(t, r.Close()) }()
	text, err := io.ReadAll(r)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
}

func TestAttachIter(t *testing.T) {
	requireIterTarget(t, "task")
	obj := loadObject(t, "iter_task")
	prog := program(t, obj, "iter_print")
	self := strconv.Itoa(os.Getpid())

	all, err := prog.AttachIter(nil)
	require.NoError(t, err)
	defer all.Close()
	lines := iterLines(t, all)
	comm, err := os.ReadFile("/proc/self/comm")
	require.NoError(t, err)
	assert.Contains(t, lines, self+" "+self+" "+strings.TrimSpace(string(comm)))
	// Each reader is a new run.
	assert.NotEmpty(t, iterLines(t, all))

	mine, err := prog.AttachIter(&libbpf.IterOptions{PID: uint32(os.Getpid())})
	require.NoError(t, err)
	defer mine.Close()
	lines = iterLines(t, mine)
	require.NotEmpty(t, lines)
	for _, line := range lines {
		assert.True(t, strings.HasPrefix(line, self+" "), "line %q of another process", line)
	}
	assert.Less(t, len(lines), len(iterLines(t, all)))
}

// A map element iterator walks the map given in IterOptions, and needs
// one.
func TestAttachIterMap(t *testing.T) {
	requireIterTarget(t, "bpf_map_elem")
	obj := loadObject(t, "iter_map")
	values := objMap(t, obj, "values")
	for key := range uint32(3) {
		require.NoError(t, values.Update(u32(key), u64(uint64(key)*10+7), libbpf.UpdateAny))
	}
	iterMap := program(t, obj, "iter_map")
	link, err := iterMap.AttachIter(&libbpf.IterOptions{Map: values})
	require.NoError(t, err)
	defer link.Close()
	assert.Equal(t, []string{"0=7", "1=17", "2=27"}, iterLines(t, link))

	_, err = iterMap.AttachIter(nil)
	assert.ErrorIs(t, err, syscall.EBADF)
	_, err = iterMap.AttachIter(&libbpf.IterOptions{Map: closedMap(t)})
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// closedMap returns a map of an object that is already closed.
func closedMap(t testing.TB) *libbpf.Map {
	t.Helper()
	closed, err := libbpf.OpenFile(objectPath(t, "attach"), nil)
	require.NoError(t, err)
	m := objMap(t, closed, "counts")
	require.NoError(t, closed.Close())
	return m
}

func TestAttachIterErrors(t *testing.T) {
	requireIterTarget(t, "task")
	obj := loadObject(t, "iter_task")
	prog := program(t, obj, "iter_print")
	counter := loadObject(t, "attach")
	counts := objMap(t, counter, "counts")

	_, err := prog.AttachIter(&libbpf.IterOptions{Map: counts, PID: 1})
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = prog.AttachIter(&libbpf.IterOptions{Map: closedMap(t)})
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	// Only iterator links make readers.
	pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1_000_000_000)
	require.NoError(t, err)
	defer pe.Close()
	link, err := program(t, counter, "count_perf_event").AttachPerfEvent(pe, nil)
	require.NoError(t, err)
	defer link.Close()
	_, err = link.NewIterReader()
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, link.Close())
	_, err = link.NewIterReader()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilLink *libbpf.Link
	_, err = nilLink.NewIterReader()
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	require.NoError(t, obj.Close())
	_, err = prog.AttachIter(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
