package libbpf_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// testCgroup makes an empty cgroup v2 folder for the test and returns an
// open descriptor of it.
func testCgroup(t *testing.T) *os.File {
	t.Helper()
	dir, err := os.MkdirTemp(cgroup2Root(t), "libbpf-go-test-")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, os.Remove(dir)) })
	f, err := os.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestSystemViewsListWhatTheTestLoaded(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "counter")
	tp := program(t, obj, "count_tp")
	link := attachCounter(t, obj, attachKinds[1]) // raw tracepoint
	linkInfo, err := link.Info()
	require.NoError(t, err)
	tpInfo, err := tp.Info()
	require.NoError(t, err)
	counts := objMap(t, obj, "counts")

	progIDs, err := libbpf.ProgramIDs()
	require.NoError(t, err)
	assert.Contains(t, progIDs, tpInfo.ID)
	assert.True(t, slices.IsSorted(progIDs))
	progs, err := libbpf.Programs()
	require.NoError(t, err)
	i := slices.IndexFunc(progs, func(p libbpf.ProgramInfo) bool { return p.ID == tpInfo.ID })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "count_tp", progs[i].Name)
	assert.Equal(t, tpInfo.Tag, progs[i].Tag)
	assert.Contains(t, progs[i].MapIDs, counts.ID(), "the program's maps")

	mapIDs, err := libbpf.MapIDs()
	require.NoError(t, err)
	assert.Contains(t, mapIDs, counts.ID())
	maps, err := libbpf.Maps()
	require.NoError(t, err)
	i = slices.IndexFunc(maps, func(m libbpf.MapInfo) bool { return m.ID == counts.ID() })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "counts", maps[i].Name)

	linkIDs, err := libbpf.LinkIDs()
	require.NoError(t, err)
	assert.Contains(t, linkIDs, linkInfo.ID)
	links, err := libbpf.Links()
	require.NoError(t, err)
	i = slices.IndexFunc(links, func(l libbpf.LinkInfo) bool { return l.ID == linkInfo.ID })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "sys_enter", links[i].TracepointName)
	assert.Equal(t, linkInfo.ProgramID, links[i].ProgramID)
	assert.GreaterOrEqual(t, link.FD(), 0, "Links did not close the test's link")

	btfIDs, err := libbpf.BTFIDs()
	require.NoError(t, err)
	assert.Contains(t, btfIDs, tpInfo.BTFID)
	btfs, err := libbpf.BTFObjects()
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(btfs, func(b libbpf.BTFInfo) bool { return b.Name == "vmlinux" && b.Kernel }),
		"the kernel's own BTF is listed")
	own, err := libbpf.BTFInfoByID(tpInfo.BTFID)
	require.NoError(t, err)
	assert.False(t, own.Kernel)
	assert.Equal(t, tpInfo.BTFID, own.ID)
	assert.NotZero(t, own.Size)
	assert.Contains(t, btfs, own)

	_, err = libbpf.BTFInfoByID(0)
	assert.Error(t, err)
}

func TestOpenMapIDReadOnlyRefusesWrites(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	hash := objMap(t, obj, "hash_map")
	require.NoError(t, hash.Update(u32(1), u64(11), libbpf.UpdateAny))

	ro, err := libbpf.OpenMapIDReadOnly(hash.ID())
	require.NoError(t, err)
	defer ro.Close()
	value := make([]byte, 8)
	require.NoError(t, ro.Lookup(u32(1), value))
	assert.Equal(t, u64(11), value)
	assert.ErrorIs(t, ro.Update(u32(2), u64(22), libbpf.UpdateAny), unix.EPERM)
	assert.ErrorIs(t, ro.Delete(u32(1)), unix.EPERM)

	_, err = libbpf.OpenMapIDReadOnly(0)
	assert.Error(t, err)
}

func TestQueryProgramsOfACgroup(t *testing.T) {
	requireKernel(t)
	cg := testCgroup(t)
	empty, err := libbpf.QueryPrograms(int(cg.Fd()), libbpf.AttachTypeCgroupInetSockCreate, 0)
	require.NoError(t, err)
	assert.Empty(t, empty.Programs)

	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_sock_create")
	link, err := prog.AttachCgroup(int(cg.Fd()))
	require.NoError(t, err)
	defer link.Close()

	res, err := libbpf.QueryPrograms(int(cg.Fd()), libbpf.AttachTypeCgroupInetSockCreate, 0)
	require.NoError(t, err)
	require.Len(t, res.Programs, 1)
	assert.Equal(t, prog.ID(), res.Programs[0].ID)

	// The effective programs include it as well.
	eff, err := libbpf.QueryPrograms(int(cg.Fd()), libbpf.AttachTypeCgroupInetSockCreate, libbpf.QueryEffective)
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(eff.Programs, func(p libbpf.QueriedProgram) bool { return p.ID == prog.ID() }))

	require.NoError(t, link.Close())
	res, err = libbpf.QueryPrograms(int(cg.Fd()), libbpf.AttachTypeCgroupInetSockCreate, 0)
	require.NoError(t, err)
	assert.Empty(t, res.Programs)

	f, err := os.Open("/proc/self/exe")
	require.NoError(t, err)
	defer f.Close()
	_, err = libbpf.QueryPrograms(int(f.Fd()), libbpf.AttachTypeCgroupInetSockCreate, 0)
	assert.Error(t, err, "not a cgroup")
}

func TestTaskFDQueryNamesTheRawTracepoint(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "counter")
	link := attachCounter(t, obj, attachKinds[1]) // raw tracepoint sys_enter
	info, err := libbpf.TaskFDQuery(os.Getpid(), link.FD())
	require.NoError(t, err)
	assert.Equal(t, libbpf.FDTypeRawTracepoint, info.Type)
	assert.Equal(t, "raw_tracepoint", info.Type.String())
	assert.Equal(t, "sys_enter", info.Name)
	assert.Equal(t, program(t, obj, "count_raw").ID(), info.ProgramID)

	f, err := os.Open("/proc/self/exe")
	require.NoError(t, err)
	defer f.Close()
	_, err = libbpf.TaskFDQuery(os.Getpid(), int(f.Fd()))
	assert.Error(t, err, "not a BPF attachment")
	_, err = libbpf.TaskFDQuery(os.Getpid(), 1<<20)
	assert.ErrorIs(t, err, unix.EBADF)
}

// statsSysctl reports whether kernel.bpf_stats_enabled keeps statistics
// on regardless of EnableStats.
func statsSysctl(t *testing.T) bool {
	b, err := os.ReadFile("/proc/sys/kernel/bpf_stats_enabled")
	require.NoError(t, err)
	return strings.TrimSpace(string(b)) != "0"
}

func TestEnableStatsCountsRunsInProgramInfo(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	tp := program(t, obj, "count_tp")
	attachCounter(t, obj, attachKinds[0])
	always := statsSysctl(t)

	unix.Getpid()
	before, err := tp.Info()
	require.NoError(t, err)
	if !always {
		assert.Zero(t, before.RunCount, "no statistics before EnableStats")
	}

	stats, err := libbpf.EnableStats()
	require.NoError(t, err)
	for range 10 {
		unix.Getpid()
	}
	during, err := tp.Info()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, during.RunCount, before.RunCount+10)
	assert.Greater(t, during.RunTime, before.RunTime)
	require.NoError(t, stats.Close())
	require.NoError(t, stats.Close(), "Close is idempotent")

	if !always {
		for range 10 {
			unix.Getpid()
		}
		after, err := tp.Info()
		require.NoError(t, err)
		// Another process's getpid may run between, but this one's ten
		// calls are not counted.
		assert.Less(t, after.RunCount, during.RunCount+10, "statistics stop at Close")
	}
	assert.NotZero(t, during.VerifiedInstructions)
}

func TestBindMapKeepsTheMapWithTheProgram(t *testing.T) {
	requireKernel(t)
	prog := program(t, loadObject(t, "xdp"), "xdp_mark")
	mapsObj, err := libbpf.OpenFile(objectPath(t, "maps"), nil)
	require.NoError(t, err)
	requireLoad(t, mapsObj)
	hash := objMap(t, mapsObj, "hash_map")
	id := hash.ID()

	require.NoError(t, prog.BindMap(hash))
	require.NoError(t, prog.BindMap(hash), "binding twice does nothing")
	info, err := prog.Info()
	require.NoError(t, err)
	assert.Contains(t, info.MapIDs, id)

	require.NoError(t, mapsObj.Close())
	bound, err := libbpf.OpenMapID(id)
	require.NoError(t, err, "the program keeps the map alive")
	require.NoError(t, bound.Close())

	assert.ErrorIs(t, prog.BindMap(hash), libbpf.ErrClosed)
	assert.ErrorIs(t, prog.BindMap(nil), libbpf.ErrClosed)
	unloaded := program(t, openObject(t, "xdp", nil), "xdp_mark")
	other := objMap(t, loadObject(t, "maps"), "hash_map")
	assert.ErrorIs(t, unloaded.BindMap(other), unix.EBADF)
}
