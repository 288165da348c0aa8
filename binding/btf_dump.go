package libbpf

/*
#include <stdlib.h>
#include <bpf/btf.h>
#include "glue_btf.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DumpC returns C declarations of the types ids, written by libbpf's
// btf_dump (btf_dump__new, btf_dump__dump_type for each, btf_dump__free):
// each type is declared after the types it needs, and once, even when
// several ids need it. With no ids it declares every type from StartID on,
// which for the kernel's BTF is the text of a vmlinux.h without its
// guard and pragmas (bpftool btf dump ... format c adds the same around
// it). Only named types, and anonymous ones reached from them, are
// written: a type whose declaration is its use (a pointer, an array, a
// qualifier, a function) gives nothing on its own. An ID beyond
// TypeCount gives an error wrapping EINVAL.
//
// libbpf makes the text in C memory with one cgo call; it is copied once.
func (b *BTF) DumpC(ids ...TypeID) (string, error) {
	const op = "BTF.DumpC"
	btf := b.lock()
	if btf == nil {
		return "", opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	// btf is valid under the lock.
	start := TypeID(1)
	if base := C.btf__base_btf(btf); base != nil {
		start = TypeID(C.btf__type_cnt(base))
	}
	var cIDs *C.__u32
	if len(ids) > 0 {
		for _, id := range ids {
			if err := checkTypeID(btf, id); err != nil {
				return "", opError(op, b.subject(), "", err)
			}
		}
		cIDs = (*C.__u32)(C.malloc(C.size_t(len(ids)) * C.size_t(unsafe.Sizeof(C.__u32(0)))))
		if cIDs == nil {
			return "", opError(op, b.subject(), "malloc", unix.ENOMEM)
		}
		defer C.free(unsafe.Pointer(cIDs))
		// cIDs holds len(ids) __u32 of C memory.
		dst := unsafe.Slice(cIDs, len(ids))
		for i, id := range ids {
			dst[i] = C.__u32(id)
		}
	}
	return dumpText(op, b.subject(), "btf_dump__dump_type", func(buf *C.struct_lbg_dump_buf) C.int {
		// btf is valid under the lock; cIDs and buf are C memory that
		// libbpf uses only during the call.
		return C.lbg_btf_dump_c(btf, cIDs, C.size_t(len(ids)), C.__u32(start), buf)
	})
}

// DumpCDecl returns the C declaration of a variable or field called name
// of type id, as btf_dump__emit_type_decl writes it: "unsigned int
// counts[16]", "struct task_struct *task", "int (*fn)(void *)". With an
// empty name it is the abstract declarator, such as "struct event *". An
// ID beyond TypeCount gives an error wrapping EINVAL.
func (b *BTF) DumpCDecl(id TypeID, name string) (string, error) {
	const op = "BTF.DumpCDecl"
	btf := b.lock()
	if btf == nil {
		return "", opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	// btf is valid under the lock.
	if err := checkTypeID(btf, id); err != nil {
		return "", opError(op, b.subject(), "", err)
	}
	cName := C.CString(name)
	defer freeCString(cName)
	return dumpText(op, b.subject(), fmt.Sprintf("btf_dump__emit_type_decl %d", id), func(buf *C.struct_lbg_dump_buf) C.int {
		// btf is valid under the lock; cName and buf are C memory that
		// libbpf uses only during the call.
		return C.lbg_btf_dump_decl(btf, C.__u32(id), cName, buf)
	})
}

// dumpText runs dump, which calls the libbpf function fn, with a fresh C
// output buffer and returns its text; its errors are the OpErrors of op on
// subject.
func dumpText(op, subject, fn string, dump func(*C.struct_lbg_dump_buf) C.int) (string, error) {
	// libbpf keeps a pointer to the buffer as its callback's context, so
	// it is C memory; the text it points to is malloc'd by the glue.
	buf := (*C.struct_lbg_dump_buf)(C.calloc(1, C.sizeof_struct_lbg_dump_buf))
	if buf == nil {
		return "", opError(op, subject, "calloc", unix.ENOMEM)
	}
	defer func() {
		// data is NULL or from realloc; buf is from calloc.
		C.free(unsafe.Pointer(buf.data))
		C.free(unsafe.Pointer(buf))
	}()
	if ret := dump(buf); ret < 0 {
		return "", opError(op, subject, fn, errnoErr(ret))
	}
	if buf.len == 0 {
		return "", nil
	}
	return C.GoStringN(buf.data, C.int(buf.len)), nil
}
