package libbpf_test

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Slots of the counts map of uprobe_multi.bpf.c: slots 0 to 3 count the
// calls seen under that BPF cookie.
const (
	slotMultiArgs    uint32 = 4 // sum of the first arguments at entry
	slotMultiRets    uint32 = 5 // sum of the return values
	slotMultiSession uint32 = 6 // runs of count_session
)

// Slots of the counts map of usdt.bpf.c.
const (
	slotUSDTHits uint32 = iota
	slotUSDTArg0
	slotUSDTArg1
	slotUSDTCookie
	slotUSDTArgc
	slotUSDTAuto
	slotUSDTAutoArgs
)

// targetCall is one call the target makes of lbg_multi_one or
// lbg_multi_two: its argument and return value.
type targetCall struct{ arg, ret uint64 }

// multiCalls returns the calls target.c makes of lbg_multi_one and
// lbg_multi_two when run with n: per iteration one, then two twice, each
// adding to the running value (1 and 2).
func multiCalls(n int) (one, two []targetCall) {
	v := uint64(0)
	for range n {
		one = append(one, targetCall{v, v + 1})
		v++
		for range 2 {
			two = append(two, targetCall{v, v + 2})
			v += 2
		}
	}
	return one, two
}

// sumArgs and sumRets add up the arguments and return values of calls.
func sumArgs(calls ...[]targetCall) (sum uint64) {
	for _, cs := range calls {
		for _, c := range cs {
			sum += c.arg
		}
	}
	return sum
}

func sumRets(calls []targetCall) (sum uint64) {
	for _, c := range calls {
		sum += c.ret
	}
	return sum
}

// symbolOffset returns the file offset of the function sym in the ELF
// executable bin, as the kernel's uprobes want it.
func symbolOffset(t testing.TB, bin, sym string) uint64 {
	t.Helper()
	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	for _, s := range syms {
		if s.Name != sym {
			continue
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD && p.Vaddr <= s.Value && s.Value < p.Vaddr+p.Memsz {
				return s.Value - p.Vaddr + p.Off
			}
		}
	}
	t.Fatalf("%s has no function %s in a loaded segment", bin, sym)
	return 0
}

// The uprobe_multi probes refuse on kernels older than the link types, and
// say why when they refuse. On newer kernels they may still refuse (a
// kernel built without uprobes, or a policy): whether their "supported" is
// right is shown by the uprobe_multi tests, which skip by these probes and
// must then pass in a guest kernel of make test-kernels.
func TestProbeUprobeMulti(t *testing.T) {
	for _, probe := range []struct {
		name         string
		fn           func() error
		major, minor int
	}{
		{"uprobe_multi", libbpf.ProbeUprobeMulti, 6, 6},
		{"uprobe_session", libbpf.ProbeUprobeSession, 6, 13},
	} {
		t.Run(probe.name, func(t *testing.T) {
			requireKernel(t)
			err := probe.fn()
			if err == nil {
				assert.True(t, kernelAtLeast(t, probe.major, probe.minor), "supported before %d.%d", probe.major, probe.minor)
				return
			}
			t.Logf("not supported here: %v", err)
			require.ErrorIs(t, err, libbpf.ErrNotSupported)
			assert.Contains(t, err.Error(), probe.name[:len("uprobe")], "the error names the feature")
		})
	}
}

func TestAttachUprobeMulti(t *testing.T) {
	const n = 4
	bin := uprobeTarget(t)
	one, two := multiCalls(n)
	for _, tc := range []struct {
		name    string
		prog    string
		pattern string
		opts    func(t testing.TB) *libbpf.UprobeMultiOptions
		want    map[uint32]uint64 // slot: value after one run
	}{
		{"pattern", "count_multi", "lbg_multi_*",
			func(testing.TB) *libbpf.UprobeMultiOptions { return nil },
			map[uint32]uint64{0: 3 * n, slotMultiArgs: sumArgs(one, two)}},
		{"symbols with cookies", "count_multi", "",
			func(testing.TB) *libbpf.UprobeMultiOptions {
				return &libbpf.UprobeMultiOptions{
					Symbols: []string{"lbg_multi_one", "lbg_multi_two"},
					Cookies: []uint64{1, 2},
				}
			},
			map[uint32]uint64{0: 0, 1: n, 2: 2 * n, slotMultiArgs: sumArgs(one, two)}},
		{"offsets with cookies", "count_multi", "",
			func(t testing.TB) *libbpf.UprobeMultiOptions {
				return &libbpf.UprobeMultiOptions{
					Offsets: []uint64{symbolOffset(t, bin, "lbg_multi_two"), symbolOffset(t, bin, "lbg_multi_one")},
					Cookies: []uint64{3, 1},
				}
			},
			map[uint32]uint64{0: 0, 1: n, 3: 2 * n, slotMultiArgs: sumArgs(one, two)}},
		{"retprobe", "count_multi_ret", "",
			func(testing.TB) *libbpf.UprobeMultiOptions {
				return &libbpf.UprobeMultiOptions{Symbols: []string{"lbg_multi_one"}, Cookies: []uint64{2}, Retprobe: true}
			},
			map[uint32]uint64{2: n, slotMultiRets: sumRets(one), slotMultiArgs: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireFeature(t, libbpf.ProbeUprobeMulti)
			obj := loadObject(t, "uprobe_multi")
			counts := objMap(t, obj, "counts")
			link, err := program(t, obj, tc.prog).AttachUprobeMulti(-1, bin, tc.pattern, tc.opts(t))
			require.NoError(t, err)
			defer link.Close()

			runTarget(t, bin, n, -1)
			for slot, want := range tc.want {
				assert.Equal(t, want, counter(t, counts, slot), "slot %d", slot)
			}

			require.NoError(t, link.Close())
			runTarget(t, bin, n, -1)
			for slot, want := range tc.want {
				assert.Equal(t, want, counter(t, counts, slot), "slot %d changed after Close", slot)
			}
		})
	}
}

// A pid limits the uprobe_multi link to one process running the binary.
func TestAttachUprobeMultiPID(t *testing.T) {
	requireFeature(t, libbpf.ProbeUprobeMulti)
	bin := uprobeTarget(t)
	obj := loadObject(t, "uprobe_multi")
	counts := objMap(t, obj, "counts")

	const n = 3
	probed, releaseProbed := startTarget(t, bin, n, -1)
	other, releaseOther := startTarget(t, bin, n, -1)
	link, err := program(t, obj, "count_multi").AttachUprobeMulti(probed.Process.Pid, bin, "lbg_multi_*", nil)
	releaseOther()
	assert.NoError(t, other.Wait())
	releaseProbed()
	assert.NoError(t, probed.Wait())
	require.NoError(t, err)
	defer link.Close()
	assert.Equal(t, uint64(3*n), counter(t, counts, 0))
}

// A session program runs at the entry and the return of each call.
func TestAttachUprobeSession(t *testing.T) {
	requireFeature(t, libbpf.ProbeUprobeSession)
	bin := uprobeTarget(t)
	obj := loadObject(t, "uprobe_multi")
	counts := objMap(t, obj, "counts")

	const n = 5
	link, err := program(t, obj, "count_session").AttachUprobeMulti(-1, bin, "",
		&libbpf.UprobeMultiOptions{Symbols: []string{"lbg_multi_one"}, Session: true})
	require.NoError(t, err)
	defer link.Close()
	runTarget(t, bin, n, -1)
	assert.Equal(t, uint64(2*n), counter(t, counts, slotMultiSession))
}

// The arguments are checked before the kernel is asked, and libbpf
// resolves patterns and symbols before it, so this runs with a plain
// uprobe program on kernels without uprobe_multi links too.
func TestAttachUprobeMultiErrors(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "attach")
	prog := program(t, obj, "count_uprobe")
	missing := filepath.Join(t.TempDir(), "missing")

	for _, tc := range []struct {
		name    string
		pid     int
		path    string
		pattern string
		opts    *libbpf.UprobeMultiOptions
		want    error
	}{
		{"empty path", -1, "", "lbg_multi_*", nil, syscall.EINVAL},
		{"missing binary", -1, missing, "lbg_multi_*", nil, syscall.ENOENT},
		{"missing binary symbols", -1, missing, "", &libbpf.UprobeMultiOptions{Symbols: []string{"main"}}, syscall.ENOENT},
		{"binary not in PATH", -1, "lbg_no_such_binary", "lbg_multi_*", nil, syscall.ENOENT},
		{"pattern matches nothing", -1, bin, "lbg_no_such_*", nil, syscall.ENOENT},
		{"missing symbol", -1, bin, "", &libbpf.UprobeMultiOptions{Symbols: []string{"lbg_no_such_function"}}, syscall.ENOENT},
		{"pid out of range", -2, bin, "lbg_multi_*", nil, syscall.EINVAL},
		{"nothing to probe", -1, bin, "", nil, syscall.EINVAL},
		{"empty options", -1, bin, "", &libbpf.UprobeMultiOptions{}, syscall.EINVAL},
		{"pattern and symbols", -1, bin, "lbg_multi_*", &libbpf.UprobeMultiOptions{Symbols: []string{"lbg_multi_one"}}, syscall.EINVAL},
		{"pattern and cookies", -1, bin, "lbg_multi_*", &libbpf.UprobeMultiOptions{Cookies: []uint64{1}}, syscall.EINVAL},
		{"symbols and offsets", -1, bin, "", &libbpf.UprobeMultiOptions{Symbols: []string{"lbg_multi_one"}, Offsets: []uint64{0x1000}}, syscall.EINVAL},
		{"empty symbol", -1, bin, "", &libbpf.UprobeMultiOptions{Symbols: []string{""}}, syscall.EINVAL},
		{"cookies too few", -1, bin, "", &libbpf.UprobeMultiOptions{Symbols: []string{"lbg_multi_one", "lbg_multi_two"}, Cookies: []uint64{1}}, syscall.EINVAL},
		{"cookies too many", -1, bin, "", &libbpf.UprobeMultiOptions{Offsets: []uint64{0x1000}, Cookies: []uint64{1, 2}}, syscall.EINVAL},
		{"semaphores mismatched", -1, bin, "", &libbpf.UprobeMultiOptions{Offsets: []uint64{0x1000, 0x2000}, RefCtrOffsets: []uint64{0}}, syscall.EINVAL},
		{"retprobe and session", -1, bin, "lbg_multi_*", &libbpf.UprobeMultiOptions{Retprobe: true, Session: true}, syscall.EINVAL},
	} {
		_, err := prog.AttachUprobeMulti(tc.pid, tc.path, tc.pattern, tc.opts)
		assert.ErrorIs(t, err, tc.want, tc.name)
		assert.ErrorContains(t, err, "Program.AttachUprobeMulti program count_uprobe: ", tc.name)
	}

	var nilProg *libbpf.Program
	_, err := nilProg.AttachUprobeMulti(-1, bin, "lbg_multi_*", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachUprobeMulti(-1, bin, "lbg_multi_*", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestAttachUSDT(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "usdt")
	counts := objMap(t, obj, "counts")

	link, err := program(t, obj, "count_usdt").AttachUSDT(-1, bin, "lbg", "target",
		&libbpf.USDTOptions{Cookie: 0xc00c1e})
	require.NoError(t, err)
	defer link.Close()

	// The probe passes x = 0 .. n-1 and x + 2^32.
	const n = 6
	runTarget(t, bin, n, -1)
	sumX := uint64(n * (n - 1) / 2)
	assert.Equal(t, uint64(n), counter(t, counts, slotUSDTHits))
	assert.Equal(t, sumX, counter(t, counts, slotUSDTArg0))
	assert.Equal(t, sumX+n<<32, counter(t, counts, slotUSDTArg1))
	assert.Equal(t, uint64(0xc00c1e), counter(t, counts, slotUSDTCookie))
	assert.Equal(t, uint64(2), counter(t, counts, slotUSDTArgc))
	assert.Zero(t, counter(t, counts, slotUSDTAuto), "the auto-attach program was not attached")

	// A USDT link is one uprobe per site, with no link descriptor of its
	// own: what needs one says so, instead of using libbpf's placeholder 0.
	assert.Equal(t, -1, link.FD())
	assert.ErrorIs(t, link.Pin(filepath.Join(bpffsDir(t), "usdt")), syscall.EOPNOTSUPP)
	assert.ErrorIs(t, link.Detach(), syscall.EOPNOTSUPP)
	assert.ErrorIs(t, link.UpdateProgram(program(t, obj, "count_usdt")), syscall.EOPNOTSUPP)
	_, err = link.Info()
	assert.ErrorIs(t, err, syscall.EOPNOTSUPP)
	_, err = link.NewIterReader()
	assert.ErrorIs(t, err, syscall.EOPNOTSUPP)

	require.NoError(t, link.Close())
	runTarget(t, bin, n, -1)
	assert.Equal(t, uint64(n), counter(t, counts, slotUSDTHits), "counted after Close")
}

// A pid limits the USDT probe to one process running the binary; nil
// options are fine.
func TestAttachUSDTPID(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "usdt")
	counts := objMap(t, obj, "counts")

	const n = 4
	probed, releaseProbed := startTarget(t, bin, n, -1)
	other, releaseOther := startTarget(t, bin, n, -1)
	link, err := program(t, obj, "count_usdt").AttachUSDT(probed.Process.Pid, bin, "lbg", "target", nil)
	releaseOther()
	assert.NoError(t, other.Wait())
	releaseProbed()
	assert.NoError(t, probed.Wait())
	require.NoError(t, err)
	defer link.Close()
	assert.Equal(t, uint64(n), counter(t, counts, slotUSDTHits))
	assert.Zero(t, counter(t, counts, slotUSDTCookie))
}

// AttachAll attaches SEC("usdt/<path>:<provider>:<name>") programs, whose
// BPF_USDT arguments arrive, and skips the bare SEC("usdt") one.
func TestAttachUSDTAuto(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "usdt")
	counts := objMap(t, obj, "counts")

	links, err := obj.AttachAll()
	require.NoError(t, err)
	defer func() { assert.NoError(t, libbpf.CloseAll(links)) }()
	assert.Len(t, links, 1)

	const n = 5
	runTarget(t, bin, n, -1)
	assert.Equal(t, uint64(n), counter(t, counts, slotUSDTAuto))
	// x + (y >> 32) = x + 1 for each x = 0 .. n-1.
	assert.Equal(t, uint64(n*(n-1)/2+n), counter(t, counts, slotUSDTAutoArgs))
	assert.Zero(t, counter(t, counts, slotUSDTHits))
}

// A USDT link closes cleanly after its object: closing it uses libbpf's
// USDT manager, which the object owns, so Object.Close leaves the
// object's memory to the link. Meanwhile the program stays attached.
func TestAttachUSDTOutlivesObject(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj, err := libbpf.OpenFile(objectPath(t, "usdt"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	prog := program(t, obj, "count_usdt")
	auto, err := obj.AttachAll()
	require.NoError(t, err)
	link, err := prog.AttachUSDT(-1, bin, "lbg", "target", nil)
	require.NoError(t, err)
	// A pin of the map outlives the object, to read the counters after.
	pin := filepath.Join(bpffsDir(t), "counts")
	require.NoError(t, counts.Pin(pin))

	require.NoError(t, obj.Close())
	_, err = prog.AttachUSDT(-1, bin, "lbg", "target", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	const n = 3
	runTarget(t, bin, n, -1)
	assert.NoError(t, link.Close())
	assert.NoError(t, libbpf.CloseAll(auto))
	assert.NoError(t, link.Close(), "second Close")

	pinned, err := libbpf.OpenMapPinned(pin)
	require.NoError(t, err)
	defer pinned.Close()
	assert.Equal(t, uint64(n), counter(t, pinned, slotUSDTHits))
	assert.Equal(t, uint64(n), counter(t, pinned, slotUSDTAuto))
}

func TestAttachUSDTErrors(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj := loadObject(t, "usdt")
	prog := program(t, obj, "count_usdt")
	missing := filepath.Join(t.TempDir(), "missing")
	self, err := os.Executable()
	require.NoError(t, err)

	for _, tc := range []struct {
		name                 string
		pid                  int
		path, provider, usdt string
		want                 error
	}{
		{"empty path", -1, "", "lbg", "target", syscall.EINVAL},
		{"empty provider", -1, bin, "", "target", syscall.EINVAL},
		{"empty name", -1, bin, "lbg", "", syscall.EINVAL},
		{"pid out of range", -2, bin, "lbg", "target", syscall.EINVAL},
		{"missing binary", -1, missing, "lbg", "target", syscall.ENOENT},
		{"binary not in PATH", -1, "lbg_no_such_binary", "lbg", "target", syscall.ENOENT},
		{"no such probe", -1, bin, "lbg", "no_such_probe", syscall.ENOENT},
		{"no such provider", -1, bin, "no_such_provider", "target", syscall.ENOENT},
		{"binary without probes", -1, self, "lbg", "target", syscall.ENOENT},
	} {
		_, err := prog.AttachUSDT(tc.pid, tc.path, tc.provider, tc.usdt, &libbpf.USDTOptions{Cookie: 1})
		assert.ErrorIs(t, err, tc.want, tc.name)
		assert.ErrorContains(t, err, "Program.AttachUSDT program count_usdt: ", tc.name)
	}
	// Failed attaches leave nothing behind: the next one works.
	link, err := prog.AttachUSDT(-1, bin, "lbg", "target", nil)
	require.NoError(t, err)
	assert.NoError(t, link.Close())

	var nilProg *libbpf.Program
	_, err = nilProg.AttachUSDT(-1, bin, "lbg", "target", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	require.NoError(t, obj.Close())
	_, err = prog.AttachUSDT(-1, bin, "lbg", "target", nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// sdtNoteName is the owner of the ELF notes that describe USDT probes.
const sdtNoteName = "stapsdt"

// The target's hand-written USDT note is what sys/sdt.h would emit: one
// stapsdt note of type 3 naming lbg:target with two register arguments.
func TestUSDTTargetNote(t *testing.T) {
	f, err := elf.Open(uprobeTarget(t))
	require.NoError(t, err)
	defer f.Close()
	sec := f.Section(".note.stapsdt")
	require.NotNil(t, sec, "no .note.stapsdt section")
	require.NotNil(t, f.Section(".stapsdt.base"), "no .stapsdt.base section")
	data, err := sec.Data()
	require.NoError(t, err)
	require.Greater(t, len(data), 12)
	nameSize, descSize, typ := f.ByteOrder.Uint32(data), f.ByteOrder.Uint32(data[4:]), f.ByteOrder.Uint32(data[8:])
	assert.Equal(t, uint32(3), typ)
	assert.Equal(t, sdtNoteName+"\x00", string(data[12:12+nameSize]))
	desc := data[12+(nameSize+3)&^3:][:descSize]
	strs := strings.Split(strings.TrimSuffix(string(desc[24:]), "\x00"), "\x00")
	require.Len(t, strs, 3, "provider, name, arguments: %q", strs)
	assert.Equal(t, "lbg", strs[0])
	assert.Equal(t, "target", strs[1])
	assert.Regexp(t, `^-4@%e[a-z]+ -8@%r[a-z0-9]+$`, strs[2], fmt.Sprintf("argument spec of %q", strs))
}

// USDT attaches and link closes from many goroutines share the object's
// USDT manager safely, also with Object.Close in the middle: the links
// made before it still close, and the object is freed by the last.
func TestAttachUSDTConcurrent(t *testing.T) {
	requireKernel(t)
	bin := uprobeTarget(t)
	obj, err := libbpf.OpenFile(objectPath(t, "usdt"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	prog := program(t, obj, "count_usdt")

	const workers, rounds = 4, 8
	kept := make([]*libbpf.Link, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				link, err := prog.AttachUSDT(-1, bin, "lbg", "target", &libbpf.USDTOptions{Cookie: uint64(w)})
				if !assert.NoError(t, err) {
					return
				}
				if kept[w] == nil {
					kept[w] = link
					continue
				}
				assert.NoError(t, link.Close())
			}
		}()
	}
	wg.Wait()
	require.NoError(t, obj.Close())
	for _, link := range kept {
		assert.NoError(t, link.Close())
	}
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
