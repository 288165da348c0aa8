package libbpf_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Each program with a buffer of its own keeps its whole log after Load,
// whatever the other programs' loads wrote.
func TestProgramLogSizeKeepsEachProgramsLog(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	for _, name := range []string{"count_tp", "count_raw"} {
		p := program(t, obj, name)
		require.NoError(t, p.SetLogLevel(libbpf.LogLevelBasic))
		require.NoError(t, p.SetLogSize(64<<10))
		assert.Equal(t, libbpf.LogLevelBasic, p.LogLevel())
		assert.Empty(t, p.Log(), "no log before Load")
	}
	requireLoad(t, obj)

	tp, raw := program(t, obj, "count_tp").Log(), program(t, obj, "count_raw").Log()
	assert.Contains(t, tp, "processed")
	assert.Contains(t, raw, "processed")
	// count_raw checks the syscall number first; the summary lines differ
	// in what the verifier walked.
	assert.NotEqual(t, tp, raw)
	assert.Empty(t, program(t, obj, "count_raw_alt").Log(), "no buffer of its own, no log of its own")

	assert.ErrorIs(t, program(t, obj, "count_tp").SetLogLevel(0), unix.EBUSY)
	assert.ErrorIs(t, program(t, obj, "count_tp").SetLogSize(4096), unix.EBUSY)
	assert.Contains(t, program(t, obj, "count_tp").Log(), "processed", "a refused SetLogSize keeps the log")
}

func TestProgramLogOfAFailedLoadIsInItsOwnBuffer(t *testing.T) {
	requireKernel(t)
	for _, level := range []uint32{0, libbpf.LogLevelBasic, libbpf.LogLevelVerbose} {
		obj := openObject(t, "bad", nil)
		p := program(t, obj, "xdp_unchecked")
		require.NoError(t, p.SetLogSize(1<<20))
		require.NoError(t, p.SetLogLevel(level))
		err := obj.Load()
		var verr *libbpf.VerifierError
		require.ErrorAs(t, err, &verr, "level %d", level)
		assert.Equal(t, p.Log(), verr.Log, "the error carries the program's own log")
		assert.Contains(t, verr.Log, "invalid mem access", "level %d", level)
		if level == libbpf.LogLevelVerbose {
			// Level 2 logs the verifier's state at each instruction.
			assert.Contains(t, verr.Log, "R10=fp0")
		}
	}
}

func TestProgramLogSizeTooSmallFailsWithENOSPC(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	p := program(t, obj, "xdp_mark")
	require.NoError(t, p.SetLogLevel(libbpf.LogLevelVerbose))
	require.NoError(t, p.SetLogSize(128))
	err := obj.Load()
	assert.ErrorIs(t, err, unix.ENOSPC, "libbpf does not grow a buffer it was given")
	assert.NotEmpty(t, p.Log(), "the kernel keeps what fits")
}

func TestProgramLogSizeBounds(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	p := program(t, obj, "xdp_mark")
	assert.ErrorIs(t, p.SetLogSize(127), unix.EINVAL)
	assert.ErrorIs(t, p.SetLogSize(-1), unix.EINVAL)
	assert.ErrorIs(t, p.SetLogSize(1<<30), unix.EINVAL)
	require.NoError(t, p.SetLogSize(4096))
	require.NoError(t, p.SetLogSize(0), "0 takes the buffer away")
	require.NoError(t, p.SetLogLevel(libbpf.LogLevelBasic))
	requireLoad(t, obj)
	assert.Empty(t, p.Log())
}

// A 4-byte packet load at offset 1 passes the verifier on x86, but not
// with BPF_F_STRICT_ALIGNMENT.
func TestProgramSetFlagsReachTheKernel(t *testing.T) {
	requireKernel(t)
	packet := make([]byte, 64) // XDP test runs need an Ethernet header
	for i := range packet {
		packet[i] = byte(i)
	}

	plain := loadObject(t, "align")
	res, err := program(t, plain, "xdp_unaligned").TestRun(&libbpf.TestRunOptions{Data: packet})
	require.NoError(t, err)
	assert.Equal(t, uint32(2), res.ReturnValue, "XDP_PASS")
	word := make([]byte, 4)
	require.NoError(t, plain.Global("word", word))
	assert.Equal(t, packet[1:5], word)

	obj := openObject(t, "align", nil)
	p := program(t, obj, "xdp_unaligned")
	assert.Zero(t, p.Flags()&libbpf.ProgramFlagStrictAlignment)
	require.NoError(t, p.SetFlags(p.Flags()|libbpf.ProgramFlagStrictAlignment))
	assert.NotZero(t, p.Flags()&libbpf.ProgramFlagStrictAlignment)
	err = obj.Load()
	var verr *libbpf.VerifierError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, verr.Log, "misaligned packet access")
	assert.ErrorIs(t, p.SetFlags(0), unix.EBUSY)
}

func TestProgramSetFlagsTheKernelRefusesFailLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	require.NoError(t, program(t, obj, "xdp_mark").SetFlags(libbpf.ProgramFlagSleepable))
	assert.Error(t, obj.Load(), "XDP programs cannot sleep")
}

// bpf_insn: code (1 byte), dst_reg:4 and src_reg:4 (1 byte), off (2), imm (4).
func insnAt(insns []byte, i int) (code, src uint8, imm int32) {
	b := insns[i*libbpf.InstructionSize:]
	return b[0], b[1] >> 4, int32(binary.NativeEndian.Uint32(b[4:]))
}

func TestProgramInstructionsBeforeAndAfterLoad(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	p := program(t, obj, "xdp_mark")
	before := p.Instructions()
	require.NotEmpty(t, before)
	assert.Len(t, before, p.InstructionCount()*libbpf.InstructionSize)
	assert.Equal(t, uint8(0x95), before[len(before)-libbpf.InstructionSize], "the program ends with exit")
	requireLoad(t, obj)

	// After Load, the ld_imm64 of the .data global holds the map's
	// descriptor, as BPF_PSEUDO_MAP_VALUE.
	after := p.Instructions()
	require.Len(t, after, p.InstructionCount()*libbpf.InstructionSize)
	dataFD := int32(objMap(t, obj, ".data").FD())
	found := false
	for i := range len(after) / libbpf.InstructionSize {
		if code, src, imm := insnAt(after, i); code == 0x18 && src == 2 && imm == dataFD {
			found = true
		}
	}
	assert.True(t, found, "an ld_imm64 refers to .data (fd %d) after Load", dataFD)
	after[0] ^= 0xff
	assert.NotEqual(t, after, p.Instructions(), "Instructions returns a copy")
}

func TestProgramFuncAndLineInfoNameTheSource(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	p := program(t, obj, "xdp_mark")
	_, err := p.FuncInfo()
	assert.ErrorIs(t, err, unix.EBADF, "before Load")
	requireLoad(t, obj)

	funcs, err := p.FuncInfo()
	require.NoError(t, err)
	require.Len(t, funcs, 1, "no subprograms")
	assert.Equal(t, uint32(0), funcs[0].InstructionOffset)
	assert.Equal(t, "xdp_mark", funcs[0].Name)
	assert.NotZero(t, funcs[0].TypeID)

	lines, err := p.LineInfo()
	require.NoError(t, err)
	require.NotEmpty(t, lines)
	var runs, lastLen *libbpf.LineInfo
	for i, li := range lines {
		assert.True(t, strings.HasSuffix(li.File, "xdp.bpf.c"), li.File)
		assert.Less(t, li.InstructionOffset, uint32(p.InstructionCount()))
		switch {
		case strings.Contains(li.Source, "runs++"):
			runs = &lines[i]
		case strings.Contains(li.Source, "last_len = end - data"):
			lastLen = &lines[i]
		}
	}
	require.NotNil(t, runs, "a line entry for runs++")
	require.NotNil(t, lastLen, "a line entry for last_len = end - data")
	// In xdp.bpf.c the two statements are on consecutive lines.
	assert.Equal(t, runs.Line+1, lastLen.Line)
	assert.NotZero(t, runs.Column)
	if want, ok := sourceLine(filepath.Join("testdata", "xdp.bpf.c"), "runs++;"); ok {
		assert.Equal(t, want, runs.Line)
	}
}

// sourceLine returns the 1-based number of the first line of path that
// contains text; false when the source is not there (the guest kernels get
// only the objects).
func sourceLine(path, text string) (uint32, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := uint32(1); sc.Scan(); n++ {
		if strings.Contains(sc.Text(), text) {
			return n, true
		}
	}
	return 0, false
}

func TestProgramUnloadRemovesTheObjectsProgramButNotItsPin(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	p := program(t, obj, "xdp_mark")
	pin := filepath.Join(bpffsDir(t), "xdp_mark")
	require.NoError(t, p.Pin(pin))

	require.NoError(t, p.Unload())
	assert.Equal(t, -1, p.FD())
	_, err := p.Info()
	assert.ErrorIs(t, err, unix.EBADF)
	assert.EqualError(t, err, "Program.Info program xdp_mark: program was unloaded (Program.Unload): bad file descriptor")
	_, err = p.AttachXDP(1)
	assert.EqualError(t, err, "Program.AttachXDP program xdp_mark: program was unloaded (Program.Unload): invalid argument")
	_, err = p.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	assert.Error(t, err)
	_, err = p.LineInfo()
	assert.ErrorIs(t, err, unix.EBADF, "libbpf forgets the line info")
	require.NoError(t, p.Unload(), "unloading again does nothing")

	pinned, err := libbpf.OpenProgramPinned(pin)
	require.NoError(t, err)
	defer pinned.Close()
	res, err := pinned.TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	require.NoError(t, err)
	assert.Equal(t, uint32(2), res.ReturnValue, "the pinned program still runs")
}

func TestProgramConfigOnClosedAndStandalonePrograms(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "xdp")
	p := program(t, obj, "xdp_mark")
	alone, err := libbpf.OpenProgramID(p.ID())
	require.NoError(t, err)
	defer alone.Close()
	assert.ErrorIs(t, alone.SetLogLevel(1), unix.EOPNOTSUPP)
	assert.ErrorIs(t, alone.Unload(), unix.EOPNOTSUPP)
	assert.EqualError(t, alone.Unload(), "Program.Unload program xdp_mark: program opened without an object: operation not supported")
	_, err = alone.FuncInfo()
	assert.ErrorIs(t, err, unix.EOPNOTSUPP)
	assert.Nil(t, alone.Instructions())

	require.NoError(t, obj.Close())
	for op, err := range map[string]error{"Program.SetFlags": p.SetFlags(0), "Program.SetLogSize": p.SetLogSize(4096), "Program.Unload": p.Unload()} {
		assert.True(t, errors.Is(err, libbpf.ErrClosed), "%v", err)
		assert.EqualError(t, err, op+" program xdp_mark: libbpf: use of closed handle")
	}
	_, err = p.LineInfo()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Empty(t, p.Log())
	assert.Zero(t, p.InstructionCount())
}
