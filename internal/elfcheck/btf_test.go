package elfcheck

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
)

// btfType returns a struct btf_type of kind with vlen members and the
// size or type field ref, followed by extra.
func btfType(kind, vlen int, ref uint32, extra ...uint32) []byte {
	b := binary.NativeEndian.AppendUint32(nil, 0)
	b = binary.NativeEndian.AppendUint32(b, uint32(kind)<<24|uint32(vlen))
	b = binary.NativeEndian.AppendUint32(b, ref)
	for _, x := range extra {
		b = binary.NativeEndian.AppendUint32(b, x)
	}
	return b
}

// btfInt is a 4-byte int.
func btfInt() []byte { return btfType(btfKindInt, 0, 4, 32) }

// btfRef is a type of a kind that refers to type id (typedef, modifier,
// pointer, variable).
func btfRef(kind int, id uint32) []byte {
	if kind == btfKindVar || kind == btfKindDeclTag {
		return btfType(kind, 0, id, 0)
	}
	return btfType(kind, 0, id)
}

// btfStruct is a struct whose members have the types ids.
func btfStruct(kind int, ids ...uint32) []byte {
	var members []uint32
	for _, id := range ids {
		members = append(members, 0, id, 0) // name_off, type, offset
	}
	return btfType(kind, len(ids), 4*uint32(len(ids)), members...)
}

// btfOf returns BTF data holding types, with an empty string section.
func btfOf(types ...[]byte) []byte {
	var body []byte
	for _, t := range types {
		body = append(body, t...)
	}
	h := btfHeader{Magic: btfMagic, Version: 1, HdrLen: uint32(btfHeaderSize),
		TypeLen: uint32(len(body)), StrOff: uint32(len(body)), StrLen: 1}
	b, err := binary.Append(nil, binary.NativeEndian, &h)
	if err != nil {
		panic(err)
	}
	return append(append(b, body...), 0)
}

// Types that contain themselves by value are found, whatever leads there;
// through a pointer or a function prototype they are not a loop.
func TestCheckBTF(t *testing.T) {
	const ptr, fwd, fn = 2, 7, 12
	loops := map[string][][]byte{
		"typedef of itself":              {btfRef(btfKindTypedef, 1)},
		"const of itself":                {btfRef(btfKindConst, 1)},
		"volatile restrict pair":         {btfRef(btfKindVolatile, 2), btfRef(btfKindRestrict, 1)},
		"type tag of itself":             {btfRef(btfKindTypeTag, 1)},
		"array of itself":                {btfType(btfKindArray, 0, 0, 1, 1, 4)},
		"struct member of itself":        {btfInt(), btfStruct(btfKindStruct, 1, 2)},
		"union member through a typedef": {btfStruct(btfKindUnion, 2), btfRef(btfKindTypedef, 1)},
		"variable of itself":             {btfRef(btfKindVar, 1)},
		"decl tag of itself":             {btfRef(btfKindDeclTag, 1)},
		"datasec entry of itself":        {btfType(btfKindDatasec, 1, 0, 1, 0, 4)},
	}
	for name, types := range loops {
		t.Run(name, func(t *testing.T) {
			assert.ErrorContains(t, checkBTF(btfOf(types...)), "contains itself")
		})
	}
	fine := map[string][][]byte{
		"no types":                {},
		"int and typedef":         {btfInt(), btfRef(btfKindTypedef, 1)},
		"list through a pointer":  {btfStruct(btfKindStruct, 2), btfRef(ptr, 1)},
		"function of itself":      {btfType(btfKindFuncProto, 1, 0, 0, 2), btfRef(fn, 1)},
		"forward declaration":     {btfType(fwd, 0, 0), btfRef(btfKindTypedef, 1)},
		"diamond":                 {btfInt(), btfRef(btfKindConst, 1), btfStruct(btfKindStruct, 1, 2, 2)},
		"unknown ID (libbpf's)":   {btfRef(btfKindTypedef, 99)},
		"unknown kind (libbpf's)": {btfRef(btfKindTypedef, 1), btfType(btfKindMax+1, 0, 0)},
		"cut short (libbpf's)":    {btfRef(btfKindTypedef, 1), btfInt()[:14]},
		"enum and enum64":         {btfType(btfKindEnum, 1, 4, 0, 0), btfType(btfKindEnum64, 1, 8, 0, 0, 0)},
	}
	for name, types := range fine {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, checkBTF(btfOf(types...)))
		})
	}
	// What is not BTF is left to libbpf.
	good := btfOf(btfRef(btfKindTypedef, 1))
	assert.NoError(t, checkBTF(good[:btfHeaderSize-1]), "shorter than the header")
	bad := append([]byte(nil), good...)
	bad[0] ^= 0xff
	assert.NoError(t, checkBTF(bad), "no magic")
	bad = append([]byte(nil), good...)
	binary.NativeEndian.PutUint32(bad[12:], 1<<31)
	assert.NoError(t, checkBTF(bad), "type section past the end")
}

// The cycle is named by the type that closes it.
func TestCheckBTFNamesTheType(t *testing.T) {
	err := checkBTF(btfOf(btfInt(), btfRef(btfKindConst, 3), btfRef(btfKindTypedef, 2)))
	assert.EqualError(t, err, "BTF type 2 contains itself (through typedefs, modifiers, arrays, members or variables)")
}

// A long chain and a wide struct are walked without recursion.
func TestCheckBTFDeep(t *testing.T) {
	types := [][]byte{btfInt()}
	for id := uint32(1); id < 100000; id++ {
		types = append(types, btfRef(btfKindTypedef, id))
	}
	assert.NoError(t, checkBTF(btfOf(types...)))
	// Types 2 to n+1 in a ring: 2 -> n+1 -> n -> ... -> 2.
	n := len(types)
	types = append(types, btfRef(btfKindConst, uint32(n)))
	types[1] = btfRef(btfKindTypedef, uint32(n+1))
	assert.ErrorContains(t, checkBTF(btfOf(types...)), "contains itself")
}
