package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The system-wide views: every program, map, link and BTF object loaded
// in the kernel, as bpftool lists them. They need CAP_SYS_ADMIN.

// systemIDs walks the IDs with next, the libbpf function fn (one of the
// bpf_*_get_next_id functions), from the lowest up, until the kernel
// reports ENOENT. Its error is the OpError of op.
func systemIDs(op, fn string, next func(start C.__u32, id *C.__u32) C.int) ([]uint32, error) {
	var ids []uint32
	var id C.__u32
	for {
		// id is Go memory without Go pointers, written during the call.
		if ret := next(id, &id); ret < 0 {
			err := errnoErr(ret)
			if errors.Is(err, unix.ENOENT) {
				return ids, nil
			}
			return ids, opError(op, "", fmt.Sprintf("%s start_id %d", fn, id), err)
		}
		ids = append(ids, uint32(id))
	}
}

// ProgramIDs returns the IDs of every BPF program loaded in the system, in
// ascending order, with bpf_prog_get_next_id (BPF_PROG_GET_NEXT_ID, kernel
// 4.13, needs CAP_SYS_ADMIN: else EPERM). Programs come and go meanwhile:
// an ID may be gone by the time it is opened (OpenProgramID then fails
// with ENOENT).
func ProgramIDs() ([]uint32, error) {
	return progIDs("ProgramIDs")
}

// progIDs is ProgramIDs for op, the exported function called.
func progIDs(op string) ([]uint32, error) {
	return systemIDs(op, "bpf_prog_get_next_id", func(start C.__u32, id *C.__u32) C.int {
		return C.bpf_prog_get_next_id(start, id)
	})
}

// MapIDs returns the IDs of every BPF map in the system with
// bpf_map_get_next_id (BPF_MAP_GET_NEXT_ID, kernel 4.13); see ProgramIDs.
func MapIDs() ([]uint32, error) {
	return mapIDs("MapIDs")
}

// mapIDs is MapIDs for op, the exported function called.
func mapIDs(op string) ([]uint32, error) {
	return systemIDs(op, "bpf_map_get_next_id", func(start C.__u32, id *C.__u32) C.int {
		return C.bpf_map_get_next_id(start, id)
	})
}

// LinkIDs returns the IDs of every BPF link in the system with
// bpf_link_get_next_id (BPF_LINK_GET_NEXT_ID, kernel 5.8); see ProgramIDs.
func LinkIDs() ([]uint32, error) {
	return linkIDs("LinkIDs")
}

// linkIDs is LinkIDs for op, the exported function called.
func linkIDs(op string) ([]uint32, error) {
	return systemIDs(op, "bpf_link_get_next_id", func(start C.__u32, id *C.__u32) C.int {
		return C.bpf_link_get_next_id(start, id)
	})
}

// BTFIDs returns the IDs of every BTF object loaded in the kernel (vmlinux,
// modules, programs' BTF) with bpf_btf_get_next_id (BPF_BTF_GET_NEXT_ID,
// kernel 5.4); see ProgramIDs.
func BTFIDs() ([]uint32, error) {
	return btfIDs("BTFIDs")
}

// btfIDs is BTFIDs for op, the exported function called.
func btfIDs(op string) ([]uint32, error) {
	return systemIDs(op, "bpf_btf_get_next_id", func(start C.__u32, id *C.__u32) C.int {
		return C.bpf_btf_get_next_id(start, id)
	})
}

// eachID opens every ID of ids with open (fn, a bpf_*_get_fd_by_id_opts
// call), passes the descriptor to read and closes it. IDs that went away
// between the walk and the open (ENOENT) are skipped. Its error is the
// OpError of op on the ID that failed.
func eachID(op, fn string, ids []uint32, open func(C.__u32, *C.struct_bpf_get_fd_by_id_opts) C.int, read func(C.int) error) error {
	// opts is Go memory without Go pointers, read during each call.
	var opts C.struct_bpf_get_fd_by_id_opts
	opts.sz = C.sizeof_struct_bpf_get_fd_by_id_opts
	for _, id := range ids {
		fd := open(C.__u32(id), &opts)
		if fd < 0 {
			err := errnoErr(fd)
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			return opError(op, fmt.Sprintf("id %d", id), fn, err)
		}
		err := read(fd)
		unix.Close(int(fd))
		if err != nil {
			return opError(op, fmt.Sprintf("id %d", id), "", err)
		}
	}
	return nil
}

// Programs returns what the kernel reports about every BPF program loaded
// in the system, in ID order: ProgramIDs, then for each
// bpf_prog_get_fd_by_id_opts (kernel 4.13) and bpf_prog_get_info_by_fd.
// Programs unloaded meanwhile are left out.
func Programs() ([]ProgramInfo, error) {
	const op = "Programs"
	ids, err := progIDs(op)
	if err != nil {
		return nil, err
	}
	var out []ProgramInfo
	err = eachID(op, "bpf_prog_get_fd_by_id_opts", ids,
		func(id C.__u32, o *C.struct_bpf_get_fd_by_id_opts) C.int { return C.bpf_prog_get_fd_by_id_opts(id, o) },
		func(fd C.int) error {
			info, err := programInfo(fd)
			out = append(out, info)
			return err
		})
	return out, err
}

// Maps returns what the kernel reports about every BPF map in the system,
// in ID order, with bpf_map_get_fd_by_id_opts and bpf_map_get_info_by_fd;
// see Programs.
func Maps() ([]MapInfo, error) {
	const op = "Maps"
	ids, err := mapIDs(op)
	if err != nil {
		return nil, err
	}
	var out []MapInfo
	err = eachID(op, "bpf_map_get_fd_by_id_opts", ids,
		func(id C.__u32, o *C.struct_bpf_get_fd_by_id_opts) C.int { return C.bpf_map_get_fd_by_id_opts(id, o) },
		func(fd C.int) error {
			info, err := mapInfo(fd)
			out = append(out, info)
			return err
		})
	return out, err
}

// Links returns what the kernel reports about every BPF link in the
// system, in ID order, with bpf_link_get_fd_by_id_opts (kernel 5.8) and
// bpf_link_get_info_by_fd, as Link.Info reports it; see Programs.
func Links() ([]LinkInfo, error) {
	const op = "Links"
	ids, err := linkIDs(op)
	if err != nil {
		return nil, err
	}
	var out []LinkInfo
	err = eachID(op, "bpf_link_get_fd_by_id_opts", ids,
		func(id C.__u32, o *C.struct_bpf_get_fd_by_id_opts) C.int { return C.bpf_link_get_fd_by_id_opts(id, o) },
		func(fd C.int) error {
			// A Link that does not own fd: eachID closes it.
			l := &Link{kind: &ownedLink{fd: fd, disconnected: true}}
			info, err := l.Info()
			out = append(out, info)
			return err
		})
	return out, err
}

// BTFInfo is what the kernel reports about a BTF object (struct
// bpf_btf_info, kernel 5.4).
type BTFInfo struct {
	// ID is the BTF object's system-wide ID (ProgramInfo.BTFID and
	// MapInfo.BTFID refer to it).
	ID uint32
	// Name is "vmlinux" or the module's name for kernel BTF (kernel 5.11),
	// "" for the BTF of programs and maps.
	Name string
	// Kernel is true for the BTF of the kernel and its modules.
	Kernel bool
	// Size is the size of the raw BTF data in bytes.
	Size uint32
}

// maxBTFName bounds the BTF names BTFObjects reads (module names are
// shorter than 56 bytes).
const maxBTFName = 64

// btfInfo reads fd's struct bpf_btf_info with bpf_btf_get_info_by_fd,
// with its name. Its errors name the call.
func btfInfo(fd C.int) (BTFInfo, error) {
	name := (*C.char)(C.calloc(1, maxBTFName))
	if name == nil {
		return BTFInfo{}, fmt.Errorf("calloc: %w", unix.ENOMEM)
	}
	defer C.free(unsafe.Pointer(name))
	var info C.struct_bpf_btf_info
	// SAFETY: name is C memory, so the kernel may write to it through
	// the integer field; info and size are Go memory without Go pointers.
	info.name = C.__u64(uintptr(unsafe.Pointer(name)))
	info.name_len = maxBTFName
	size := C.__u32(C.sizeof_struct_bpf_btf_info)
	if ret := C.bpf_btf_get_info_by_fd(fd, &info, &size); ret < 0 {
		return BTFInfo{}, fmt.Errorf("bpf_btf_get_info_by_fd: %w", errnoErr(ret))
	}
	return BTFInfo{
		ID:     uint32(info.id),
		Name:   goStringN(name, maxBTFName),
		Kernel: info.kernel_btf != 0,
		Size:   uint32(info.btf_size),
	}, nil
}

// BTFObjects returns what the kernel reports about every BTF object it
// holds, in ID order, with bpf_btf_get_fd_by_id_opts (kernel 5.4) and
// bpf_btf_get_info_by_fd; see Programs.
func BTFObjects() ([]BTFInfo, error) {
	const op = "BTFObjects"
	ids, err := btfIDs(op)
	if err != nil {
		return nil, err
	}
	var out []BTFInfo
	err = eachID(op, "bpf_btf_get_fd_by_id_opts", ids,
		func(id C.__u32, o *C.struct_bpf_get_fd_by_id_opts) C.int { return C.bpf_btf_get_fd_by_id_opts(id, o) },
		func(fd C.int) error {
			info, err := btfInfo(fd)
			out = append(out, info)
			return err
		})
	return out, err
}

// BTFInfoByID returns what the kernel reports about the BTF object whose
// ID is id, such as ProgramInfo.BTFID or MapInfo.BTFID, with
// bpf_btf_get_fd_by_id (BPF_BTF_GET_FD_BY_ID, kernel 5.0) and
// bpf_btf_get_info_by_fd. An ID no BTF object has gives an error wrapping
// ENOENT.
func BTFInfoByID(id uint32) (BTFInfo, error) {
	const op = "BTFInfoByID"
	fd := C.bpf_btf_get_fd_by_id(C.__u32(id))
	if fd < 0 {
		return BTFInfo{}, opError(op, fmt.Sprintf("id %d", id), "bpf_btf_get_fd_by_id", errnoErr(fd))
	}
	defer unix.Close(int(fd))
	info, err := btfInfo(fd)
	if err != nil {
		return BTFInfo{}, opError(op, fmt.Sprintf("id %d", id), "", err)
	}
	return info, nil
}

// OpenMapIDReadOnly opens the map whose system-wide ID is id for reading
// only, with bpf_map_get_fd_by_id_opts and BPF_F_RDONLY (kernel 4.15):
// Lookup, NextKey and Iterate work, while Update, Delete and the other
// writes fail with EPERM, so that an observer cannot change another
// program's state by mistake. The caller must Close the Map; see
// OpenMapID.
func OpenMapIDReadOnly(id uint32) (*Map, error) {
	const op = "OpenMapIDReadOnly"
	// opts is Go memory without Go pointers, read during the call.
	var opts C.struct_bpf_get_fd_by_id_opts
	opts.sz = C.sizeof_struct_bpf_get_fd_by_id_opts
	opts.open_flags = C.BPF_F_RDONLY
	fd := C.bpf_map_get_fd_by_id_opts(C.__u32(id), &opts)
	if fd < 0 {
		return nil, opError(op, fmt.Sprintf("id %d", id), "bpf_map_get_fd_by_id_opts BPF_F_RDONLY", byIDErr(errnoErr(fd)))
	}
	m, err := newOwnedMap(fd, "map")
	if err != nil {
		return nil, opError(op, fmt.Sprintf("id %d", id), "", err)
	}
	return m, nil
}
