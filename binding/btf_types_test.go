package libbpf_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// loadKernelBTF loads the running kernel's BTF, closed when the test ends.
func loadKernelBTF(t *testing.T) *libbpf.BTF {
	t.Helper()
	b, err := libbpf.LoadKernelBTF()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// member finds the member called name of t.
func member(t *testing.T, typ *libbpf.BTFType, name string) libbpf.BTFMember {
	t.Helper()
	for _, m := range typ.Members {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("%s %s has no member %s", typ.Kind, typ.Name, name)
	return libbpf.BTFMember{}
}

func typeNamed(t *testing.T, b *libbpf.BTF, name string, kind libbpf.BTFKind) *libbpf.BTFType {
	t.Helper()
	id, err := b.TypeByNameKind(name, kind)
	require.NoError(t, err)
	typ, err := b.Type(id)
	require.NoError(t, err)
	require.Equal(t, id, typ.ID)
	return typ
}

// skip follows typedefs and qualifiers.
func skip(t *testing.T, b *libbpf.BTF, id libbpf.TypeID) *libbpf.BTFType {
	t.Helper()
	for {
		typ, err := b.Type(id)
		require.NoError(t, err)
		switch typ.Kind {
		case libbpf.BTFKindTypedef, libbpf.BTFKindConst, libbpf.BTFKindVolatile:
			id = typ.Type
			continue
		}
		return typ
	}
}

// The object's types as clang wrote them, and its data sections as libbpf
// fixed them up at open (sizes and offsets).
func TestBTFTypesOfAnObject(t *testing.T) {
	obj := openObject(t, "skel_types", nil)
	b, err := obj.BTF()
	require.NoError(t, err)

	bits := typeNamed(t, b, "lbg_bits", libbpf.BTFKindStruct)
	assert.Equal(t, libbpf.BTFKindStruct, bits.Kind)
	assert.Equal(t, uint32(48), bits.Size)
	require.Len(t, bits.Members, 7)
	assert.Equal(t, libbpf.BTFMember{Name: "a", Type: bits.Members[0].Type, BitOffset: 0, BitfieldSize: 3}, bits.Members[0])
	assert.Equal(t, libbpf.BTFMember{Name: "b", Type: bits.Members[1].Type, BitOffset: 3, BitfieldSize: 13}, bits.Members[1])
	assert.Equal(t, uint32(16), member(t, bits, "tail").BitOffset)
	assert.Zero(t, member(t, bits, "tail").BitfieldSize)

	a := skip(t, b, bits.Members[0].Type)
	assert.Equal(t, libbpf.BTFKindInt, a.Kind)
	assert.Equal(t, "unsigned int", a.Name)
	assert.Equal(t, uint32(4), a.Size)
	assert.Equal(t, uint8(32), a.IntBits)
	assert.Zero(t, a.IntEncoding&libbpf.BTFIntSigned)

	u := skip(t, b, member(t, bits, "u").Type)
	assert.Equal(t, libbpf.BTFKindUnion, u.Kind)
	assert.Empty(t, u.Name, "anonymous")
	assert.Equal(t, uint32(8), u.Size)
	assert.Equal(t, []string{"word", "bytes"}, []string{u.Members[0].Name, u.Members[1].Name})
	chars := skip(t, b, u.Members[1].Type)
	assert.Equal(t, libbpf.BTFKindArray, chars.Kind)
	assert.Equal(t, uint32(8), chars.ArrayLen)
	char := skip(t, b, chars.ArrayElem)
	assert.Equal(t, "char", char.Name)

	color := skip(t, b, member(t, bits, "color").Type)
	assert.Equal(t, libbpf.BTFKindEnum, color.Kind)
	assert.Equal(t, "lbg_color", color.Name)
	assert.Equal(t, []libbpf.BTFEnumValue{{Name: "LBG_RED", Value: 1}, {Name: "LBG_BLUE", Value: 40}}, color.Values)

	next, err := b.Type(member(t, bits, "next").Type)
	require.NoError(t, err)
	assert.Equal(t, libbpf.BTFKindPtr, next.Kind)
	assert.Equal(t, bits.ID, next.Type, "points back at struct lbg_bits")

	grid := skip(t, b, member(t, bits, "grid").Type)
	assert.Equal(t, libbpf.BTFKindArray, grid.Kind)
	assert.Equal(t, uint32(2), grid.ArrayLen)
	inner := skip(t, b, grid.ArrayElem)
	assert.Equal(t, uint32(3), inner.ArrayLen)

	typedef := typeNamed(t, b, "lbg_bits_t", libbpf.BTFKindTypedef)
	assert.Equal(t, bits.ID, typedef.Type)

	// Data sections: sizes and offsets filled in by libbpf at open.
	for _, sec := range []struct {
		name, variable string
		size           uint32
	}{{".rodata", "lbg_ro", 4}, {".data", "lbg_data", 8}, {".bss", "lbg_bss", 48}} {
		ds := typeNamed(t, b, sec.name, libbpf.BTFKindDatasec)
		assert.Equal(t, sec.size, ds.Size, sec.name)
		require.Len(t, ds.Vars, 1, sec.name)
		assert.Equal(t, libbpf.BTFVarSecinfo{Type: ds.Vars[0].Type, Offset: 0, Size: sec.size}, ds.Vars[0])
		v, err := b.Type(ds.Vars[0].Type)
		require.NoError(t, err)
		assert.Equal(t, libbpf.BTFKindVar, v.Kind)
		assert.Equal(t, sec.variable, v.Name)
		assert.Equal(t, libbpf.BTFLinkageGlobal, v.Linkage)
	}

	fn := typeNamed(t, b, "lbg_types", libbpf.BTFKindFunc)
	assert.Equal(t, libbpf.BTFLinkageGlobal, fn.Linkage)
	proto, err := b.Type(fn.Type)
	require.NoError(t, err)
	assert.Equal(t, libbpf.BTFKindFuncProto, proto.Kind)
	require.Len(t, proto.Params, 1)
	assert.Equal(t, "ctx", proto.Params[0].Name)

	assert.Equal(t, libbpf.TypeID(1), b.StartID())
	all, err := b.Types()
	require.NoError(t, err)
	assert.Len(t, all, b.TypeCount()-1)
	assert.Equal(t, bits, all[bits.ID-1])

	void, err := b.Type(0)
	require.NoError(t, err)
	assert.Equal(t, libbpf.BTFKindUnknown, void.Kind)
	_, err = b.Type(libbpf.TypeID(b.TypeCount()))
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = b.TypeByNameKind("lbg_bits", libbpf.BTFKindUnion)
	assert.ErrorIs(t, err, libbpf.ErrNotFound)
	_, err = b.TypeByNameKind("", libbpf.BTFKindStruct)
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, obj.Close())
	_, err = b.Type(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = b.Types()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Zero(t, b.TypeCount())
	assert.Zero(t, b.StartID())
}

// bpftoolType is a type of `bpftool -j btf dump`.
type bpftoolType struct {
	ID      uint32 `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Size    uint32 `json:"size"`
	TypeID  uint32 `json:"type_id"`
	NrBits  uint8  `json:"nr_bits"`
	NrElems uint32 `json:"nr_elems"`
	Members []struct {
		Name         string `json:"name"`
		TypeID       uint32 `json:"type_id"`
		BitsOffset   uint32 `json:"bits_offset"`
		BitfieldSize uint32 `json:"bitfield_size"`
	} `json:"members"`
	Values []struct {
		Name string          `json:"name"`
		Val  json.RawMessage `json:"val"`
	} `json:"values"`
	Vars []struct {
		TypeID uint32 `json:"type_id"`
		Offset uint32 `json:"offset"`
		Size   uint32 `json:"size"`
	} `json:"vars"`
	Params []struct {
		Name   string `json:"name"`
		TypeID uint32 `json:"type_id"`
	} `json:"params"`
}

// Every type of the kernel's BTF decodes as bpftool, another reader of
// the same data, prints it.
func TestBTFTypesMatchBpftoolOnTheKernel(t *testing.T) {
	b := loadKernelBTF(t)
	if _, err := exec.LookPath("bpftool"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bpftool not found (CI=true)")
		}
		t.Skip("bpftool not found")
	}
	out, err := exec.Command("bpftool", "-j", "btf", "dump", "file", "/sys/kernel/btf/vmlinux").Output()
	require.NoError(t, err)
	var dump struct{ Types []bpftoolType }
	require.NoError(t, json.Unmarshal(out, &dump))
	types, err := b.Types()
	require.NoError(t, err)
	require.Len(t, types, len(dump.Types))

	kinds := map[string]int{}
	members, values := 0, 0
	for i, want := range dump.Types {
		got := types[i]
		if !assert.Equal(t, want.ID, uint32(got.ID)) {
			break
		}
		kind := strings.ToLower(want.Kind)
		kinds[kind]++
		ok := assert.Equal(t, kind, got.Kind.String(), "type %d", want.ID)
		name := want.Name
		if name == "(anon)" {
			name = ""
		}
		ok = ok && assert.Equal(t, name, got.Name, "type %d", want.ID)
		switch got.Kind {
		case libbpf.BTFKindInt:
			ok = ok && assert.Equal(t, want.Size, got.Size) && assert.Equal(t, want.NrBits, got.IntBits)
		case libbpf.BTFKindStruct, libbpf.BTFKindUnion:
			ok = ok && assert.Equal(t, want.Size, got.Size, "type %d", want.ID) && assert.Len(t, got.Members, len(want.Members))
			for j, m := range want.Members {
				if !ok {
					break
				}
				members++
				if m.Name == "(anon)" {
					m.Name = ""
				}
				ok = assert.Equal(t, libbpf.BTFMember{Name: m.Name, Type: libbpf.TypeID(m.TypeID), BitOffset: m.BitsOffset, BitfieldSize: m.BitfieldSize},
					got.Members[j], "type %d member %d", want.ID, j)
			}
		case libbpf.BTFKindEnum, libbpf.BTFKindEnum64:
			ok = ok && assert.Equal(t, want.Size, got.Size) && assert.Len(t, got.Values, len(want.Values))
			for j, v := range want.Values {
				if !ok {
					break
				}
				values++
				// bpftool 7.1's JSON prints 32-bit values sign-extended to
				// 64 bits: compare the bits of the enum's size.
				var wantVal uint64
				if n, err := strconv.ParseInt(string(v.Val), 10, 64); err == nil {
					wantVal = uint64(n)
				} else {
					wantVal, err = strconv.ParseUint(string(v.Val), 10, 64)
					require.NoError(t, err)
				}
				mask := ^uint64(0)
				if got.Size < 8 {
					mask = 1<<(8*got.Size) - 1
				}
				ok = assert.Equal(t, v.Name, got.Values[j].Name) &&
					assert.Equal(t, wantVal&mask, got.Values[j].Value&mask, "type %d value %s", want.ID, v.Name)
			}
		case libbpf.BTFKindArray:
			ok = ok && assert.Equal(t, want.TypeID, uint32(got.ArrayElem)) && assert.Equal(t, want.NrElems, got.ArrayLen)
		case libbpf.BTFKindPtr, libbpf.BTFKindTypedef, libbpf.BTFKindConst, libbpf.BTFKindVolatile, libbpf.BTFKindRestrict, libbpf.BTFKindFunc, libbpf.BTFKindVar, libbpf.BTFKindTypeTag:
			ok = ok && assert.Equal(t, want.TypeID, uint32(got.Type), "type %d", want.ID)
		case libbpf.BTFKindFuncProto:
			ok = ok && assert.Len(t, got.Params, len(want.Params))
			for j, p := range want.Params {
				if p.Name == "(anon)" {
					p.Name = ""
				}
				if ok {
					ok = assert.Equal(t, libbpf.BTFParam{Name: p.Name, Type: libbpf.TypeID(p.TypeID)}, got.Params[j])
				}
			}
		case libbpf.BTFKindDatasec:
			ok = ok && assert.Len(t, got.Vars, len(want.Vars))
			for j, v := range want.Vars {
				if ok {
					ok = assert.Equal(t, libbpf.BTFVarSecinfo{Type: libbpf.TypeID(v.TypeID), Offset: v.Offset, Size: v.Size}, got.Vars[j])
				}
			}
		}
		if !ok {
			break
		}
	}
	t.Logf("vmlinux BTF: %d types (%v), %d members, %d enum values, all as bpftool decodes them", len(types), kinds, members, values)
	assert.Positive(t, kinds["struct"])
}

func TestBTFRawDataIsTheKernelsFile(t *testing.T) {
	b := loadKernelBTF(t)
	raw, err := b.RawData()
	require.NoError(t, err)
	file, err := os.ReadFile("/sys/kernel/btf/vmlinux")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(file, raw), "btf__raw_data of vmlinux BTF (%d bytes) differs from /sys/kernel/btf/vmlinux (%d bytes)", len(raw), len(file))
	require.NoError(t, b.Close())
	_, err = b.RawData()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestLoadKernelBTFByID(t *testing.T) {
	requireKernel(t)
	vmlinux := loadKernelBTF(t)
	want, err := vmlinux.RawData()
	require.NoError(t, err)
	// The kernel registers its own BTF first, as ID 1.
	b, err := libbpf.LoadKernelBTFByID(1, nil)
	require.NoError(t, err)
	defer b.Close()
	raw, err := b.RawData()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, raw), "BTF object 1 is not vmlinux")

	_, err = libbpf.LoadKernelBTFByID(0x7ffffff0, nil)
	assert.ErrorIs(t, err, syscall.ENOENT)
	_, err = libbpf.LoadKernelBTFByID(0x7ffffff0, vmlinux)
	assert.ErrorIs(t, err, syscall.ENOENT)
}

func TestLoadModuleBTF(t *testing.T) {
	vmlinux := loadKernelBTF(t)
	_, err := libbpf.LoadModuleBTF("lbg_no_such_module", vmlinux)
	assert.ErrorIs(t, err, syscall.ENOENT)
	_, err = libbpf.LoadModuleBTF("", vmlinux)
	assert.ErrorIs(t, err, syscall.EINVAL)

	entries, err := os.ReadDir("/sys/kernel/btf")
	require.NoError(t, err)
	module := ""
	for _, e := range entries {
		if e.Name() != "vmlinux" {
			module = e.Name()
			break
		}
	}
	if module == "" {
		t.Skip("no module BTF in /sys/kernel/btf: the kernel has no modules with BTF loaded")
	}
	base, err := libbpf.LoadKernelBTF()
	require.NoError(t, err)
	defer base.Close()
	b, err := libbpf.LoadModuleBTF(module, base)
	require.NoError(t, err)
	defer b.Close()
	assert.Equal(t, libbpf.TypeID(base.TypeCount()), b.StartID(), "split BTF starts after vmlinux")
	types, err := b.Types()
	require.NoError(t, err)
	assert.NotEmpty(t, types)
	assert.Equal(t, b.StartID(), types[0].ID)
	// A module's types may refer to vmlinux's.
	_, err = b.Type(1)
	require.NoError(t, err)

	// Closing vmlinux first: the module's BTF reports ErrClosed.
	require.NoError(t, base.Close())
	_, err = b.Type(b.StartID())
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
