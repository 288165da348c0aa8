package libbpf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
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
	assert.Contains(t, res.Error, "missing CAP_BPF and CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN): "+
		"run as root or grant them (setcap cap_bpf,cap_perfmon+ep on the binary)", "the error says what is missing")
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

// Child scenarios of the permission tests, handled in init below: the child
// drops the capabilities listed in childDropCaps from the effective set of
// its one locked thread, on which it then loads (and attaches) the object
// at childObject, and reports a permResult as JSON.
const (
	// Drop the capabilities, then Load.
	scenarioPermLoad = "perm-load"
	// Load, drop the capabilities, then attach the kind in childKind.
	scenarioPermAttach = "perm-attach"
	// Drop the capabilities, then open the map whose ID is in childMapID.
	scenarioPermOpenID = "perm-open-id"
	// childMapID is a map ID, in decimal.
	childMapID = "LIBBPF_GO_TEST_MAP_ID"

	// childDropCaps is a comma-separated list of capability numbers.
	childDropCaps = "LIBBPF_GO_TEST_DROP_CAPS"
)

// permResult is what a permission child reports.
type permResult struct {
	Error         string
	EPERM         bool
	EACCES        bool
	ErrPermission bool
	// Logs are libbpf's messages at Info and above.
	Logs []string
}

func init() {
	switch scenario := os.Getenv(childEnv); scenario {
	case scenarioPermLoad, scenarioPermAttach, scenarioPermOpenID:
		if err := childPermission(scenario); err != nil {
			fmt.Fprintf(os.Stderr, "child %s: %v\n", scenario, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// childPermission runs a permission scenario and prints its permResult.
func childPermission(scenario string) error {
	// Capabilities belong to a thread: everything from the drop on runs on
	// this one, cgo calls included.
	runtime.LockOSThread()
	h := newRecordingHandler()
	libbpf.SetLogger(slog.New(levelHandler{h, slog.LevelInfo}))
	if scenario == scenarioPermOpenID {
		id, err := strconv.ParseUint(os.Getenv(childMapID), 10, 32)
		if err != nil {
			return err
		}
		if err := dropCapabilities(os.Getenv(childDropCaps)); err != nil {
			return err
		}
		m, err := libbpf.OpenMapID(uint32(id))
		if err == nil {
			m.Close()
		}
		return reportPermission(err, h)
	}
	obj, err := libbpf.OpenFile(os.Getenv(childObject), nil)
	if err != nil {
		return err
	}
	defer obj.Close()
	if scenario == scenarioPermAttach {
		if err := obj.Load(); err != nil {
			return err
		}
	}
	if err := dropCapabilities(os.Getenv(childDropCaps)); err != nil {
		return err
	}
	if scenario == scenarioPermLoad {
		err = obj.Load()
	} else {
		var kind attachKind
		if kind, err = kindByName(os.Getenv(childKind)); err != nil {
			return err
		}
		var prog *libbpf.Program
		if prog, err = obj.Program(kind.program); err != nil {
			return err
		}
		var link *libbpf.Link
		if link, err = kind.attach(prog); err == nil {
			link.Close()
		}
	}
	return reportPermission(err, h)
}

// reportPermission prints the permResult of err and the records of h.
func reportPermission(err error, h *recordingHandler) error {
	res := permResult{}
	if err != nil {
		res.Error = err.Error()
		res.EPERM = errors.Is(err, syscall.EPERM)
		res.EACCES = errors.Is(err, syscall.EACCES)
		res.ErrPermission = errors.Is(err, os.ErrPermission)
	}
	for _, r := range h.Records() {
		res.Logs = append(res.Logs, r.Message)
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// dropCapabilities clears the capabilities in list (numbers, comma
// separated) from the calling thread's effective set with capset(2).
func dropCapabilities(list string) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	for _, f := range strings.Split(list, ",") {
		c, err := strconv.Atoi(f)
		if err != nil {
			return fmt.Errorf("capability %q: %w", f, err)
		}
		data[c/32].Effective &^= 1 << (c % 32)
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// runPermChild runs a permission scenario on object with the capabilities
// drop removed and returns what the child reports.
func runPermChild(t *testing.T, scenario, object, kind string, drop ...int) permResult {
	t.Helper()
	return runPermChildEnv(t, scenario, []string{
		childObject + "=" + objectPath(t, object),
		childKind + "=" + kind,
	}, drop...)
}

// runPermChildEnv runs a permission scenario with the environment env.
func runPermChildEnv(t *testing.T, scenario string, env []string, drop ...int) permResult {
	t.Helper()
	list := make([]string, len(drop))
	for i, c := range drop {
		list[i] = strconv.Itoa(c)
	}
	c := startChild(t, "", scenario, append(env, childDropCaps+"="+strings.Join(list, ",")), nil)
	var res permResult
	require.NoError(t, json.NewDecoder(c.stdout).Decode(&res), "child stderr:\n%s", c.stderr.String())
	c.wait(t)
	t.Logf("error: %s\nlogs: %q", res.Error, res.Logs)
	return res
}

// assertMemlockHintAnnotated checks that every libbpf message suggesting
// RLIMIT_MEMLOCK carries the binding's note, and that there was one.
func assertMemlockHintAnnotated(t *testing.T, logs []string) {
	t.Helper()
	var hints int
	for _, msg := range logs {
		if strings.Contains(msg, "RLIMIT_MEMLOCK") || strings.Contains(msg, "ulimit -l") {
			hints++
			assert.Contains(t, msg, "[libbpf-go: RLIMIT_MEMLOCK is not the cause", "hint %q", msg)
		}
	}
	assert.Positive(t, hints, "libbpf gave its RLIMIT_MEMLOCK hint: %q", logs)
}

// Without CAP_PERFMON (and CAP_SYS_ADMIN, which stands in for it), a root
// process still creates the maps but cannot load a tracepoint program: the
// error names the program and CAP_PERFMON alone, and libbpf's "ulimit -l"
// hint in the log says it is not the cause.
func TestLoadWithoutPerfmonNamesIt(t *testing.T) {
	requireKernel(t)
	res := runPermChild(t, scenarioPermLoad, "counter", "", unix.CAP_PERFMON, unix.CAP_SYS_ADMIN)
	require.NotEmpty(t, res.Error, "the load fails")
	assert.True(t, res.EPERM, "errors.Is(err, syscall.EPERM): %s", res.Error)
	assert.True(t, res.ErrPermission, "errors.Is(err, os.ErrPermission): %s", res.Error)
	assert.Regexp(t, `^Object\.Load object counter: bpf_object__load: program count_\w+: bpf\(BPF_PROG_LOAD\): `, res.Error)
	assert.Contains(t, res.Error, "operation not permitted: missing CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)")
	assert.NotContains(t, res.Error, "missing CAP_BPF")
	assert.NotContains(t, res.Error, "RLIMIT_MEMLOCK")
	assertMemlockHintAnnotated(t, res.Logs)
}

// Without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN nothing loads, not even
// libbpf's trial program: the error names everything the object needs.
func TestLoadWithoutBPFNamesEverythingTheObjectNeeds(t *testing.T) {
	requireKernel(t)
	if data, err := os.ReadFile("/proc/sys/kernel/unprivileged_bpf_disabled"); err == nil && string(data) == "0\n" {
		t.Skip("kernel.unprivileged_bpf_disabled is 0: libbpf's trial socket filter loads without CAP_BPF")
	}
	res := runPermChild(t, scenarioPermLoad, "counter", "", unix.CAP_BPF, unix.CAP_PERFMON, unix.CAP_SYS_ADMIN)
	require.NotEmpty(t, res.Error, "the load fails")
	assert.True(t, res.EPERM, "errors.Is(err, syscall.EPERM): %s", res.Error)
	assert.Contains(t, res.Error, "operation not permitted: missing CAP_BPF and CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)")
	assert.Contains(t, res.Error, "the process is root but its capability set lacks them")
	assertMemlockHintAnnotated(t, res.Logs)
}

// Without CAP_NET_ADMIN a root process with CAP_BPF cannot create a
// sockmap: the error names the map and CAP_NET_ADMIN.
func TestMapCreateWithoutNetAdminNamesIt(t *testing.T) {
	requireKernel(t)
	res := runPermChild(t, scenarioPermLoad, "sockmap", "", unix.CAP_NET_ADMIN, unix.CAP_SYS_ADMIN)
	require.NotEmpty(t, res.Error, "the load fails")
	assert.True(t, res.EPERM, "errors.Is(err, syscall.EPERM): %s", res.Error)
	assert.Regexp(t, `^Object\.Load object sockmap: bpf_object__prepare: map sock_(map|hash): `, res.Error)
	assert.Contains(t, res.Error, "operation not permitted: missing CAP_NET_ADMIN (needs CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN)")
}

// A loaded tracepoint program cannot be attached without CAP_PERFMON: the
// kernel refuses the perf event, and the error names CAP_PERFMON.
func TestAttachWithoutPerfmonNamesIt(t *testing.T) {
	requireKernel(t)
	res := runPermChild(t, scenarioPermAttach, "counter", "tracepoint", unix.CAP_PERFMON, unix.CAP_SYS_ADMIN)
	require.NotEmpty(t, res.Error, "the attach fails")
	assert.True(t, res.ErrPermission, "errors.Is(err, os.ErrPermission): %s", res.Error)
	assert.Contains(t, res.Error, "Program.AttachTracepoint program count_tp: bpf_program__attach_tracepoint ")
	assert.Contains(t, res.Error, "missing CAP_PERFMON (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)")
}

// Opening a map by ID needs CAP_SYS_ADMIN itself; CAP_BPF is not enough,
// and the error says so.
func TestOpenMapIDWithoutSysAdminNamesIt(t *testing.T) {
	requireKernel(t)
	id := objMap(t, loadMaps(t, 8), "hash_map").ID()
	require.NotZero(t, id)
	res := runPermChildEnv(t, scenarioPermOpenID, []string{childMapID + "=" + strconv.FormatUint(uint64(id), 10)}, unix.CAP_SYS_ADMIN)
	require.NotEmpty(t, res.Error, "opening by ID fails")
	assert.True(t, res.EPERM, "errors.Is(err, syscall.EPERM): %s", res.Error)
	assert.Contains(t, res.Error, fmt.Sprintf("OpenMapID id %d: bpf_map_get_fd_by_id: operation not permitted: missing CAP_SYS_ADMIN (needs CAP_SYS_ADMIN)", id))
}

// attachCall is one way to attach a program, with arguments that would do
// if the program were loaded.
type attachCall struct {
	name string
	// errno is what the error wraps: EINVAL as libbpf gives for an attach
	// before load, EBADF for the netlink and sockmap attachments, which
	// took the missing descriptor for a bad one.
	errno  error
	attach func(p *libbpf.Program) error
}

// attachCalls lists every attach method of Program, and XDPAttach.
func attachCalls(t *testing.T) []attachCall {
	sockmap := objMap(t, loadObject(t, "sockmap"), "sock_map")
	linkErr := func(_ *libbpf.Link, err error) error { return err }
	self, err := os.Executable()
	require.NoError(t, err)
	return []attachCall{
		{"Attach", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.Attach()) }},
		{"AttachTracepoint", syscall.EINVAL, func(p *libbpf.Program) error {
			return linkErr(p.AttachTracepoint("syscalls", "sys_enter_getpid"))
		}},
		{"AttachRawTracepoint", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachRawTracepoint("sys_enter")) }},
		{"AttachKprobe", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachKprobe(false, "do_sys_openat2", nil)) }},
		{"AttachKprobeMulti", syscall.EINVAL, func(p *libbpf.Program) error {
			return linkErr(p.AttachKprobeMulti(&libbpf.KprobeMultiOptions{Pattern: "do_sys_*"}))
		}},
		{"AttachKsyscall", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachKsyscall("getpid", nil)) }},
		{"AttachUprobe", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachUprobe(false, -1, self, 0, nil)) }},
		{"AttachUprobeMulti", syscall.EINVAL, func(p *libbpf.Program) error {
			return linkErr(p.AttachUprobeMulti(-1, self, "main*", nil))
		}},
		{"AttachUSDT", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachUSDT(-1, self, "libbpf_go", "probe", nil)) }},
		{"AttachPerfEvent", syscall.EINVAL, func(p *libbpf.Program) error {
			pe, err := libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 1000000)
			require.NoError(t, err)
			defer pe.Close()
			return linkErr(p.AttachPerfEvent(pe, nil))
		}},
		{"AttachXDP", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachXDP(1)) }},
		{"XDPAttach", syscall.EBADF, func(p *libbpf.Program) error { return libbpf.XDPAttach(1, p, 0) }},
		{"AttachTC", syscall.EBADF, func(p *libbpf.Program) error {
			_, err := p.AttachTC(&libbpf.TCHook{Ifindex: 1, AttachPoint: libbpf.TCIngress}, nil)
			return err
		}},
		{"AttachTCX", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachTCX(1, nil)) }},
		{"AttachNetkit", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachNetkit(1, nil)) }},
		{"AttachCgroup", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachCgroup(0)) }},
		{"AttachNetns", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachNetns(0)) }},
		{"AttachIter", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachIter(nil)) }},
		{"AttachFreplace", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachFreplace(nil, "")) }},
		{"AttachNetfilter", syscall.EINVAL, func(p *libbpf.Program) error {
			return linkErr(p.AttachNetfilter(libbpf.NetfilterOptions{Family: unix.NFPROTO_IPV4, Hook: unix.NF_INET_LOCAL_IN}))
		}},
		{"AttachSockmap", syscall.EINVAL, func(p *libbpf.Program) error { return linkErr(p.AttachSockmap(sockmap)) }},
		{"Map.AttachProgram", syscall.EBADF, func(*libbpf.Program) error {
			// The map checks the program's type first: give it one of
			// the right type, of an object that is not loaded either.
			msg := program(t, openObject(t, "sockmap", nil), "count_msg")
			return sockmap.AttachProgram(msg, libbpf.AttachTypeSKMsgVerdict)
		}},
	}
}

// Every attach method, called before Object.Load, says that the object is
// not loaded, before it asks libbpf or the kernel anything.
func TestAttachBeforeLoadSaysObjectNotLoaded(t *testing.T) {
	requireKernel(t)
	prog := program(t, openObject(t, "counter", nil), "count_tp")
	for _, c := range attachCalls(t) {
		t.Run(c.name, func(t *testing.T) {
			err := c.attach(prog)
			assert.ErrorIs(t, err, c.errno)
			require.Error(t, err)
			oe, ok := err.(*libbpf.OpError)
			require.True(t, ok, "%T: %v", err, err)
			assert.Equal(t, attachOp(c.name), oe.Op)
			assert.Empty(t, oe.Call, "refused before any call")
			assert.Regexp(t, `^`+attachOp(c.name)+` (program count_tp: object "counter"|map sock_map: program count_msg: object "sockmap") is not loaded: call Object.Load first: `,
				err.Error())
		})
	}
}

// After Load, a program whose autoload was off, or that Load failed,
// cannot be attached either, and the error says why.
func TestAttachUnloadedProgramSaysWhy(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "counter", nil)
	skipped := program(t, obj, "count_raw_alt")
	require.NoError(t, skipped.SetAutoload(false))
	requireLoad(t, obj)
	_, err := skipped.Attach()
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.EqualError(t, err, "Program.Attach program count_raw_alt: program was not loaded (SetAutoload(false)): invalid argument")

	useLogger(t, slog.New(slog.DiscardHandler))
	bad := openObject(t, "bad", nil)
	require.Error(t, bad.Load())
	for _, p := range bad.Programs() {
		_, err := p.Attach()
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.EqualError(t, err, "Program.Attach program "+p.Name()+": program was not loaded: Object.Load failed: invalid argument")
	}
}

// A pin path outside bpffs gives one sentence that names the path and its
// folder, says how to mount bpffs, and does not repeat itself.
func TestPinOutsideBPFFSSaysItOnce(t *testing.T) {
	requireKernel(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "counts")
	obj := loadObject(t, "counter")
	err := objMap(t, obj, "counts").Pin(path)
	require.ErrorIs(t, err, libbpf.ErrNotBPFFS)
	assert.Equal(t, fmt.Sprintf("Map.Pin map counts: pin path %q: %s is not on a bpffs mount (pins live in bpffs, usually mounted at /sys/fs/bpf)", path, dir),
		err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), "bpffs mount"), "said once: %s", err)

	_, err = libbpf.OpenLink(path)
	require.ErrorIs(t, err, libbpf.ErrNotBPFFS)
	assert.Equal(t, 1, strings.Count(err.Error(), "bpffs mount"), "said once: %s", err)
}

// A socket map of an object that is not loaded is named once in the error.
func TestSockmapNotLoadedSaysItOnce(t *testing.T) {
	requireKernel(t)
	sock := openObject(t, "sockmap", nil)
	_, err := program(t, sock, "count_msg").AttachSockmap(objMap(t, sock, "sock_map"))
	require.ErrorIs(t, err, syscall.EBADF)
	assert.Equal(t, "Program.AttachSockmap program count_msg: map sock_map: object not loaded: bad file descriptor", err.Error())
}

func TestErrClosedMatchesOSErrClosed(t *testing.T) {
	var nilProg *libbpf.Program
	_, err := nilProg.Attach()
	require.Error(t, err)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, err, os.ErrClosed)
	assert.NotErrorIs(t, err, os.ErrNotExist)
	assert.NotErrorIs(t, libbpf.ErrNotFound, os.ErrClosed)

	requireKernel(t)
	obj := loadObject(t, "counter")
	m := obj.Maps()[0]
	require.NoError(t, obj.Close())
	_, err = m.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, err, os.ErrClosed)
}
