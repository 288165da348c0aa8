// Package libbpf is a thin cgo binding over upstream libbpf (release 1.7.0,
// linked statically by default): it opens BPF ELF objects compiled by
// clang, loads them into the kernel, attaches their programs and works
// with their maps and global variables, keeping libbpf's names and
// semantics. The package lives in the folder binding/ of the module; import
// it as
//
//	import libbpf "github.com/libbpf-go/libbpf-go/binding"
//
// Every item names the libbpf function or system call it makes, the kernel
// version it needs and the errnos it passes on.
//
// # Life cycle
//
// [OpenFile] or [OpenMem] parses an object (bpf_object__open_*), or a
// generated skeleton does (cmd/libbpf-skel). Before [Object.Load],
// configure it: the setters of [Program] (SetType, SetAutoload,
// SetAttachTarget, ...), of [Map] (SetMaxEntries, SetPinPath, ReuseFD,
// ...) and [Object.SetGlobal]. Load creates the maps and loads the
// programs (bpf_object__load); a program the kernel rejects gives a
// [*VerifierError] with the verifier log.
//
// Then attach programs: where their section name says, with
// [Program.Attach], or all at once as a skeleton would, with
// [Object.AttachAll]; or explicitly, with the Program.Attach* method of the
// hook (kprobes, uprobes and USDT, tracepoints, perf events, XDP, tc and
// tcx, netkit, cgroups, network namespaces, iterators, sockmaps,
// netfilter, freplace; [Map.AttachStructOps] for struct_ops), each of
// which returns a [Link].
//
// Use the maps ([Map.Lookup], [Map.Update], [Map.Delete], [Map.Iterate],
// the batch calls) and global variables ([Object.Global]). Map element
// operations make the same single bpf(2) call as libbpf's bpf_map_*_elem
// functions, from Go, without a cgo transition. Maps can also be used with
// Go types ([TypedMap], [PerCPUTypedMap]), as maps of maps
// ([Map.SetInnerMap] before Load), and, for BPF_F_MMAPABLE arrays and the
// .data and .bss sections, as memory shared with the programs
// ([Map.Memory]). Events come through [RingBuffer], [PerfBuffer] and, the
// other way, [UserRingBuffer].
//
// Some kernel objects can be used without an Object: [OpenMapPinned] and
// [OpenMapID] open a map (closed with [Map.Close]), [OpenProgramPinned]
// and [OpenProgramID] a program (closed with [Program.Close]), [OpenLink]
// and [OpenLinkID] a link, [ListPins] lists a bpffs folder, and
// [LoadKernelBTF] and [LoadBTF] parse BTF (closed with [BTF.Close]).
//
// Programs and Maps belong to their Object and are valid until
// [Object.Close]; afterwards their methods return errors wrapping
// [ErrClosed] and their plain getters return zero values ("" for names, -1
// for file descriptors); the memory Map.Memory returned is unmapped and
// must not be used. Links are independent of the Object, as in libbpf:
// closing the Object leaves them attached, and a Link keeps its program in
// the kernel until the Link is closed. [XDPAttach] is the exception: it
// attaches through netlink without a Link, and the program stays attached
// to the device until [XDPDetach]. [Program.AttachTC] is another: it adds a
// tc filter through netlink (on a hook made with [TCHook.Create]) and
// returns a [TCAttachment], which stays until [TCAttachment.Detach].
// [Map.AttachProgram] attaches an sk_skb or sk_msg program to a sockmap or
// sockhash without a Link, until [Map.DetachProgram] or the map's end.
//
// # No finalizers
//
// Nothing in this package uses a garbage-collector finalizer. A Link that
// is dropped without Close stays attached until the process exits, and an
// Object dropped without Close keeps its memory and kernel objects until
// then, exactly as in C: calling Close is the caller's job, usually with
// defer. To leave a program attached after the process exits, pin its Link
// ([Link.Pin]): Close then leaves the pinned link attached.
// [Link.Disconnect] before Close keeps a link that is not pinned, or an
// attachment that cannot be pinned, attached for the rest of the process's
// life.
//
// # Errors
//
// Every error a function or method of the package returns is an
// [*OpError] with one form, "Op Subject: Call: cause", as net.OpError's:
//
//	Map.Lookup map counts: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory
//
// the Go operation called, what it was called on (map counts, program
// handle_exec, link of program handle_exec, ring buffer events, or a
// path), the libbpf function or system call that failed with what it was
// given (none when the method refused before calling anything), and the
// cause. The cause wraps the [syscall.Errno] the kernel or libbpf
// reported, so errors.Is(err, os.ErrNotExist) or errors.Is(err,
// syscall.EPERM) work as for system calls. Sizes are checked in Go first
// ([ErrInvalidSize]), unknown names give [ErrNotFound] (which also matches
// [os.ErrNotExist]), pin paths outside bpffs give [ErrNotBPFFS], malformed
// ELF data given to OpenFile or OpenMem gives [ErrInvalidObject], and any
// use of a closed or nil handle gives [ErrClosed] (which also matches
// [os.ErrClosed]). Close is idempotent and returns nil when called again.
//
// A permission error (EPERM, or the EACCES of a perf event) from Load, an
// attach method or opening a pinned object or an ID says what is missing,
// read when it happens: the capabilities the process lacks (CAP_BPF, plus
// CAP_PERFMON for tracing programs and CAP_NET_ADMIN for networking ones,
// or CAP_SYS_ADMIN), a user namespace whose capabilities do not count, or
// kernel lockdown; errors.Is(err, syscall.EPERM) and errors.Is(err,
// os.ErrPermission) still hold. Attaching a program before Load says that
// the object is not loaded.
//
// # Concurrency
//
// Each Object has a read-write lock. The methods of Object, Program and
// Map take it for reading, so once loaded, map operations, global variable
// access and attaching are safe from many goroutines at once. Load, Close,
// [Map.ReuseFD], [Map.SetValueSize], [Map.SetInnerMap], [Map.Pin] and
// [Map.Unpin] take it for writing: Close waits for running operations and
// makes later ones fail with ErrClosed, so closing while other goroutines
// use the maps is safe. Configuration before Load (the setters listed
// above) should happen from one goroutine: libbpf's setters are not
// synchronized against each other. Each Link has its own lock and is safe
// for concurrent use. Values read and written through global variables are
// plain memory shared with the BPF programs: SetGlobal and Global are not
// atomic with respect to the programs or each other.
//
// # Logging
//
// libbpf's messages go to log/slog: to slog.Default() unless [SetLogger]
// chooses another logger. With the default handler, libbpf's warnings and
// info messages therefore appear on stderr (through the log package), as
// with C libbpf; SetLogger(nil) silences them and a logger with its own
// handler and level redirects or filters them. The package installs
// libbpf's print callback (libbpf_set_print) once, at initialization;
// other code in the process must not replace it.
//
// # Building
//
// The package needs libbpf 1.7.0 or newer, libelf and zlib. In a module
// that uses it, run cmd/libbpf-setup once (see the README); in a clone of
// the repository, `eval "$(make -s env)"`. With the libbpf_nopkgconfig
// build tag the flags come from CGO_CFLAGS and CGO_LDFLAGS instead of
// pkg-config. Most operations need root or CAP_BPF (plus CAP_PERFMON for
// tracing) and a kernel with BTF.
package libbpf
