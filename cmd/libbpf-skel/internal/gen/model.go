// Package gen turns the BTF of a BPF object, with its programs and maps,
// into Go source: the types of its structs, unions and enums with the
// exact C layout, and a skeleton (open, load, attach, close; one field per
// program, map and link; the global data sections as Go structs). It is
// pure Go: cmd/libbpf-skel reads the object and its BTF through the
// binding and hands them over in the shapes below.
package gen

// Kind is a BTF kind (BTF_KIND_*); the values are the kernel's.
type Kind uint8

// The BTF kinds the generator looks at.
const (
	KindVoid      Kind = 0
	KindInt       Kind = 1
	KindPtr       Kind = 2
	KindArray     Kind = 3
	KindStruct    Kind = 4
	KindUnion     Kind = 5
	KindEnum      Kind = 6
	KindFwd       Kind = 7
	KindTypedef   Kind = 8
	KindVolatile  Kind = 9
	KindConst     Kind = 10
	KindRestrict  Kind = 11
	KindFunc      Kind = 12
	KindFuncProto Kind = 13
	KindVar       Kind = 14
	KindDatasec   Kind = 15
	KindFloat     Kind = 16
	KindDeclTag   Kind = 17
	KindTypeTag   Kind = 18
	KindEnum64    Kind = 19
)

var kindNames = [...]string{"void", "int", "pointer", "array", "struct", "union", "enum",
	"forward declaration", "typedef", "volatile", "const", "restrict", "function",
	"function prototype", "variable", "data section", "float", "decl_tag", "type_tag", "enum"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown kind"
}

// Integer encodings (BTF_INT_*).
const (
	IntSigned = 1 << 0
	IntChar   = 1 << 1
	IntBool   = 1 << 2
)

// Type is one BTF type. IDs index Types.
type Type struct {
	Kind Kind
	Name string
	// Size in bytes for int, float, struct, union, enum, enum64, datasec.
	Size uint32
	// Type is the referenced type of pointers, typedefs, qualifiers,
	// vars, funcs and decl/type tags.
	Type uint32

	IntEncoding uint8
	IntBits     uint8
	IntOffset   uint8

	ArrayElem uint32
	ArrayLen  uint32

	Members []Member

	Signed bool
	Values []EnumValue

	// Global reports, for a var, that it is not static.
	Global bool
	// Vars of a datasec.
	Vars []VarSecinfo
}

// Member is a struct or union member.
type Member struct {
	Name         string
	Type         uint32
	BitOffset    uint32
	BitfieldSize uint32
}

// EnumValue is an enum constant; Value holds its bits.
type EnumValue struct {
	Name  string
	Value uint64
}

// VarSecinfo is a variable of a data section.
type VarSecinfo struct {
	Type   uint32
	Offset uint32
	Size   uint32
}

// Types is a whole BTF: Types[id] is the type id, Types[0] is void.
type Types []*Type

// Program is a BPF program of the object.
type Program struct {
	// Name is the C function's name (bpf_program__name).
	Name string
	// Section is its ELF section (bpf_program__section_name).
	Section string
}

// Map is a map of the object, from its .maps section (or .struct_ops);
// the global data sections' maps are found from the BTF data sections.
type Map struct {
	// Name is the map's name (bpf_map__name).
	Name string
	// Key and Value are the BTF IDs of the key and value types, 0 when
	// the map declares sizes only (or none, as ring buffers).
	Key, Value uint32
}

// Input is everything a skeleton is made of.
type Input struct {
	// Name is the skeleton's name, a Go identifier once camel-cased:
	// "counter" gives Counter, OpenCounter, CounterEvent...
	Name string
	// Package is the Go package name of the generated file.
	Package string
	// Source is the C file's name, for comments.
	Source string
	// Object is the object file's name, beside the Go file (go:embed).
	Object string
	// GOARCH, when set, becomes the file's build constraint.
	GOARCH string
	// Command is the command line to show in the header.
	Command string

	Types    Types
	Programs []Program
	Maps     []Map
	// DataSections names the global data sections that libbpf backs with
	// a map (.data, .rodata, .bss, .data.*, .rodata.*, .bss.*), which get
	// Go structs.
	DataSections []string
	// ExtraTypes are the C type names given with -type.
	ExtraTypes []string
}
