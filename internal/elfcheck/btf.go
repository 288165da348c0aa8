package elfcheck

import (
	"encoding/binary"
	"fmt"
)

// BTF kinds (BTF_KIND_* of linux/btf.h) whose size checkBTF must know to
// walk the types.
const (
	btfKindInt       = 1
	btfKindArray     = 3
	btfKindStruct    = 4
	btfKindUnion     = 5
	btfKindEnum      = 6
	btfKindTypedef   = 8
	btfKindVolatile  = 9
	btfKindConst     = 10
	btfKindRestrict  = 11
	btfKindFuncProto = 13
	btfKindVar       = 14
	btfKindDatasec   = 15
	btfKindDeclTag   = 17
	btfKindTypeTag   = 18
	btfKindEnum64    = 19
	btfKindMax       = 19

	btfMagic = 0xeb9f
)

// btfHeader is struct btf_header of linux/btf.h.
type btfHeader struct {
	Magic   uint16
	Version uint8
	Flags   uint8
	HdrLen  uint32
	TypeOff uint32
	TypeLen uint32
	StrOff  uint32
	StrLen  uint32
}

var btfHeaderSize = binary.Size(btfHeader{})

// btfTypeSize is the size of struct btf_type of linux/btf.h: name_off,
// info (kind in bits 24-28, vlen in bits 0-15), then size or type.
const btfTypeSize = 12

// checkBTF checks that the type graph of the object's BTF has no cycle that
// does not pass through a pointer or a function: a type that contains
// itself through typedefs, modifiers (const, volatile, restrict, type
// tags), array elements, struct or union members, variables or declaration
// tags. Such a cycle cannot come from a compiler (the kernel rejects it as
// well), but libbpf follows these references without a depth limit, in
// loops and recursions that never end on one (fuzzing found CO-RE
// relocation looping forever on a typedef of itself). The BTF's other
// properties are left to libbpf's own checks (btf__new), so data it does
// not understand is not reported here.
func checkBTF(data []byte) error {
	var h btfHeader
	if len(data) < btfHeaderSize {
		return nil
	}
	decode(data, &h)
	if h.Magic != btfMagic {
		return nil
	}
	start := uint64(h.HdrLen) + uint64(h.TypeOff)
	if !inBounds(start, uint64(h.TypeLen), uint64(len(data))) {
		return nil
	}
	g, ok := btfRefs(data[start : start+uint64(h.TypeLen)])
	if !ok {
		return nil
	}
	if id, found := findCycle(g); found {
		return fmt.Errorf("BTF type %d contains itself (through typedefs, modifiers, arrays, members or variables)", id)
	}
	return nil
}

// btfExtra returns the size of the data that follows a struct btf_type of
// kind with vlen members, or -1 for a kind checkBTF does not know.
func btfExtra(kind, vlen int) int {
	switch kind {
	case btfKindInt, btfKindVar, btfKindDeclTag:
		return 4
	case btfKindArray:
		return 12 // struct btf_array
	case btfKindStruct, btfKindUnion, btfKindDatasec, btfKindEnum64:
		return 12 * vlen // btf_member, btf_var_secinfo, btf_enum64
	case btfKindEnum, btfKindFuncProto:
		return 8 * vlen // btf_enum, btf_param
	}
	if kind > btfKindMax {
		return -1
	}
	return 0
}

// btfGraph holds, for each type ID (0 is void), the types that the type
// holds by value: those of id are edges[start[id]:start[id+1]]. Two flat
// slices rather than one slice per type, so that building the graph of an
// object's thousands of types takes a few allocations.
type btfGraph struct {
	start []uint32
	edges []uint32
}

// len returns the number of type IDs, void included.
func (g btfGraph) len() int { return len(g.start) - 1 }

// refs returns the types that type id holds by value.
func (g btfGraph) refs(id uint32) []uint32 { return g.edges[g.start[id]:g.start[id+1]] }

// btfRefs returns the graph of the BTF type section types, and false when
// a type is of a kind it does not know or is cut short, which libbpf
// rejects.
func btfRefs(types []byte) (btfGraph, bool) {
	ne := binary.NativeEndian
	// Every type is at least btfTypeSize bytes; void has no references.
	g := btfGraph{start: make([]uint32, 2, 2+len(types)/btfTypeSize)}
	for len(types) >= btfTypeSize {
		info, sizeOrType := ne.Uint32(types[4:]), ne.Uint32(types[8:])
		kind, vlen := int(info>>24)&0x1f, int(info&0xffff)
		extra := btfExtra(kind, vlen)
		if extra < 0 || len(types) < btfTypeSize+extra {
			return btfGraph{}, false
		}
		body := types[btfTypeSize : btfTypeSize+extra]
		switch kind {
		case btfKindVar, btfKindDeclTag, btfKindTypedef, btfKindVolatile, btfKindConst, btfKindRestrict, btfKindTypeTag:
			g.edges = append(g.edges, sizeOrType)
		case btfKindArray:
			g.edges = append(g.edges, ne.Uint32(body)) // btf_array.type
		case btfKindStruct, btfKindUnion:
			for m := range vlen {
				g.edges = append(g.edges, ne.Uint32(body[12*m+4:])) // btf_member.type
			}
		case btfKindDatasec:
			for m := range vlen {
				g.edges = append(g.edges, ne.Uint32(body[12*m:])) // btf_var_secinfo.type
			}
		}
		g.start = append(g.start, uint32(len(g.edges)))
		types = types[btfTypeSize+extra:]
	}
	return g, true
}

// findCycle searches the graph g (type ID to the IDs it holds by value)
// depth first, without recursion, and returns a type met again while it
// is on the path, which closes a cycle. References to unknown IDs are
// ignored: libbpf rejects them.
func findCycle(g btfGraph) (uint32, bool) {
	const (
		unseen = iota
		onPath
		done
	)
	n := g.len()
	state := make([]byte, n)
	type frame struct {
		id   uint32
		next uint32
	}
	var stack []frame
	for root := range n {
		if state[root] != unseen {
			continue
		}
		state[root] = onPath
		stack = append(stack[:0], frame{id: uint32(root)})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			refs := g.refs(top.id)
			if int(top.next) == len(refs) {
				state[top.id] = done
				stack = stack[:len(stack)-1]
				continue
			}
			child := refs[top.next]
			top.next++
			if int(child) >= n {
				continue
			}
			switch state[child] {
			case onPath:
				return child, true
			case unseen:
				state[child] = onPath
				stack = append(stack, frame{id: child})
			}
		}
	}
	return 0, false
}
