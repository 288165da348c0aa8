package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Each group of exported functions and methods of objects, globals,
// BTF, the linker, the system views, tokens and probes fails with an
// *OpError that names the method called, what it was called on, the call
// that failed (or none) and keeps the cause for errors.Is.
func TestObjectOpErrors(t *testing.T) {
	requireKernel(t)
	tmp := t.TempDir()
	missing := filepath.Join(tmp, "missing.bpf.o")

	opened := openObject(t, "xdp", nil)
	loaded := loadObject(t, "xdp")
	closed := openObject(t, "xdp", nil)
	closedBTF, err := closed.BTF()
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	var nilObj *libbpf.Object
	counter := loadObject(t, "counter")
	objBTF, err := loaded.BTF()
	require.NoError(t, err)
	loadedData := objMap(t, loaded, ".data")
	counts := objMap(t, counter, "counts")
	linker, err := libbpf.NewLinker("")
	require.NoError(t, err)
	require.NoError(t, linker.Close())
	beyond := libbpf.TypeID(objBTF.TypeCount())
	noPins := filepath.Join(bpffsDir(t), "none")

	// A query of a descriptor that is not open: kernel 6.18 looks the
	// target up first (EBADF); 6.1 answers EINVAL (seen in its guest).
	queryCause := error(syscall.EBADF)
	if !kernelAtLeast(t, 6, 18) {
		queryCause = syscall.EINVAL
	}
	for _, c := range []struct {
		name              string
		err               func() error
		op, subject, call string
		cause             error
	}{
		{"OpenFile missing", func() error { _, err := libbpf.OpenFile(missing, nil); return err },
			"OpenFile", fmt.Sprintf("%q", missing), "open", syscall.ENOENT},
		{"OpenFile folder", func() error { _, err := libbpf.OpenFile(tmp, nil); return err },
			"OpenFile", fmt.Sprintf("%q", tmp), "read", syscall.EISDIR},
		{"OpenFile empty path", func() error { _, err := libbpf.OpenFile("", nil); return err },
			"OpenFile", `""`, "", syscall.EINVAL},
		{"OpenMem empty", func() error { _, err := libbpf.OpenMem("e", nil, nil); return err },
			"OpenMem", `"e"`, "", syscall.EINVAL},
		{"OpenMem not ELF", func() error { _, err := libbpf.OpenMem("j", []byte("junk"), nil); return err },
			"OpenMem", `"j"`, "", libbpf.ErrInvalidObject},
		{"Load twice", loaded.Load, "Object.Load", "object xdp", "", syscall.EINVAL},
		{"Load closed", closed.Load, "Object.Load", "object xdp", "", libbpf.ErrClosed},
		{"Load nil", nilObj.Load, "Object.Load", "object", "", os.ErrClosed},
		{"Program unknown", func() error { _, err := opened.Program("nope"); return err },
			"Object.Program", "object xdp", "", os.ErrNotExist},
		{"Map unknown", func() error { _, err := opened.Map("nope"); return err },
			"Object.Map", "object xdp", "", libbpf.ErrNotFound},
		{"BTF closed", func() error { _, err := closed.BTF(); return err },
			"Object.BTF", "object xdp", "", libbpf.ErrClosed},
		{"GlobalSize unknown", func() error { _, err := opened.GlobalSize("nope"); return err },
			"Object.GlobalSize", "object xdp", "", libbpf.ErrNotFound},
		{"Global wrong size", func() error { return opened.Global("runs", make([]byte, 2)) },
			"Object.Global", "object xdp", "", libbpf.ErrInvalidSize},
		{"SetGlobal read-only", func() error { return loaded.SetGlobal("verdict", u32(1)) },
			"Object.SetGlobal", "object xdp", "", syscall.EPERM},
		{"Global closed", func() error { return closed.Global("runs", make([]byte, 8)) },
			"Object.Global", "object xdp", "", libbpf.ErrClosed},
		{"PinMaps not loaded", func() error { return opened.PinMaps(tmp) },
			"Object.PinMaps", "object xdp", "", syscall.EBADF},
		{"PinMaps outside bpffs", func() error { return loaded.PinMaps(tmp) },
			"Object.PinMaps", "object xdp", "", libbpf.ErrNotBPFFS},
		{"Pin empty folder", func() error { return loaded.Pin("") },
			"Object.Pin", "object xdp", "", syscall.EINVAL},
		{"UnpinPrograms missing", func() error { return loaded.UnpinPrograms(noPins) },
			"Object.UnpinPrograms", "object xdp", fmt.Sprintf("bpf_object__unpin_programs %q", noPins), syscall.ENOENT},
		{"AttachAll not loaded", func() error { _, err := opened.AttachAll(); return err },
			"Object.AttachAll", "object xdp", "", syscall.EINVAL},
		{"InitialValue loaded", func() error { _, err := loadedData.InitialValue(); return err },
			"Map.InitialValue", "map " + loadedData.Name(), "", syscall.EBUSY},
		{"InitialValue not data", func() error { _, err := objMap(t, openObject(t, "counter", nil), "counts").InitialValue(); return err },
			"Map.InitialValue", "map counts", "bpf_map__initial_value", syscall.EINVAL},
		{"AttachStructOps array", func() error { _, err := counts.AttachStructOps(); return err },
			"Map.AttachStructOps", "map counts", "", syscall.EINVAL},
		{"AttachSkeleton not loaded", func() error { _, err := program(t, opened, "xdp_mark").AttachSkeleton(); return err },
			"Program.AttachSkeleton", "program xdp_mark", "", syscall.EINVAL},
		{"BindMap nil map", func() error { return program(t, loaded, "xdp_mark").BindMap(nil) },
			"Program.BindMap", "program xdp_mark", "", libbpf.ErrClosed},
		{"Linker closed", func() error { _, err := linker.Finalize(); return err },
			"Linker.Finalize", "linker to memory", "", libbpf.ErrClosed},
		{"NewToken missing", func() error { _, err := libbpf.NewToken(missing); return err },
			"NewToken", fmt.Sprintf("%q", missing), "open", syscall.ENOENT},
		{"LoadBTF empty path", func() error { _, err := libbpf.LoadBTF(""); return err },
			"LoadBTF", `""`, "", syscall.EINVAL},
		{"LoadKernelBTFByID missing", func() error { _, err := libbpf.LoadKernelBTFByID(0x7ffffff0, nil); return err },
			"LoadKernelBTFByID", "id 2147483632", "btf__load_from_kernel_by_id", syscall.ENOENT},
		{"LoadModuleBTF empty name", func() error { _, err := libbpf.LoadModuleBTF("", nil); return err },
			"LoadModuleBTF", `module ""`, "", syscall.EINVAL},
		{"BTF.TypeByName unknown", func() error { _, err := objBTF.TypeByName("lbg_nope"); return err },
			"BTF.TypeByName", "BTF of object xdp", "btf__find_by_name", libbpf.ErrNotFound},
		{"BTF.TypeByNameKind unknown", func() error { _, err := objBTF.TypeByNameKind("lbg_nope", libbpf.BTFKindStruct); return err },
			"BTF.TypeByNameKind", "BTF of object xdp", "btf__find_by_name_kind", libbpf.ErrNotFound},
		{"BTF.TypeSize beyond", func() error { _, err := objBTF.TypeSize(beyond); return err },
			"BTF.TypeSize", "BTF of object xdp", "", syscall.EINVAL},
		{"BTF.Type beyond", func() error { _, err := objBTF.Type(beyond); return err },
			"BTF.Type", "BTF of object xdp", "", syscall.EINVAL},
		{"BTF.DumpC beyond", func() error { _, err := objBTF.DumpC(beyond); return err },
			"BTF.DumpC", "BTF of object xdp", "", syscall.EINVAL},
		{"BTF.DumpCDecl beyond", func() error { _, err := objBTF.DumpCDecl(beyond, "x"); return err },
			"BTF.DumpCDecl", "BTF of object xdp", "", syscall.EINVAL},
		{"BTF.RawData closed", func() error { _, err := closedBTF.RawData(); return err },
			"BTF.RawData", "BTF of object xdp", "", libbpf.ErrClosed},
		{"BTF.Types closed", func() error { _, err := closedBTF.Types(); return err },
			"BTF.Types", "BTF of object xdp", "", libbpf.ErrClosed},
		{"BTFInfoByID missing", func() error { _, err := libbpf.BTFInfoByID(0x7ffffff0); return err },
			"BTFInfoByID", "id 2147483632", "bpf_btf_get_fd_by_id", syscall.ENOENT},
		{"OpenMapIDReadOnly missing", func() error { _, err := libbpf.OpenMapIDReadOnly(0x7ffffff0); return err },
			"OpenMapIDReadOnly", "id 2147483632", "bpf_map_get_fd_by_id_opts BPF_F_RDONLY", syscall.ENOENT},
		{"TaskFDQuery bad fd", func() error { _, err := libbpf.TaskFDQuery(os.Getpid(), 1<<20); return err },
			"TaskFDQuery", fmt.Sprintf("pid %d fd %d", os.Getpid(), 1<<20), "bpf_task_fd_query", syscall.EBADF},
		{"QueryPrograms bad target", func() error {
			_, err := libbpf.QueryPrograms(1<<20, libbpf.AttachTypeCgroupInetIngress, 0)
			return err
		}, "QueryPrograms", fmt.Sprintf("target %d attach type %v", 1<<20, libbpf.AttachTypeCgroupInetIngress),
			"bpf_prog_query_opts", queryCause},
		{"ProbeIterTarget bad name", func() error { return libbpf.ProbeIterTarget("a/b") },
			"ProbeIterTarget", `iterator target "a/b"`, "", syscall.EINVAL},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			requireOpError(t, err, c.op, c.subject, c.call)
			assert.ErrorIs(t, err, c.cause)
		})
	}
}

// VerifierError reads on from the OpError of Object.Load that holds it,
// saying the program, the system call and the errno once each, and stays
// reachable with errors.As.
func TestVerifierErrorInOpError(t *testing.T) {
	verr := &libbpf.VerifierError{
		Program: "handle",
		Log:     "0: R1=ctx()\n1: r0 = *(u32 *)(r1 +0)\n\nR0 invalid mem access\nprocessed 2 insns\n",
		Err:     syscall.EACCES,
	}
	var err error = &libbpf.OpError{Op: "Object.Load", Subject: "object x", Call: "bpf_object__load", Err: verr}
	assert.EqualError(t, err, "Object.Load object x: bpf_object__load: program handle: bpf(BPF_PROG_LOAD): "+
		"permission denied: verifier log: 1: r0 = *(u32 *)(r1 +0) | R0 invalid mem access | processed 2 insns")
	var got *libbpf.VerifierError
	require.ErrorAs(t, err, &got)
	assert.Same(t, verr, got)
	assert.ErrorIs(t, err, syscall.EACCES)
	assert.EqualError(t, &libbpf.VerifierError{Program: "p", Err: syscall.EPERM},
		"program p: bpf(BPF_PROG_LOAD): operation not permitted", "no log, no log part")
}

// An object's BTF is named after the object, and fails with ErrClosed
// once the object is closed, with the same subject.
func TestObjectBTFClosedWithObject(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "xdp", nil)
	b, err := obj.BTF()
	require.NoError(t, err)
	id, err := b.TypeByName("xdp_md")
	require.NoError(t, err)
	require.NoError(t, obj.Close())

	_, err = b.TypeByName("xdp_md")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.EqualError(t, err, "BTF.TypeByName BTF of object xdp: libbpf: use of closed handle")
	_, err = b.TypeSize(id)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = b.DumpC(id)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Zero(t, b.TypeCount())
	assert.NoError(t, b.Close(), "an object's BTF belongs to the object")
}

// The kernel's BTF and BTF loaded by ID are named after where they come
// from, also in the errors of a split BTF whose base is closed.
func TestBTFSubjects(t *testing.T) {
	requireKernel(t)
	vmlinux, err := libbpf.LoadKernelBTF()
	require.NoError(t, err)
	defer vmlinux.Close()
	_, err = vmlinux.TypeByName("lbg_no_such_type")
	assert.EqualError(t, err, `BTF.TypeByName BTF vmlinux: btf__find_by_name: type "lbg_no_such_type": libbpf: not found`)
	_, err = vmlinux.TypeByName("")
	assert.EqualError(t, err, "BTF.TypeByName BTF vmlinux: empty name: invalid argument")

	var nilBTF *libbpf.BTF
	_, err = nilBTF.TypeByName("x")
	assert.EqualError(t, err, "BTF.TypeByName BTF: libbpf: use of closed handle")
}
