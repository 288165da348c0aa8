package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/libbpf-go/libbpf-go/binding/internal/privilege"

	"golang.org/x/sys/unix"
)

// ErrNotSupported is wrapped by the error of a feature probe when the
// running kernel lacks the feature: it is too old, built without the
// option, or its policy refuses the feature. Such errors also satisfy
// errors.Is(err, errors.ErrUnsupported).
var ErrNotSupported = fmt.Errorf("libbpf: not supported by the running kernel: %w", errors.ErrUnsupported)

// errENOTSUPP is the kernel-internal ENOTSUPP (524), which bpf(2) returns
// for some unsupported requests (for example a BPF trampoline the
// architecture or configuration cannot build).
const errENOTSUPP = unix.Errno(524)

// The errors of the probes are OpErrors whose Op is the probe called,
// Subject what it probes (the argument, or the feature: "program type
// kprobe", "fentry programs"), Call the libbpf function or system call
// whose answer decided, and Err ErrNotSupported (with the errno the kernel
// gave, when it gave one) or the error that kept the probe from an
// answer.

// probeResult turns the return value of fn, one of libbpf's probe
// functions (1: supported, 0: not supported, negative: error), into the
// error of op on what.
func probeResult(op, what, fn string, ret C.int) error {
	switch {
	case ret > 0:
		return nil
	case ret == 0:
		return opError(op, what, fn, ErrNotSupported)
	default:
		return opError(op, what, fn, errnoErr(ret))
	}
}

// ProbeProgramType reports whether the running kernel can load programs of
// type t, by loading a trivial one (libbpf_probe_bpf_prog_type). It returns
// nil when it can, an error wrapping ErrNotSupported when it cannot, and
// any other error (wrapping the errno) when the probe itself failed, for
// example for lack of privileges. Program types appeared over many kernel
// versions (BPF_PROG_TYPE_TRACING in 5.5, BPF_PROG_TYPE_LSM in 5.7, ...).
func ProbeProgramType(t ProgramType) error {
	return probeProgramType("ProbeProgramType", t)
}

// probeProgramType is ProbeProgramType for op, the probe called.
func probeProgramType(op string, t ProgramType) error {
	// No options: libbpf's opts must be NULL.
	return probeResult(op, "program type "+t.String(), "libbpf_probe_bpf_prog_type",
		C.libbpf_probe_bpf_prog_type(C.enum_bpf_prog_type(t), nil))
}

// ProbeMapType reports whether the running kernel can create maps of type
// t, by creating a small one (libbpf_probe_bpf_map_type). The result is as
// for ProbeProgramType: nil, ErrNotSupported or another error. Map types
// appeared over many kernel versions (BPF_MAP_TYPE_RINGBUF in 5.8, ...).
func ProbeMapType(t MapType) error {
	// No options: libbpf's opts must be NULL.
	return probeResult("ProbeMapType", "map type "+t.String(), "libbpf_probe_bpf_map_type",
		C.libbpf_probe_bpf_map_type(C.enum_bpf_map_type(t), nil))
}

// ProbeHelper reports whether programs of type t may call the BPF helper
// function helper (a value of enum bpf_func_id, such as 14 for
// bpf_get_current_pid_tgid) on the running kernel, by loading a program
// that calls it (libbpf_probe_bpf_helper). The result is as for
// ProbeProgramType; when t itself is not supported the error says so.
func ProbeHelper(t ProgramType, helper uint32) error {
	// No options: libbpf's opts must be NULL.
	return probeResult("ProbeHelper", fmt.Sprintf("helper %d in program type %s", helper, t), "libbpf_probe_bpf_helper",
		C.libbpf_probe_bpf_helper(C.enum_bpf_prog_type(t), C.enum_bpf_func_id(helper), nil))
}

// Where the kernel shows that it can create kprobes: the perf PMU libbpf
// prefers (kernel 4.17), or the legacy tracefs interface.
var kprobeInterfaces = []string{
	"/sys/bus/event_source/devices/kprobe/type",
	"/sys/kernel/tracing/kprobe_events",
	"/sys/kernel/debug/tracing/kprobe_events",
}

// ProbeKprobes reports whether kprobe and kretprobe programs can be
// attached on the running kernel (SEC("kprobe/..."), SEC("kretprobe/..."),
// SEC("ksyscall/...") with Program.Attach). libbpf cannot probe this
// itself, so ProbeKprobes checks that the kernel can load kprobe programs
// (ProbeProgramType) and that it offers a way to create kprobes: the
// kprobe perf PMU (/sys/bus/event_source/devices/kprobe, kernel 4.17) or
// tracefs's kprobe_events (which needs tracefs mounted). A kernel built
// without CONFIG_KPROBES has neither, and the error wraps ErrNotSupported.
func ProbeKprobes() error {
	const op = "ProbeKprobes"
	if err := probeProgramType(op, ProgramTypeKprobe); err != nil {
		return err
	}
	for _, path := range kprobeInterfaces {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
	}
	return opError(op, "kprobes", "", fmt.Errorf("none of %s exists (kernel without CONFIG_KPROBES?): %w",
		strings.Join(kprobeInterfaces, ", "), ErrNotSupported))
}

// kprobeMultiProbeSymbol is a kernel symbol that does not exist, used to
// tell a kernel that looks symbols up for kprobe_multi links from one that
// rejects the link outright.
const kprobeMultiProbeSymbol = "libbpf_go_no_such_symbol"

// ProbeKprobeMulti reports whether the running kernel supports kprobe_multi
// links (SEC("kprobe.multi/...") with Program.Attach; kernel 5.18, built
// with CONFIG_FPROBE). libbpf cannot probe this itself: ProbeKprobeMulti
// loads a trivial kprobe program with expected attach type
// BPF_TRACE_KPROBE_MULTI (bpf_prog_load) and asks for a kprobe_multi link
// on a symbol that does not exist (bpf_link_create). A kernel that looks
// the symbol up (ESRCH or ENOENT) supports such links; one that rejects the
// request (EINVAL before 5.18, EOPNOTSUPP without CONFIG_FPROBE) does not.
func ProbeKprobeMulti() error {
	return probeMultiLink("ProbeKprobeMulti", "kprobe_multi links", AttachTypeTraceKprobeMulti, kprobeMultiProbeSymbol,
		unix.ESRCH, unix.ENOENT)
}

// ProbeUprobeMulti reports whether the running kernel supports uprobe_multi
// links (Program.AttachUprobeMulti, SEC("uprobe.multi") and
// SEC("uretprobe.multi"); kernel 6.6, built with CONFIG_UPROBES). libbpf
// does not export its own probe: ProbeUprobeMulti loads a trivial kprobe
// program with expected attach type BPF_TRACE_UPROBE_MULTI
// (bpf_prog_load) and asks for a uprobe_multi link on the directory "/"
// (bpf_link_create). A kernel that gets as far as checking the file (EBADF)
// supports such links; one that rejects the request (EINVAL) does not.
func ProbeUprobeMulti() error {
	return probeMultiLink("ProbeUprobeMulti", "uprobe_multi links (kernel 6.6)", AttachTypeTraceUprobeMulti, "/", unix.EBADF)
}

// ProbeUprobeSession reports whether the running kernel supports uprobe
// session links (UprobeMultiOptions.Session, SEC("uprobe.session"); kernel
// 6.13), as ProbeUprobeMulti does for attach type
// BPF_TRACE_UPROBE_SESSION.
func ProbeUprobeSession() error {
	return probeMultiLink("ProbeUprobeSession", "uprobe session links (kernel 6.13)", AttachTypeTraceUprobeSession, "/", unix.EBADF)
}

// probeMultiLink probes the multi-probe links of attach type at: it loads
// a trivial kprobe program of that expected attach type and asks for a
// link on target, a kernel symbol or a file that the kernel refuses. The
// errnos in looked say that the kernel got as far as looking the target
// up, so it has such links. Its errors are the OpErrors of op on what.
func probeMultiLink(op, what string, at AttachType, target string, looked ...unix.Errno) error {
	fd, err := loadTrivialProgram(op, what, ProgramTypeKprobe, at, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	cTarget := C.CString(target)
	defer freeCString(cTarget)
	// cTarget is C memory; the glue returns a link fd or a negative errno.
	ret := C.lbg_link_create_multi(C.int(fd), C.enum_bpf_attach_type(at), cTarget)
	if ret >= 0 {
		unix.Close(int(ret))
		return nil
	}
	errno := unix.Errno(-ret)
	switch {
	case slices.Contains(looked, errno):
		return nil
	case errno == unix.EINVAL, errno == unix.EOPNOTSUPP, errno == errENOTSUPP, errno == unix.EPERM:
		return opError(op, what, "bpf_link_create", refusal(errno))
	default:
		return opError(op, what, "bpf_link_create", errno)
	}
}

// tracingProbeFunction is the kernel function ProbeTracing loads its fentry
// program for: a global function in every kernel with BPF and networking,
// meant for such tests.
const tracingProbeFunction = "bpf_fentry_test1"

// ProbeTracing reports whether the running kernel loads fentry programs
// (BPF_PROG_TYPE_TRACING with BPF_TRACE_FENTRY, kernel 5.5, which needs
// BTF; fexit and fmod_ret use the same machinery). libbpf cannot probe
// this itself: ProbeTracing looks up the BTF id of bpf_fentry_test1
// (libbpf_find_vmlinux_btf_id) and loads a trivial fentry program for it
// (bpf_prog_load). A missing function or BTF, or a refused load (EINVAL,
// EPERM, ENOTSUPP, EOPNOTSUPP; some kernels refuse tracing programs by
// policy even to root) give an error wrapping ErrNotSupported. It does
// not attach the program.
func ProbeTracing() error {
	return probeBTFProgram("ProbeTracing", "fentry programs", tracingProbeFunction, ProgramTypeTracing, AttachTypeTraceFentry)
}

// lsmProbeHook is the LSM hook ProbeLSM loads its program for.
const lsmProbeHook = "file_open"

// lsmList is the securityfs file listing the active Linux security modules.
const lsmList = "/sys/kernel/security/lsm"

// ProbeLSM reports whether BPF LSM programs (BPF_PROG_TYPE_LSM, kernel 5.7,
// built with CONFIG_BPF_LSM) can be loaded and take effect on the running
// kernel. libbpf cannot probe this itself: ProbeLSM looks up the BTF id of
// the file_open hook (libbpf_find_vmlinux_btf_id), loads a trivial LSM
// program for it (bpf_prog_load) and then checks that "bpf" is among the
// active security modules listed in /sys/kernel/security/lsm: without it
// (the lsm= boot parameter decides) the kernel loads and attaches LSM
// programs but never runs them. A refused load or an inactive BPF LSM give
// an error wrapping ErrNotSupported; an unreadable list (securityfs not
// mounted) gives another error.
func ProbeLSM() error {
	const op, what = "ProbeLSM", "LSM programs"
	if err := probeBTFProgram(op, what, lsmProbeHook, ProgramTypeLSM, AttachTypeLSMMAC); err != nil {
		return err
	}
	data, err := os.ReadFile(lsmList)
	if err != nil {
		return opError(op, what, "", fmt.Errorf("read the active security modules (is securityfs mounted?): %w", err))
	}
	active := strings.Split(strings.TrimSpace(string(data)), ",")
	if !slices.Contains(active, "bpf") {
		return opError(op, what, "", fmt.Errorf("the BPF LSM is not active (lsm=%s; add bpf to the lsm= boot parameter): %w",
			strings.Join(active, ","), ErrNotSupported))
	}
	return nil
}

// vmlinuxBTFID returns the BTF id of the kernel function or hook name for
// attach type t (libbpf_find_vmlinux_btf_id, which adds the prefix the
// attach type uses, such as bpf_lsm_). Missing BTF or a missing name wrap
// ErrNotSupported. Its errors are the OpErrors of op on what.
func vmlinuxBTFID(op, what, name string, t AttachType) (int, error) {
	cName := C.CString(name)
	defer freeCString(cName)
	// cName is C memory.
	ret := C.libbpf_find_vmlinux_btf_id(cName, C.enum_bpf_attach_type(t))
	if ret >= 0 {
		return int(ret), nil
	}
	call := "libbpf_find_vmlinux_btf_id " + name
	switch errno := unix.Errno(-ret); errno {
	case unix.ENOENT, unix.ESRCH:
		return 0, opError(op, what, call, fmt.Errorf("kernel BTF has no %s: %w: %w", name, errno, ErrNotSupported))
	default:
		return 0, opError(op, what, call, errnoErr(ret))
	}
}

// trivialProgram is "r0 = 0; exit" in BPF instructions (struct bpf_insn):
// BPF_MOV64_IMM(BPF_REG_0, 0) and BPF_EXIT_INSN().
var trivialProgram = [16]byte{0: 0xb7, 8: 0x95}

// loadTrivialProgram loads trivialProgram as a GPL program of type t with
// expected attach type at and, when not 0, the vmlinux BTF id btfID
// (bpf_prog_load). It returns the program's fd, which the caller closes.
// A refusal that means the kernel lacks the feature (EINVAL, EPERM,
// ENOTSUPP, EOPNOTSUPP, E2BIG) wraps ErrNotSupported. Its errors are the
// OpErrors of op on what.
func loadTrivialProgram(op, what string, t ProgramType, at AttachType, btfID int) (int, error) {
	license := C.CString("GPL")
	defer freeCString(license)
	opts := C.struct_bpf_prog_load_opts{
		sz:                   C.size_t(unsafe.Sizeof(C.struct_bpf_prog_load_opts{})),
		expected_attach_type: C.enum_bpf_attach_type(at),
		attach_btf_id:        C.__u32(btfID),
	}
	insns := trivialProgram
	// opts and insns are Go memory without Go pointers, used by libbpf only
	// during the call; license is C memory.
	ret := C.bpf_prog_load(C.enum_bpf_prog_type(t), nil, license,
		(*C.struct_bpf_insn)(unsafe.Pointer(&insns[0])), C.size_t(len(insns)/8), &opts)
	if ret >= 0 {
		return int(ret), nil
	}
	switch errno := unix.Errno(-ret); errno {
	case unix.EINVAL, unix.EPERM, unix.EOPNOTSUPP, errENOTSUPP, unix.E2BIG:
		return -1, opError(op, what, "bpf_prog_load", refusal(errno))
	default:
		return -1, opError(op, what, "bpf_prog_load", errnoErr(ret))
	}
}

// ProbeFreplace reports whether the running kernel loads extension
// programs (BPF_PROG_TYPE_EXT, the SEC("freplace") programs of
// Program.AttachFreplace; kernel 5.6, which needs BTF). libbpf's own probe
// stops short of a real target: ProbeFreplace loads the BTF of a global
// function int lbg_probe(void) (bpf_btf_load), a socket filter program
// whose main function calls it (bpf_prog_load) and a trivial extension
// program replacing it (bpf_prog_load). A refused load (EINVAL, EPERM,
// ENOTSUPP, EOPNOTSUPP; some kernels refuse extensions by policy even to
// root, as they do tracing programs) gives an error wrapping
// ErrNotSupported. It does not attach the extension.
func ProbeFreplace() error {
	const op, what = "ProbeFreplace", "freplace (extension) programs"
	// probeFuncBTF is Go memory without pointers, read during the call;
	// the kernel copies it.
	btfFD := C.bpf_btf_load(unsafe.Pointer(&probeFuncBTF[0]), C.size_t(len(probeFuncBTF)), nil)
	if btfFD < 0 {
		errno := unix.Errno(-btfFD)
		if errno == unix.EINVAL || errno == unix.EPERM {
			return opError(op, what, "bpf_btf_load", refusal(errno))
		}
		return opError(op, what, "bpf_btf_load", errnoErr(btfFD))
	}
	defer unix.Close(int(btfFD))
	target, err := loadProbeFuncs(op, what, ProgramTypeSocketFilter, btfFD, 0, probeTarget[:],
		[]probeFunc{{0, probeMainID}, {2, probeFuncID}})
	if err != nil {
		return err
	}
	defer unix.Close(target)
	ext, err := loadProbeFuncs(op, what, ProgramTypeExt, btfFD, target, trivialProgram[:],
		[]probeFunc{{0, probeFuncID}})
	if err != nil {
		return err
	}
	unix.Close(ext)
	return nil
}

// probeFuncBTF is the raw BTF of ProbeFreplace (little-endian, as on the
// architectures the binding builds for): [1] INT "int" size 4 signed, [2]
// FUNC_PROTO returning [1] without parameters, [3] FUNC "lbg_probe" of
// type [2] with global linkage, [4] FUNC "main" of type [2] with static
// linkage, and their names.
var probeFuncBTF = []byte{
	// struct btf_header: magic 0xeb9f, version 1, flags 0, hdr_len 24,
	// type_off 0, type_len 52, str_off 52, str_len 20.
	0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 52, 0, 0, 0, 52, 0, 0, 0, 20, 0, 0, 0,
	// [1] name_off 1, info BTF_KIND_INT<<24, size 4, encoding signed 32 bits.
	1, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 32, 0, 0, 1,
	// [2] name_off 0, info BTF_KIND_FUNC_PROTO<<24 with vlen 0, type 1.
	0, 0, 0, 0, 0, 0, 0, 13, 1, 0, 0, 0,
	// [3] name_off 5, info BTF_KIND_FUNC<<24 with linkage BTF_FUNC_GLOBAL, type 2.
	5, 0, 0, 0, 1, 0, 0, 12, 2, 0, 0, 0,
	// [4] name_off 15, info BTF_KIND_FUNC<<24 with linkage BTF_FUNC_STATIC, type 2.
	15, 0, 0, 0, 0, 0, 0, 12, 2, 0, 0, 0,
	0, 'i', 'n', 't', 0, 'l', 'b', 'g', '_', 'p', 'r', 'o', 'b', 'e', 0, 'm', 'a', 'i', 'n', 0,
}

// BTF ids of the functions in probeFuncBTF.
const (
	probeFuncID = 3
	probeMainID = 4
)

// probeTarget is, in BPF instructions, a main function "call lbg_probe;
// exit" followed by the global function lbg_probe, "r0 = 0; exit", at
// instruction 2: BPF_CALL with src_reg BPF_PSEUDO_CALL and imm 1 (relative
// to the next instruction), BPF_EXIT_INSN, BPF_MOV64_IMM(BPF_REG_0, 0),
// BPF_EXIT_INSN. A global subprogram, as 6.12 refused to extend a main
// function ("Cannot replace static functions") where 6.1 did not.
var probeTarget = [32]byte{0: 0x85, 1: 0x10, 4: 1, 8: 0x95, 16: 0xb7, 24: 0x95}

// probeFunc is a struct bpf_func_info: a function's first instruction and
// BTF id.
type probeFunc struct{ insnOff, typeID uint32 }

// loadProbeFuncs loads insns as a GPL program of type t whose functions
// funcs describes with the BTF btfFD and, when targetFD is not 0, which
// extends the function probeFuncID of the program targetFD
// (bpf_prog_load). It returns the program's fd, which the caller closes.
// Refusals are as for loadTrivialProgram; its errors are the OpErrors of
// op on what.
func loadProbeFuncs(op, what string, t ProgramType, btfFD C.int, targetFD int, insns []byte, funcs []probeFunc) (int, error) {
	license := C.CString("GPL")
	defer freeCString(license)
	// The options, Go memory, may hold only C pointers: func_info is C
	// memory, read by the kernel during the call.
	info := (*[2]C.struct_bpf_func_info)(C.calloc(2, C.sizeof_struct_bpf_func_info))
	if info == nil {
		return -1, opError(op, what, "calloc", unix.ENOMEM)
	}
	defer C.free(unsafe.Pointer(info))
	for i, f := range funcs {
		info[i].insn_off, info[i].type_id = C.__u32(f.insnOff), C.__u32(f.typeID)
	}
	opts := C.struct_bpf_prog_load_opts{
		sz:                 C.size_t(unsafe.Sizeof(C.struct_bpf_prog_load_opts{})),
		prog_btf_fd:        C.__u32(btfFD),
		func_info:          unsafe.Pointer(info),
		func_info_cnt:      C.__u32(len(funcs)),
		func_info_rec_size: C.sizeof_struct_bpf_func_info,
	}
	if targetFD != 0 {
		opts.attach_prog_fd = C.__u32(targetFD)
		opts.attach_btf_id = probeFuncID
	}
	// opts and insns are Go memory without Go pointers, used only during
	// the call; license is C memory.
	ret := C.bpf_prog_load(C.enum_bpf_prog_type(t), nil, license,
		(*C.struct_bpf_insn)(unsafe.Pointer(&insns[0])), C.size_t(len(insns)/8), &opts)
	if ret >= 0 {
		return int(ret), nil
	}
	call := "bpf_prog_load type " + t.String()
	switch errno := unix.Errno(-ret); errno {
	case unix.EINVAL, unix.EPERM, unix.EOPNOTSUPP, errENOTSUPP, unix.E2BIG:
		return -1, opError(op, what, call, refusal(errno))
	default:
		return -1, opError(op, what, call, errnoErr(ret))
	}
}

// ProbeIterTarget reports whether the running kernel loads BPF iterator
// programs for target, the name after "iter/" in SEC("iter/task"),
// SEC("iter/bpf_map_elem") and the like (BPF iterators: kernel 5.8; their
// targets came over later versions: bpf_map_elem 5.9, bpf_sk_storage_map
// 5.9, sockmap 5.10, task_vma 5.12, ksym 6.0, cgroup 6.1). libbpf cannot
// probe this itself: ProbeIterTarget looks up the BTF id of the kernel
// function bpf_iter_<target> (libbpf_find_vmlinux_btf_id with
// BPF_TRACE_ITER) and loads a trivial iterator program for it
// (bpf_prog_load); it does not attach it. A target the kernel does not
// have, or a refused load, gives an error wrapping ErrNotSupported.
//
// Some kernels refuse some targets by policy even to a process with every
// BPF capability. A custom 6.18 build seen on cloud machines refuses the
// three map-element targets, whose programs read and write map memory
// through the context (bpf_map_elem, bpf_sk_storage_map, sockmap), with
// EPERM before verifying any instruction, while loading all others; it
// runs with lockdown integrity and without CAP_SYS_RESOURCE, but neither
// is the cause: Debian's 6.1 and 7.2 kernels under the same lockdown mode
// and capabilities load them. The error then says that the process has
// the capabilities, and the lockdown mode. An EPERM when the process lacks
// CAP_BPF or CAP_PERFMON (and CAP_SYS_ADMIN) is a missing privilege, not a
// missing feature, and does not wrap ErrNotSupported.
func ProbeIterTarget(target string) error {
	const op = "ProbeIterTarget"
	what := fmt.Sprintf("iterator target %q", target)
	if target == "" || strings.ContainsAny(target, "/\x00") {
		return opError(op, what, "", fmt.Errorf("not a target name: %w", unix.EINVAL))
	}
	// libbpf adds the prefix bpf_iter_ for BPF_TRACE_ITER.
	return probeBTFProgram(op, what, target, ProgramTypeTracing, AttachTypeTraceIter)
}

// probeBTFProgram loads a trivial program of type t and attach type at for
// the kernel function, hook or iterator name (vmlinuxBTFID,
// loadTrivialProgram) and closes it. Its errors are the OpErrors of op on
// what.
func probeBTFProgram(op, what, name string, t ProgramType, at AttachType) error {
	id, err := vmlinuxBTFID(op, what, name, at)
	if err != nil {
		return err
	}
	fd, err := loadTrivialProgram(op, what, t, at, id)
	if err != nil {
		return err
	}
	unix.Close(fd)
	return nil
}

// refusal is the cause of the error of a probe whose system call the
// kernel refused with errno (the caller names the call). EINVAL, EOPNOTSUPP,
// ENOTSUPP and E2BIG mean the kernel lacks the feature. EPERM means
// either that the process lacks a capability, which is not a missing
// feature (so that a test that relies on the probe fails instead of
// skipping), or, when it has them all, that the kernel's policy refuses
// the feature, which is reported as not supported, with the capabilities
// and the lockdown mode as the reason.
func refusal(errno unix.Errno) error {
	if errno != unix.EPERM {
		return fmt.Errorf("%w: %w", errno, ErrNotSupported)
	}
	const need = privilege.BPF | privilege.Perfmon
	state := privilege.Current()
	why := privilege.Explain(need, state)
	if len(state.Missing(need)) > 0 || !state.InitUserNS {
		return fmt.Errorf("%w: %s", errno, why)
	}
	return fmt.Errorf("%w (%s): refused by this kernel's policy: %w", errno, why, ErrNotSupported)
}
