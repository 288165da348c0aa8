package libbpf_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The errors of Program's, Link's and the attach functions' methods are
// *libbpf.OpError in one form: "Op Subject: Call: Err", where Op is the
// method called, Subject the handle ("program count_tp", "link of program
// count_raw", "link 12"), Call the libbpf function or system call that
// failed with what identifies its target ("" when none was made), and Err
// the cause.

// assertProgOpError makes requireOpError's checks and checks that err
// wraps cause. It returns the OpError.
func assertProgOpError(t *testing.T, err error, op, subject, call string, cause error) *libbpf.OpError {
	t.Helper()
	oe := requireOpError(t, err, op, subject, call)
	assert.ErrorIs(t, err, cause)
	return oe
}

// progMethod is one exported method of Program (or a function taking a
// program) with arguments that would do on a loaded program.
type progMethod struct {
	op   string
	call func(p *libbpf.Program) error
}

// progMethods are the methods of Program that return an error, other
// than the Attach* methods (attachCalls lists those).
func progMethods(t *testing.T) []progMethod {
	dir := t.TempDir()
	first := func(_ any, err error) error { return err }
	return []progMethod{
		{"Program.SetType", func(p *libbpf.Program) error { return p.SetType(libbpf.ProgramTypeXDP) }},
		{"Program.SetExpectedAttachType", func(p *libbpf.Program) error { return p.SetExpectedAttachType(0) }},
		{"Program.SetAutoload", func(p *libbpf.Program) error { return p.SetAutoload(true) }},
		{"Program.SetLogLevel", func(p *libbpf.Program) error { return p.SetLogLevel(1) }},
		{"Program.SetLogSize", func(p *libbpf.Program) error { return p.SetLogSize(0) }},
		{"Program.SetFlags", func(p *libbpf.Program) error { return p.SetFlags(0) }},
		{"Program.SetAttachTarget", func(p *libbpf.Program) error { return p.SetAttachTarget(nil, "getpid") }},
		{"Program.Unload", func(p *libbpf.Program) error { return p.Unload() }},
		{"Program.Pin", func(p *libbpf.Program) error { return p.Pin(filepath.Join(dir, "p")) }},
		{"Program.Unpin", func(p *libbpf.Program) error { return p.Unpin(filepath.Join(dir, "p")) }},
		{"Program.TestRun", func(p *libbpf.Program) error { return first(p.TestRun(nil)) }},
		{"Program.Info", func(p *libbpf.Program) error { return first(p.Info()) }},
		{"Program.FuncInfo", func(p *libbpf.Program) error { return first(p.FuncInfo()) }},
		{"Program.LineInfo", func(p *libbpf.Program) error { return first(p.LineInfo()) }},
		{"Program.JitedFunctions", func(p *libbpf.Program) error { return first(p.JitedFunctions()) }},
		{"Program.LineAt", func(p *libbpf.Program) error { return first(p.LineAt(0)) }},
		{"Program.LineAtInstruction", func(p *libbpf.Program) error { return first(p.LineAtInstruction(0)) }},
		{"Program.ReadStream", func(p *libbpf.Program) error {
			return first(p.ReadStream(libbpf.StreamStderr, make([]byte, 8)))
		}},
	}
}

// attachOp is the Op of the error of attachCalls' call name.
func attachOp(name string) string {
	if strings.Contains(name, ".") || name == "XDPAttach" {
		return name
	}
	return "Program." + name
}

// Every method of a program whose Object is closed, and of a nil
// Program, fails with the OpError of that method, without a call, that
// wraps ErrClosed (and os.ErrClosed).
func TestProgramClosedOpErrors(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "counter"), nil)
	require.NoError(t, err)
	prog := program(t, obj, "count_tp")
	require.NoError(t, obj.Close())
	var nilProg *libbpf.Program
	for _, m := range progMethods(t) {
		t.Run(m.op, func(t *testing.T) {
			err := m.call(prog)
			assertProgOpError(t, err, m.op, "program count_tp", "", libbpf.ErrClosed)
			assert.ErrorIs(t, err, os.ErrClosed)
			assert.Equal(t, m.op+" program count_tp: libbpf: use of closed handle", err.Error())
			assertProgOpError(t, m.call(nilProg), m.op, "program", "", libbpf.ErrClosed)
		})
	}
	for _, c := range attachCalls(t) {
		if strings.Contains(c.name, ".") {
			continue // the map's method: its subject is the map
		}
		op := attachOp(c.name)
		t.Run(op, func(t *testing.T) {
			err := c.attach(prog)
			assertProgOpError(t, err, op, "program count_tp", "", libbpf.ErrClosed)
			assert.Equal(t, op+" program count_tp: libbpf: use of closed handle", err.Error())
			assertProgOpError(t, c.attach(nilProg), op, "program", "", libbpf.ErrClosed)
		})
	}
}

// The methods that need the program loaded say, before Load, that the
// object is not loaded, in the OpError of the method called.
func TestProgramNotLoadedOpErrors(t *testing.T) {
	requireKernel(t)
	prog := program(t, openObject(t, "xdp", nil), "xdp_mark")
	for _, m := range progMethods(t) {
		switch m.op {
		case "Program.Info", "Program.TestRun", "Program.FuncInfo", "Program.LineInfo",
			"Program.JitedFunctions", "Program.LineAt", "Program.LineAtInstruction", "Program.ReadStream":
		default:
			continue // a setter, or Pin, which libbpf refuses
		}
		t.Run(m.op, func(t *testing.T) {
			err := m.call(prog)
			assertProgOpError(t, err, m.op, "program xdp_mark", "", syscall.EBADF)
			assert.Equal(t, m.op+` program xdp_mark: object "xdp" is not loaded: call Object.Load first: bad file descriptor`,
				err.Error())
		})
	}
}

// A libbpf call that fails names itself and its target in Call; an
// argument refused in Go has no Call.
func TestProgramAttachOpErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "counter")
	tp := program(t, obj, "count_tp")

	_, err := tp.AttachTracepoint("syscalls", "sys_enter_no_such_syscall")
	assertProgOpError(t, err, "Program.AttachTracepoint", "program count_tp",
		"bpf_program__attach_tracepoint syscalls:sys_enter_no_such_syscall", syscall.ENOENT)
	assert.Equal(t, "Program.AttachTracepoint program count_tp: bpf_program__attach_tracepoint syscalls:sys_enter_no_such_syscall: no such file or directory",
		err.Error())

	_, err = tp.AttachTracepointOpts("syscalls", "sys_enter_no_such_syscall", nil)
	assertProgOpError(t, err, "Program.AttachTracepointOpts", "program count_tp",
		"bpf_program__attach_tracepoint_opts syscalls:sys_enter_no_such_syscall", syscall.ENOENT)

	raw := program(t, obj, "count_raw")
	_, err = raw.AttachRawTracepoint("no_such_raw_tracepoint")
	assertProgOpError(t, err, "Program.AttachRawTracepoint", "program count_raw",
		"bpf_program__attach_raw_tracepoint no_such_raw_tracepoint", syscall.ENOENT)

	_, err = tp.AttachKprobe(false, "", nil)
	assertProgOpError(t, err, "Program.AttachKprobe", "program count_tp", "", syscall.EINVAL)
	assert.Equal(t, "Program.AttachKprobe program count_tp: empty function name: invalid argument", err.Error())

	_, err = tp.AttachXDP(0)
	assertProgOpError(t, err, "Program.AttachXDP", "program count_tp", "", syscall.EINVAL)
	assert.Equal(t, "Program.AttachXDP program count_tp: interface index 0: invalid argument", err.Error())

	_, err = tp.AttachCgroup(-1)
	assertProgOpError(t, err, "Program.AttachCgroup", "program count_tp", "", syscall.EBADF)

	_, err = tp.AttachCgroupOpts(-1, &libbpf.CgroupOptions{RelativeFD: -1})
	assertProgOpError(t, err, "Program.AttachCgroupOpts", "program count_tp", "", syscall.EBADF)

	// A tracepoint program on a cgroup: libbpf's call fails, and names the
	// descriptor.
	cg, err := os.Open("/sys/fs/cgroup")
	require.NoError(t, err)
	defer cg.Close()
	_, err = tp.AttachCgroup(int(cg.Fd()))
	oe := assertProgOpError(t, err, "Program.AttachCgroup", "program count_tp",
		fmt.Sprintf("bpf_program__attach_cgroup cgroup fd %d", cg.Fd()), syscall.EINVAL)
	assert.IsType(t, syscall.Errno(0), oe.Err, "the cause is the errno")

	// The section of an XDP program names no interface.
	_, err = program(t, loadObject(t, "xdp"), "xdp_mark").Attach()
	assertProgOpError(t, err, "Program.Attach", "program xdp_mark", "bpf_program__attach", syscall.EOPNOTSUPP)
	assert.Equal(t, "Program.Attach program xdp_mark: bpf_program__attach: operation not supported", err.Error())
}

// Setters after Load, TestRun and pins: Call names the libbpf function
// with its argument.
func TestProgramMethodOpErrors(t *testing.T) {
	requireKernel(t)
	prog := program(t, loadObject(t, "xdp"), "xdp_mark")

	err := prog.SetType(libbpf.ProgramTypeSocketFilter)
	assertProgOpError(t, err, "Program.SetType", "program xdp_mark",
		"bpf_program__set_type "+libbpf.ProgramTypeSocketFilter.String(), syscall.EBUSY)
	err = prog.SetLogLevel(2)
	assertProgOpError(t, err, "Program.SetLogLevel", "program xdp_mark", "bpf_program__set_log_level 2", syscall.EBUSY)
	assert.Equal(t, "Program.SetLogLevel program xdp_mark: bpf_program__set_log_level 2: device or resource busy", err.Error())
	err = prog.SetAutoload(false)
	assertProgOpError(t, err, "Program.SetAutoload", "program xdp_mark", "", syscall.EBUSY)
	err = prog.SetLogSize(1)
	assertProgOpError(t, err, "Program.SetLogSize", "program xdp_mark", "", syscall.EINVAL)

	_, err = prog.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 4)})
	assertProgOpError(t, err, "Program.TestRun", "program xdp_mark", "bpf_prog_test_run_opts", syscall.EINVAL)
	_, err = prog.TestRun(&libbpf.TestRunOptions{Repeat: -1})
	assertProgOpError(t, err, "Program.TestRun", "program xdp_mark", "", syscall.EINVAL)

	path := filepath.Join(t.TempDir(), "prog")
	err = prog.Pin(path)
	assertProgOpError(t, err, "Program.Pin", "program xdp_mark", "", libbpf.ErrNotBPFFS)

	dir := bpffsDir(t)
	path = filepath.Join(dir, "prog")
	require.NoError(t, prog.Pin(path))
	err = prog.Pin(path)
	assertProgOpError(t, err, "Program.Pin", "program xdp_mark", "bpf_program__pin "+strconv.Quote(path), syscall.EEXIST)
	assert.Equal(t, fmt.Sprintf("Program.Pin program xdp_mark: bpf_program__pin %q: file exists", path), err.Error())

	// A program opened without an object: its errors name it by its
	// kernel name, and the libbpf methods say why they cannot work.
	owned, err := libbpf.OpenProgramPinned(path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, owned.Close()) })
	_, err = owned.Attach()
	assertProgOpError(t, err, "Program.Attach", "program xdp_mark", "", syscall.EOPNOTSUPP)
	assert.Equal(t, "Program.Attach program xdp_mark: program opened without an object: operation not supported", err.Error())
	err = owned.SetLogLevel(1)
	assertProgOpError(t, err, "Program.SetLogLevel", "program xdp_mark", "", syscall.EOPNOTSUPP)
	err = owned.Pin(path)
	assertProgOpError(t, err, "Program.Pin", "program xdp_mark", "bpf_obj_pin "+strconv.Quote(path), syscall.EEXIST)
	require.NoError(t, owned.Close())
	_, err = owned.Info()
	assertProgOpError(t, err, "Program.Info", "program xdp_mark", "", libbpf.ErrClosed)
}

// The package functions name what they were given as the Subject.
func TestProgramOpenOpErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	missing := filepath.Join(dir, "missing")
	_, err := libbpf.OpenProgramPinned(missing)
	assertProgOpError(t, err, "OpenProgramPinned", strconv.Quote(missing), "bpf_obj_get", syscall.ENOENT)
	assert.Equal(t, fmt.Sprintf("OpenProgramPinned %q: bpf_obj_get: no such file or directory", missing), err.Error())

	outside := filepath.Join(t.TempDir(), "p")
	_, err = libbpf.OpenProgramPinned(outside)
	assertProgOpError(t, err, "OpenProgramPinned", strconv.Quote(outside), "", libbpf.ErrNotBPFFS)

	mapPin := filepath.Join(dir, "map")
	require.NoError(t, objMap(t, loadObject(t, "maps"), "hash_map").Pin(mapPin))
	_, err = libbpf.OpenProgramPinned(mapPin)
	assertProgOpError(t, err, "OpenProgramPinned", strconv.Quote(mapPin), "bpf_obj_get", syscall.EINVAL)

	_, err = libbpf.OpenProgramID(math.MaxUint32)
	assertProgOpError(t, err, "OpenProgramID", "id 4294967295", "bpf_prog_get_fd_by_id", syscall.ENOENT)
	assert.Equal(t, "OpenProgramID id 4294967295: bpf_prog_get_fd_by_id: no such file or directory", err.Error())

	err = libbpf.XDPDetach(0, 0)
	assertProgOpError(t, err, "XDPDetach", "ifindex 0", "", syscall.EINVAL)
	assert.Equal(t, "XDPDetach ifindex 0: interface index 0: invalid argument", err.Error())
	_, err = libbpf.XDPQuery(-1, 0)
	assertProgOpError(t, err, "XDPQuery", "ifindex -1", "", syscall.EINVAL)

	var hook *libbpf.TCHook
	assertProgOpError(t, hook.Create(), "TCHook.Create", "tc hook", "", syscall.EINVAL)
	bad := &libbpf.TCHook{Ifindex: 1, AttachPoint: libbpf.TCIngress | libbpf.TCEgress}
	_, err = bad.Query(1, 1)
	assertProgOpError(t, err, "TCHook.Query", "tc hook ifindex 1 ingress and egress", "", syscall.EINVAL)
	var filter *libbpf.TCAttachment
	_, err = filter.Query()
	assertProgOpError(t, err, "TCAttachment.Query", "tc filter", "", libbpf.ErrClosed)

	_, err = libbpf.OpenPerfEvent(nil, -1, 0)
	assertProgOpError(t, err, "OpenPerfEvent", "", "", syscall.EINVAL)
	assert.Equal(t, "OpenPerfEvent: nil attributes: invalid argument", err.Error())
	_, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, 0, -1, 0)
	assertProgOpError(t, err, "OpenSoftwarePerfEvent", "", "", syscall.EINVAL)
	_, err = libbpf.OpenSoftwarePerfEvent(unix.PERF_COUNT_SW_CPU_CLOCK, -1, -1, 1)
	assertProgOpError(t, err, "OpenSoftwarePerfEvent", "",
		fmt.Sprintf("perf_event_open type %d config %d pid -1 cpu -1", unix.PERF_TYPE_SOFTWARE, unix.PERF_COUNT_SW_CPU_CLOCK),
		syscall.EINVAL)
}

// A Link's errors name it: by its program when an attach made it, by its
// ID when OpenLinkID opened it, by its pin when OpenLink did; and the same
// after Close.
func TestLinkOpErrors(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	link := attachCounter(t, obj, attachKinds[1])
	const subject = "link of program count_raw"

	err := link.Detach()
	assertProgOpError(t, err, "Link.Detach", subject, "bpf_link__detach", syscall.EOPNOTSUPP)
	assert.Equal(t, "Link.Detach link of program count_raw: bpf_link__detach: operation not supported", err.Error())

	err = link.UpdateProgram(program(t, obj, "count_raw_alt"))
	assertProgOpError(t, err, "Link.UpdateProgram", subject, "bpf_link__update_program program count_raw_alt", syscall.EINVAL)

	err = link.Pin(filepath.Join(t.TempDir(), "l"))
	assertProgOpError(t, err, "Link.Pin", subject, "", libbpf.ErrNotBPFFS)

	dir := bpffsDir(t)
	path := filepath.Join(dir, "l")
	require.NoError(t, link.Pin(path))
	err = link.Pin(filepath.Join(dir, "again"))
	assertProgOpError(t, err, "Link.Pin", subject, "bpf_link__pin "+strconv.Quote(filepath.Join(dir, "again")), syscall.EBUSY)
	other, err := program(t, obj, "count_raw_alt").AttachRawTracepoint("sys_enter")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, other.Close()) })
	err = other.Pin(path)
	assertProgOpError(t, err, "Link.Pin", "link of program count_raw_alt", "bpf_link__pin "+strconv.Quote(path), syscall.EEXIST)
	assert.Equal(t, fmt.Sprintf("Link.Pin link of program count_raw_alt: bpf_link__pin %q: file exists", path), err.Error())

	pinned, err := libbpf.OpenLink(path)
	require.NoError(t, err)
	err = pinned.Detach()
	assertProgOpError(t, err, "Link.Detach", "link pinned at "+strconv.Quote(path), "bpf_link__detach", syscall.EOPNOTSUPP)
	require.NoError(t, pinned.Close())
	require.NoError(t, link.Unpin())

	info, err := link.Info()
	require.NoError(t, err)
	byID, err := libbpf.OpenLinkID(info.ID)
	require.NoError(t, err)
	idSubject := "link " + strconv.FormatUint(uint64(info.ID), 10)
	err = byID.Unpin()
	assertProgOpError(t, err, "Link.Unpin", idSubject, "", syscall.EINVAL)
	assert.Equal(t, idSubject+": link not pinned: invalid argument", strings.TrimPrefix(err.Error(), "Link.Unpin "))
	require.NoError(t, byID.Pin(path))
	err = byID.Pin(path)
	assertProgOpError(t, err, "Link.Pin", idSubject, "", syscall.EBUSY)
	require.NoError(t, byID.Unpin())
	require.NoError(t, byID.Close())
	_, err = byID.Info()
	assertProgOpError(t, err, "Link.Info", idSubject, "", libbpf.ErrClosed)

	require.NoError(t, link.Close())
	for op, call := range map[string]func() error{
		"Link.Detach":        link.Detach,
		"Link.Unpin":         link.Unpin,
		"Link.Pin":           func() error { return link.Pin(path) },
		"Link.UpdateProgram": func() error { return link.UpdateProgram(program(t, obj, "count_raw")) },
		"Link.Info":          func() error { _, err := link.Info(); return err },
		"Link.NewIterReader": func() error { _, err := link.NewIterReader(); return err },
	} {
		err := call()
		assertProgOpError(t, err, op, subject, "", libbpf.ErrClosed)
		assert.ErrorIs(t, err, os.ErrClosed)
		assert.Equal(t, op+" link of program count_raw: libbpf: use of closed handle", err.Error())
	}

	// The links Object.AttachAll and Program.AttachSkeleton make name
	// their program too. (After link's Close: kernel 6.1 attaches one
	// program to a raw tracepoint once at a time.)
	skel, err := program(t, obj, "count_raw").AttachSkeleton()
	require.NoError(t, err)
	require.NotNil(t, skel)
	assertProgOpError(t, skel.Detach(), "Link.Detach", subject, "bpf_link__detach", syscall.EOPNOTSUPP)
	require.NoError(t, skel.Close())
	var nilLink *libbpf.Link
	assertProgOpError(t, nilLink.Detach(), "Link.Detach", "link", "", libbpf.ErrClosed)

	_, err = libbpf.OpenLinkID(math.MaxUint32)
	assertProgOpError(t, err, "OpenLinkID", "id 4294967295", "bpf_link_get_fd_by_id", syscall.ENOENT)
	missing := filepath.Join(dir, "missing")
	_, err = libbpf.OpenLink(missing)
	assertProgOpError(t, err, "OpenLink", strconv.Quote(missing), "bpf_link__open", syscall.ENOENT)
	assert.Equal(t, fmt.Sprintf("OpenLink %q: bpf_link__open: no such file or directory", missing), err.Error())
}
