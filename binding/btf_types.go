package libbpf

/*
#include <stdlib.h>
#include <bpf/btf.h>
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// BTFKind is the kind of a BTF type, BTF_KIND_* in linux/btf.h (btf_kind
// in libbpf's btf.h).
type BTFKind uint8

// The BTF kinds, with the kernel release that first accepts each.
const (
	BTFKindUnknown   BTFKind = 0  // BTF_KIND_UNKN: void
	BTFKindInt       BTFKind = 1  // BTF_KIND_INT
	BTFKindPtr       BTFKind = 2  // BTF_KIND_PTR
	BTFKindArray     BTFKind = 3  // BTF_KIND_ARRAY
	BTFKindStruct    BTFKind = 4  // BTF_KIND_STRUCT
	BTFKindUnion     BTFKind = 5  // BTF_KIND_UNION
	BTFKindEnum      BTFKind = 6  // BTF_KIND_ENUM (1, 2 or 4 bytes)
	BTFKindFwd       BTFKind = 7  // BTF_KIND_FWD: a declared, undefined struct or union
	BTFKindTypedef   BTFKind = 8  // BTF_KIND_TYPEDEF
	BTFKindVolatile  BTFKind = 9  // BTF_KIND_VOLATILE
	BTFKindConst     BTFKind = 10 // BTF_KIND_CONST
	BTFKindRestrict  BTFKind = 11 // BTF_KIND_RESTRICT
	BTFKindFunc      BTFKind = 12 // BTF_KIND_FUNC (kernel 5.0)
	BTFKindFuncProto BTFKind = 13 // BTF_KIND_FUNC_PROTO (kernel 5.0)
	BTFKindVar       BTFKind = 14 // BTF_KIND_VAR (kernel 5.2)
	BTFKindDatasec   BTFKind = 15 // BTF_KIND_DATASEC (kernel 5.2)
	BTFKindFloat     BTFKind = 16 // BTF_KIND_FLOAT (kernel 5.13)
	BTFKindDeclTag   BTFKind = 17 // BTF_KIND_DECL_TAG (kernel 5.16)
	BTFKindTypeTag   BTFKind = 18 // BTF_KIND_TYPE_TAG (kernel 5.17)
	BTFKindEnum64    BTFKind = 19 // BTF_KIND_ENUM64 (kernel 6.0)
)

var btfKindNames = [...]string{"void", "int", "ptr", "array", "struct", "union", "enum",
	"fwd", "typedef", "volatile", "const", "restrict", "func", "func_proto", "var",
	"datasec", "float", "decl_tag", "type_tag", "enum64"}

// String returns the kind as bpftool prints it: "struct", "enum64" ...
func (k BTFKind) String() string {
	if int(k) < len(btfKindNames) {
		return btfKindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// BTFIntEncoding is the encoding of a BTF_KIND_INT (BTF_INT_SIGNED,
// BTF_INT_CHAR, BTF_INT_BOOL); zero means unsigned.
type BTFIntEncoding uint8

// The integer encodings of linux/btf.h.
const (
	BTFIntSigned BTFIntEncoding = 1 << 0 // BTF_INT_SIGNED
	BTFIntChar   BTFIntEncoding = 1 << 1 // BTF_INT_CHAR
	BTFIntBool   BTFIntEncoding = 1 << 2 // BTF_INT_BOOL
)

// BTFVarLinkage is the linkage of a BTF_KIND_VAR (BTF_VAR_*) or
// BTF_KIND_FUNC (BTF_FUNC_*).
type BTFVarLinkage uint32

// The linkages of linux/btf.h; BTFLinkageExtern is BTF_VAR_GLOBAL_EXTERN
// and BTF_FUNC_EXTERN.
const (
	BTFLinkageStatic BTFVarLinkage = 0 // BTF_VAR_STATIC, BTF_FUNC_STATIC
	BTFLinkageGlobal BTFVarLinkage = 1 // BTF_VAR_GLOBAL_ALLOCATED, BTF_FUNC_GLOBAL
	BTFLinkageExtern BTFVarLinkage = 2 // BTF_VAR_GLOBAL_EXTERN, BTF_FUNC_EXTERN
)

// BTFMember is a member of a struct or union (struct btf_member).
type BTFMember struct {
	// Name is "" for an anonymous member (an unnamed struct or union).
	Name string
	Type TypeID
	// BitOffset is the member's offset in bits from the start of the
	// struct; always 0 in a union.
	BitOffset uint32
	// BitfieldSize is the width in bits of a bitfield member, 0 for a
	// member that is not a bitfield (btf_member_bitfield_size).
	BitfieldSize uint32
}

// BTFEnumValue is a constant of an enum (struct btf_enum) or a 64-bit enum
// (struct btf_enum64). Value holds its bits; convert it with int64 when
// the enum is Signed.
type BTFEnumValue struct {
	Name  string
	Value uint64
}

// BTFParam is a parameter of a function prototype (struct btf_param).
type BTFParam struct {
	Name string
	Type TypeID
}

// BTFVarSecinfo is a variable of a data section (struct btf_var_secinfo):
// the BTF_KIND_VAR (or BTF_KIND_FUNC, for .ksyms) and where it lives.
type BTFVarSecinfo struct {
	Type   TypeID
	Offset uint32
	Size   uint32
}

// BTFType is one BTF type, decoded from libbpf's struct btf_type and the
// data that follows it. Which fields are set depends on Kind; the others
// are zero.
type BTFType struct {
	ID   TypeID
	Kind BTFKind
	// Name is "" for anonymous types.
	Name string
	// Size in bytes: int, float, struct, union, enum, enum64, datasec.
	Size uint32
	// Type is the referenced type: ptr, typedef, volatile, const,
	// restrict, type_tag and decl_tag targets, func (its func_proto), var
	// (its type) and func_proto (the return type, 0 for void).
	Type TypeID

	// Int: encoding, offset of the value in bits (0 in clang's BTF) and
	// width in bits.
	IntEncoding BTFIntEncoding
	IntOffset   uint8
	IntBits     uint8

	// Array: element and index types and element count.
	ArrayElem  TypeID
	ArrayIndex TypeID
	ArrayLen   uint32

	// Struct, union: members in declaration order.
	Members []BTFMember

	// Enum, enum64: Signed from the kind flag (libbpf 1.0, kernel 6.0; older
	// BTF says unsigned for every enum), and the constants.
	Signed bool
	Values []BTFEnumValue

	// FwdUnion reports, for a fwd, that it declares a union.
	FwdUnion bool

	// Func_proto: the parameters; a last parameter with Name "" and Type
	// 0 is "...".
	Params []BTFParam

	// Var and func: the linkage.
	Linkage BTFVarLinkage

	// Datasec: the variables, ordered by offset.
	Vars []BTFVarSecinfo

	// Decl_tag: the index of the member or parameter tagged, -1 for the
	// type or variable itself.
	ComponentIdx int32
}

// bind attaches base, the BTF that split BTF (module BTF) builds on, to b:
// b's methods then also take base's read lock, and fail with ErrClosed once
// base is closed, since libbpf's split BTF reads base's memory.
func (b *BTF) bindBase(base *BTF) *BTF {
	b.base = base
	return b
}

// TypeCount returns the number of types, btf__type_cnt: valid IDs are
// below it. It counts void (ID 0) and, for split BTF such as a module's,
// the types of its base, so a split BTF's own types run from StartID to
// TypeCount-1. 0 once closed.
func (b *BTF) TypeCount() int {
	btf := b.lock()
	if btf == nil {
		return 0
	}
	defer b.unlock()
	// btf is valid under the lock.
	return int(C.btf__type_cnt(btf))
}

// StartID returns the first type ID that this BTF holds itself: 1 for
// vmlinux or object BTF, the base's btf__type_cnt for split BTF (module
// BTF), found through btf__base_btf. 0 once closed.
func (b *BTF) StartID() TypeID {
	btf := b.lock()
	if btf == nil {
		return 0
	}
	defer b.unlock()
	// btf and its base are valid under the lock.
	if base := C.btf__base_btf(btf); base != nil {
		return TypeID(C.btf__type_cnt(base))
	}
	return 1
}

// Type decodes the type id, found with btf__type_by_id (ID 0 is void,
// with Kind BTFKindUnknown); names come from btf__name_by_offset. An ID
// at or beyond TypeCount gives an error wrapping EINVAL.
func (b *BTF) Type(id TypeID) (*BTFType, error) {
	const op = "BTF.Type"
	btf := b.lock()
	if btf == nil {
		return nil, opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	t, call, err := decodeBTFType(btf, id)
	if err != nil {
		return nil, opError(op, b.subject(), call, err)
	}
	return t, nil
}

// Types decodes every type from StartID to TypeCount-1, in ID order: the
// index of a type in the result is its ID minus StartID.
func (b *BTF) Types() ([]*BTFType, error) {
	const op = "BTF.Types"
	btf := b.lock()
	if btf == nil {
		return nil, opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	start := TypeID(1)
	// btf and its base are valid under the lock.
	if base := C.btf__base_btf(btf); base != nil {
		start = TypeID(C.btf__type_cnt(base))
	}
	n := TypeID(C.btf__type_cnt(btf))
	types := make([]*BTFType, 0, n-start)
	for id := start; id < n; id++ {
		t, call, err := decodeBTFType(btf, id)
		if err != nil {
			return nil, opError(op, b.subject(), call, err)
		}
		types = append(types, t)
	}
	return types, nil
}

// TypeByNameKind returns the ID of the type called name of the given kind,
// with btf__find_by_name_kind: unlike TypeByName it tells "struct foo"
// from "typedef foo". An unknown name gives an error wrapping ErrNotFound.
func (b *BTF) TypeByNameKind(name string, kind BTFKind) (TypeID, error) {
	return b.findType("BTF.TypeByNameKind", "btf__find_by_name_kind", name, fmt.Sprintf("%s %q", kind, name),
		func(btf *C.struct_btf, cName *C.char) C.int {
			return C.int(C.btf__find_by_name_kind(btf, cName, C.__u32(kind)))
		})
}

// RawData returns a copy of the BTF in its binary format (header, types,
// strings), as the kernel accepts it and /sys/kernel/btf/* holds it, with
// btf__raw_data. For split BTF it is only the split part.
func (b *BTF) RawData() ([]byte, error) {
	const op = "BTF.RawData"
	btf := b.lock()
	if btf == nil {
		return nil, opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	var size C.__u32
	// btf is valid under the lock; size is written during the call only.
	data, err := C.btf__raw_data(btf, &size)
	if data == nil {
		return nil, opError(op, b.subject(), "btf__raw_data", ptrErr(err))
	}
	// data points to size bytes that libbpf owns until the BTF changes or
	// is freed, which the read lock prevents; they are copied right away.
	return C.GoBytes(data, C.int(size)), nil
}

// LoadKernelBTFByID reads the BTF object id from the kernel, with
// btf__load_from_kernel_by_id (BPF_BTF_GET_FD_BY_ID, kernel 4.18; needs
// CAP_SYS_ADMIN), or btf__load_from_kernel_by_id_split when base is not nil:
// a kernel module's BTF is split BTF on top of vmlinux BTF (LoadKernelBTF),
// which must then stay open as long as the result is used (afterwards the
// result's methods fail with ErrClosed). A missing ID gives an error
// wrapping ENOENT. The caller must Close the result.
func LoadKernelBTFByID(id uint32, base *BTF) (*BTF, error) {
	const op = "LoadKernelBTFByID"
	what := fmt.Sprintf("id %d", id)
	if base == nil {
		b, err := C.btf__load_from_kernel_by_id(C.__u32(id))
		if b == nil {
			return nil, opError(op, what, "btf__load_from_kernel_by_id", ptrErr(err))
		}
		return newOwnedBTF(b, what), nil
	}
	baseBTF := base.lock()
	if baseBTF == nil {
		return nil, opError(op, what, "", fmt.Errorf("base %s: %w", base.subject(), ErrClosed))
	}
	defer base.unlock()
	// baseBTF is valid under base's lock; the split BTF keeps pointing to
	// it, which bindBase makes every later use check.
	b, err := C.btf__load_from_kernel_by_id_split(C.__u32(id), baseBTF)
	if b == nil {
		return nil, opError(op, what, "btf__load_from_kernel_by_id_split", ptrErr(err))
	}
	return newOwnedBTF(b, what).bindBase(base), nil
}

// LoadModuleBTF reads the BTF of the loaded kernel module name (such as
// "nf_tables") from /sys/kernel/btf/<name>, with btf__load_module_btf
// (kernel 5.11, CONFIG_DEBUG_INFO_BTF_MODULES). It is split BTF on top of
// vmlinux, which must stay open as long as the result is used (afterwards
// the result's methods fail with ErrClosed). A module that is not loaded
// or has no BTF gives an error wrapping ENOENT. The caller must Close it.
func LoadModuleBTF(name string, vmlinux *BTF) (*BTF, error) {
	const op = "LoadModuleBTF"
	what := fmt.Sprintf("module %q", name)
	if name == "" {
		return nil, opError(op, what, "", fmt.Errorf("empty module name: %w", unix.EINVAL))
	}
	baseBTF := vmlinux.lock()
	if baseBTF == nil {
		return nil, opError(op, what, "", fmt.Errorf("base %s: %w", vmlinux.subject(), ErrClosed))
	}
	defer vmlinux.unlock()
	cName := C.CString(name)
	defer freeCString(cName)
	// cName is C memory; baseBTF is valid under vmlinux's lock and the
	// split BTF keeps pointing to it, which bindBase makes every later use
	// check.
	b, err := C.btf__load_module_btf(cName, baseBTF)
	if b == nil {
		return nil, opError(op, what, "btf__load_module_btf", ptrErr(err))
	}
	return newOwnedBTF(b, "of "+what).bindBase(vmlinux), nil
}

// The layout of the records that follow struct btf_type (linux/btf.h),
// read straight from libbpf's memory.
type (
	rawBTFType struct {
		nameOff    uint32
		info       uint32
		sizeOrType uint32
	}
	rawBTFArray  struct{ elem, index, nelems uint32 }
	rawBTFMember struct{ nameOff, typ, offset uint32 }
	rawBTFEnum   struct {
		nameOff uint32
		val     int32
	}
	rawBTFEnum64  struct{ nameOff, lo, hi uint32 }
	rawBTFParam   struct{ nameOff, typ uint32 }
	rawBTFSecinfo struct{ typ, offset, size uint32 }
)

// decodeBTFType decodes type id of btf, which the caller keeps valid. On
// failure call is the libbpf function that failed, "" when none did.
func decodeBTFType(btf *C.struct_btf, id TypeID) (t *BTFType, call string, err error) {
	if err := checkTypeID(btf, id); err != nil {
		return nil, "", err
	}
	if id == 0 {
		return &BTFType{Kind: BTFKindUnknown, Name: "void"}, "", nil
	}
	p, err := C.btf__type_by_id(btf, C.__u32(id))
	if p == nil {
		return nil, fmt.Sprintf("btf__type_by_id %d", id), ptrErr(err)
	}
	name := func(off uint32) string {
		// btf is valid; the string is libbpf's and copied right away.
		if s := C.btf__name_by_offset(btf, C.__u32(off)); s != nil {
			return C.GoString(s)
		}
		return ""
	}
	// SAFETY: p points to a struct btf_type (three __u32) followed by the
	// records its kind and vlen say, inside libbpf's type data, which
	// stays valid and unchanged while the caller holds the BTF's lock.
	// libbpf has validated the data (btf_sanity_check) when parsing it.
	raw := (*rawBTFType)(unsafe.Pointer(p))
	vlen := int(raw.info & 0xffff)
	kflag := raw.info>>31 == 1
	t = &BTFType{
		ID:   id,
		Kind: BTFKind((raw.info >> 24) & 0x1f),
		Name: name(raw.nameOff),
	}
	tail := unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(*raw))
	switch t.Kind {
	case BTFKindInt:
		t.Size = raw.sizeOrType
		enc := *(*uint32)(tail)
		t.IntEncoding = BTFIntEncoding((enc >> 24) & 0x0f)
		t.IntOffset = uint8((enc >> 16) & 0xff)
		t.IntBits = uint8(enc & 0xff)
	case BTFKindFloat, BTFKindDatasec:
		t.Size = raw.sizeOrType
	case BTFKindPtr, BTFKindTypedef, BTFKindVolatile, BTFKindConst, BTFKindRestrict, BTFKindTypeTag:
		t.Type = TypeID(raw.sizeOrType)
	case BTFKindArray:
		a := (*rawBTFArray)(tail)
		t.ArrayElem, t.ArrayIndex, t.ArrayLen = TypeID(a.elem), TypeID(a.index), a.nelems
	case BTFKindStruct, BTFKindUnion:
		t.Size = raw.sizeOrType
		ms := unsafe.Slice((*rawBTFMember)(tail), vlen)
		t.Members = make([]BTFMember, vlen)
		for i, m := range ms {
			mem := BTFMember{Name: name(m.nameOff), Type: TypeID(m.typ), BitOffset: m.offset}
			if kflag {
				// With the kind flag, offset holds the bitfield size in
				// its top 8 bits (btf_member_bit_offset and
				// btf_member_bitfield_size in btf.h).
				mem.BitOffset, mem.BitfieldSize = m.offset&0xffffff, m.offset>>24
			}
			t.Members[i] = mem
		}
	case BTFKindEnum:
		t.Size, t.Signed = raw.sizeOrType, kflag
		es := unsafe.Slice((*rawBTFEnum)(tail), vlen)
		t.Values = make([]BTFEnumValue, vlen)
		for i, e := range es {
			v := uint64(uint32(e.val))
			if kflag {
				v = uint64(int64(e.val))
			}
			t.Values[i] = BTFEnumValue{Name: name(e.nameOff), Value: v}
		}
	case BTFKindEnum64:
		t.Size, t.Signed = raw.sizeOrType, kflag
		es := unsafe.Slice((*rawBTFEnum64)(tail), vlen)
		t.Values = make([]BTFEnumValue, vlen)
		for i, e := range es {
			t.Values[i] = BTFEnumValue{Name: name(e.nameOff), Value: uint64(e.hi)<<32 | uint64(e.lo)}
		}
	case BTFKindFwd:
		t.FwdUnion = kflag
	case BTFKindFunc:
		t.Type, t.Linkage = TypeID(raw.sizeOrType), BTFVarLinkage(vlen)
	case BTFKindFuncProto:
		t.Type = TypeID(raw.sizeOrType)
		ps := unsafe.Slice((*rawBTFParam)(tail), vlen)
		t.Params = make([]BTFParam, vlen)
		for i, prm := range ps {
			t.Params[i] = BTFParam{Name: name(prm.nameOff), Type: TypeID(prm.typ)}
		}
	case BTFKindVar:
		t.Type, t.Linkage = TypeID(raw.sizeOrType), BTFVarLinkage(*(*uint32)(tail))
	case BTFKindDeclTag:
		t.Type, t.ComponentIdx = TypeID(raw.sizeOrType), *(*int32)(tail)
	}
	if t.Kind == BTFKindDatasec {
		vs := unsafe.Slice((*rawBTFSecinfo)(tail), vlen)
		t.Vars = make([]BTFVarSecinfo, vlen)
		for i, v := range vs {
			t.Vars[i] = BTFVarSecinfo{Type: TypeID(v.typ), Offset: v.offset, Size: v.size}
		}
	}
	return t, "", nil
}
