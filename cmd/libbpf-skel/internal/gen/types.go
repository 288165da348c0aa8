package gen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// goType is a Go type expression with the size and alignment Go gives it.
type goType struct {
	expr  string
	size  uint32
	align uint32
	// integer reports a type a bitfield may have (integers, bool, enums).
	integer bool
	signed  bool
	boolean bool
}

// namedType is a generated Go type declaration.
type namedType struct {
	id     uint32
	goName string
	cDesc  string
	size   uint32
	align  uint32
	// declared is false while the type's members are being generated.
	declared bool
	code     string
	// checks are the layout checks: "" for the size, else a field.
	checks []layoutCheck
	// enum: an integer type, not a struct.
	enum bool
}

type layoutCheck struct {
	field string
	value uint32
}

// typeGen generates the Go types of a BTF, each once, named
// prefix+Camel(C name), anonymous ones after where they are first met.
type typeGen struct {
	types  Types
	prefix string
	// helper is the unexported prefix of the file's helper functions.
	helper string
	global *scope
	named  map[uint32]*namedType
	order  []*namedType
	// namedLog lists the keys of named in the order they were added.
	namedLog []uint32
	// usedBits says that the code calls the bitfield helpers.
	usedBits bool
}

func newTypeGen(types Types, prefix, helper string, global *scope) *typeGen {
	return &typeGen{types: types, prefix: prefix, helper: helper, global: global, named: make(map[uint32]*namedType)}
}

// mark is a state of a typeGen to roll back to.
type mark struct {
	order, named, names int
}

// checkpoint returns the current state, for rollback.
func (g *typeGen) checkpoint() mark {
	return mark{order: len(g.order), named: len(g.namedLog), names: len(g.global.log)}
}

// rollback forgets every type and name added since m.
func (g *typeGen) rollback(m mark) {
	for _, id := range g.namedLog[m.named:] {
		delete(g.named, id)
	}
	for _, n := range g.global.log[m.names:] {
		delete(g.global.names, n)
	}
	g.order, g.namedLog, g.global.log = g.order[:m.order], g.namedLog[:m.named], g.global.log[:m.names]
}

// skipQualifiers follows const, volatile, restrict and type tags.
func (g *typeGen) skipQualifiers(id uint32) (uint32, *Type, error) {
	for range 64 {
		if int(id) >= len(g.types) {
			return 0, nil, fmt.Errorf("type ID %d is beyond the BTF", id)
		}
		t := g.types[id]
		switch t.Kind {
		case KindConst, KindVolatile, KindRestrict, KindTypeTag:
			id = t.Type
		default:
			return id, t, nil
		}
	}
	return 0, nil, fmt.Errorf("type ID %d: qualifier chain too long", id)
}

// describe names a type as C would: "struct event", "__u32", "enum color".
func (g *typeGen) describe(id uint32) string {
	if int(id) >= len(g.types) {
		return fmt.Sprintf("type %d", id)
	}
	t := g.types[id]
	switch t.Kind {
	case KindStruct, KindUnion, KindEnum, KindEnum64, KindFwd:
		kw := map[Kind]string{KindStruct: "struct", KindUnion: "union", KindEnum: "enum", KindEnum64: "enum", KindFwd: "struct"}[t.Kind]
		if t.Name == "" {
			return "anonymous " + kw
		}
		return kw + " " + t.Name
	case KindPtr:
		return g.describe(t.Type) + " *"
	case KindArray:
		return fmt.Sprintf("%s[%d]", g.describe(t.ArrayElem), t.ArrayLen)
	case KindConst, KindVolatile, KindRestrict, KindTypeTag:
		return g.describe(t.Type)
	case KindVoid:
		return "void"
	}
	if t.Name != "" {
		return t.Name
	}
	return t.Kind.String()
}

// ref returns the Go type for a use of type id; ctx names an anonymous
// struct, union or enum met there.
func (g *typeGen) ref(id uint32, ctx string) (goType, error) {
	id, t, err := g.skipQualifiers(id)
	if err != nil {
		return goType{}, err
	}
	switch t.Kind {
	case KindInt:
		return intType(t)
	case KindPtr:
		// BPF pointers are 64 bits wide whatever the host.
		return goType{expr: "uint64", size: 8, align: 8}, nil
	case KindFloat:
		switch t.Size {
		case 4:
			return goType{expr: "float32", size: 4, align: 4}, nil
		case 8:
			return goType{expr: "float64", size: 8, align: 8}, nil
		}
		//lint:ignore ST1005 Go is a proper noun
		return goType{}, fmt.Errorf("Go has no %d-byte floating-point type (%s)", t.Size, g.describe(id))
	case KindArray:
		elem, err := g.ref(t.ArrayElem, ctx)
		if err != nil {
			return goType{}, err
		}
		return goType{expr: fmt.Sprintf("[%d]%s", t.ArrayLen, elem.expr), size: t.ArrayLen * elem.size, align: elem.align}, nil
	case KindTypedef:
		target, tt, err := g.skipQualifiers(t.Type)
		if err != nil {
			return goType{}, err
		}
		if tt.Name == "" && (tt.Kind == KindStruct || tt.Kind == KindUnion || tt.Kind == KindEnum || tt.Kind == KindEnum64) {
			return g.ref(target, g.prefix+Camel(t.Name))
		}
		return g.ref(t.Type, ctx)
	case KindStruct, KindUnion, KindEnum, KindEnum64:
		name := ctx
		if t.Name != "" {
			name = g.prefix + Camel(t.Name)
		}
		if name == "" {
			return goType{}, fmt.Errorf("%s (type %d) has no name to give its Go type", g.describe(id), id)
		}
		n, err := g.declare(id, name)
		if err != nil {
			return goType{}, err
		}
		gt := goType{expr: n.goName, size: n.size, align: n.align}
		if t.Kind == KindEnum || t.Kind == KindEnum64 {
			gt.integer, gt.signed = true, t.Signed
		}
		return gt, nil
	case KindFwd:
		return goType{}, fmt.Errorf("%s is only declared, never defined, so its layout is unknown", g.describe(id))
	case KindVoid:
		return goType{}, fmt.Errorf("void has no Go type")
	case KindFuncProto, KindFunc:
		return goType{}, fmt.Errorf("a function is not data (a pointer to one is)")
	}
	return goType{}, fmt.Errorf("%s (type %d, %s) has no Go type", g.describe(id), id, t.Kind)
}

// intType maps a BTF integer to Go: char to byte, _Bool to bool,
// __int128 to [2]uint64.
func intType(t *Type) (goType, error) {
	signed := t.IntEncoding&IntSigned != 0
	switch {
	case t.IntEncoding&IntBool != 0 && t.Size == 1:
		return goType{expr: "bool", size: 1, align: 1, integer: true, boolean: true}, nil
	case t.Name == "char" && t.Size == 1:
		return goType{expr: "byte", size: 1, align: 1, integer: true}, nil
	}
	switch t.Size {
	case 1, 2, 4, 8:
		expr := fmt.Sprintf("int%d", t.Size*8)
		if !signed {
			expr = "u" + expr
		}
		return goType{expr: expr, size: t.Size, align: t.Size, integer: true, signed: signed}, nil
	case 16:
		return goType{expr: "[2]uint64", size: 16, align: 8}, nil
	}
	//lint:ignore ST1005 Go is a proper noun
	return goType{}, fmt.Errorf("Go has no %d-byte integer type (%s)", t.Size, t.Name)
}

// declare generates the Go type called name for the struct, union or
// enum id, once.
func (g *typeGen) declare(id uint32, name string) (*namedType, error) {
	if n, ok := g.named[id]; ok {
		if !n.declared {
			return nil, fmt.Errorf("%s contains itself", n.cDesc)
		}
		return n, nil
	}
	t := g.types[id]
	n := &namedType{id: id, goName: name, cDesc: g.describe(id)}
	owner := n.cDesc
	if t.Name != "" {
		// Kernel BTF may hold two different types of one name.
		owner = fmt.Sprintf("%s (BTF type %d)", n.cDesc, id)
	}
	if err := g.global.claim(name, owner); err != nil {
		return nil, err
	}
	g.named[id] = n
	g.namedLog = append(g.namedLog, id)
	var err error
	switch t.Kind {
	case KindStruct:
		err = g.genStruct(n, t.Members, t.Size, false, fmt.Sprintf("%s is %s (%d bytes).", name, n.cDesc, t.Size))
	case KindUnion:
		err = g.genUnion(n, t)
	default:
		err = g.genEnum(n, t)
	}
	if err != nil {
		return nil, err
	}
	n.declared = true
	g.order = append(g.order, n)
	return n, nil
}

// isBitfield reports whether a member is a bitfield.
func isBitfield(m Member) bool { return m.BitfieldSize != 0 }

type field struct {
	line string
	name string // for the layout check; "" for padding
	off  uint32
}

// genStruct lays out members (a struct's, or a data section's as
// members) as Go fields at their exact offsets, with padding spelled out.
// When Go's alignment of a field does not fit its offset, or of the whole
// does not fit size (packed structs), such fields are kept as bytes with
// accessor methods.
func (g *typeGen) genStruct(n *namedType, members []Member, size uint32, section bool, doc string) error {
	for _, bytesOnly := range []bool{false, true} {
		fields, methods, align, err := g.layStruct(n, members, size, bytesOnly, section)
		if err != nil {
			return err
		}
		if size%align != 0 && !bytesOnly && !section {
			continue // packed: lay out again without aligned fields
		}
		var b strings.Builder
		fmt.Fprintf(&b, "// %s\ntype %s struct {\n", doc, n.goName)
		for _, f := range fields {
			b.WriteString("\t" + f.line + "\n")
			if f.name != "" {
				n.checks = append(n.checks, layoutCheck{field: f.name, value: f.off})
			}
		}
		b.WriteString("}\n")
		for _, m := range methods {
			b.WriteString("\n" + m)
		}
		n.code = b.String()
		n.size, n.align = size, align
		goSize := (size + align - 1) / align * align
		n.checks = append([]layoutCheck{{value: goSize}}, n.checks...)
		return nil
	}
	return fmt.Errorf("%s: no Go layout found", n.cDesc)
}

func (g *typeGen) layStruct(n *namedType, members []Member, size uint32, bytesOnly, section bool) (fields []field, methods []string, align uint32, err error) {
	names := newScope(" in " + n.goName)
	align = 1
	pos := uint32(0)
	anon := 0
	bitfields := 0
	pad := func(to uint32) {
		if to > pos {
			fields = append(fields, field{line: fmt.Sprintf("_ [%d]byte", to-pos)})
			pos = to
		}
	}
	for i := 0; i < len(members); i++ {
		m := members[i]
		if isBitfield(m) {
			j := i
			end := uint32(0)
			for ; j < len(members) && isBitfield(members[j]); j++ {
				end = max(end, members[j].BitOffset+members[j].BitfieldSize)
			}
			start := m.BitOffset / 8
			if start < pos {
				return nil, nil, 0, fmt.Errorf("%s: bitfield %s overlaps the member before it", n.cDesc, m.Name)
			}
			pad(start)
			storage := fmt.Sprintf("bitfields%d", bitfields)
			bitfields++
			width := (end+7)/8 - start
			fields = append(fields, field{line: fmt.Sprintf("%s [%d]byte", storage, width), name: storage, off: start})
			for _, bm := range members[i:j] {
				if bm.Name == "" {
					continue
				}
				code, err := g.bitfieldAccessors(n, names, bm, "s."+storage+"[:]", bm.BitOffset-start*8)
				if err != nil {
					return nil, nil, 0, err
				}
				methods = append(methods, code)
			}
			pos = start + width
			i = j - 1
			continue
		}
		if m.BitOffset%8 != 0 {
			return nil, nil, 0, fmt.Errorf("%s: member %s is not at a byte offset", n.cDesc, m.Name)
		}
		off := m.BitOffset / 8
		var goName, ctx string
		if m.Name == "" {
			goName = fmt.Sprintf("%sAnon%d", n.goName, anon)
			ctx = goName
			anon++
		} else {
			goName = Camel(m.Name)
			ctx = n.goName + goName
		}
		mt, err := g.ref(m.Type, ctx)
		if err != nil {
			what := "member"
			if section {
				what = "global variable"
			}
			return nil, nil, 0, fmt.Errorf("%s: %s %s of type %s: %v", n.cDesc, what, m.Name, g.describe(m.Type), err)
		}
		if mt.size == 0 {
			// A flexible array or an empty struct: no Go field (a
			// zero-size last field would make Go pad the struct); a
			// named array gets a method that reaches past the end.
			if _, t, _ := g.skipQualifiers(m.Type); t != nil && t.Kind == KindArray && m.Name != "" {
				if err := names.claim(goName, "member "+m.Name); err != nil {
					return nil, nil, 0, err
				}
				elem := strings.TrimPrefix(mt.expr, "[0]")
				methods = append(methods, fmt.Sprintf("// %s returns the first n elements of the flexible array member %s, which\n// start at byte %d; the memory behind s must hold them.\nfunc (s *%s) %s(n int) []%s {\n\treturn unsafe.Slice((*%s)(unsafe.Add(unsafe.Pointer(s), %d)), n)\n}\n",
					goName, m.Name, off, n.goName, goName, elem, elem, off))
			}
			continue
		}
		if off < pos {
			return nil, nil, 0, fmt.Errorf("%s: member %s overlaps the member before it", n.cDesc, m.Name)
		}
		pad(off)
		if (bytesOnly && mt.align > 1) || off%mt.align != 0 {
			// Go cannot place this type here: keep its bytes and give
			// accessors that copy.
			if m.Name == "" {
				goName = fmt.Sprintf("Anon%d", anon-1)
			}
			if err := names.claim(goName, "member "+m.Name); err != nil {
				return nil, nil, 0, err
			}
			if err := names.claim("Set"+goName, "the setter of member "+m.Name); err != nil {
				return nil, nil, 0, err
			}
			storage := "raw" + goName
			fields = append(fields, field{line: fmt.Sprintf("%s [%d]byte", storage, mt.size), name: storage, off: off})
			methods = append(methods, fmt.Sprintf("// %s returns member %s, stored unaligned.\nfunc (s *%s) %s() (v %s) {\n\tcopy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), %d), s.%s[:])\n\treturn v\n}\n\n// Set%s sets member %s, stored unaligned.\nfunc (s *%s) Set%s(v %s) {\n\tcopy(s.%s[:], unsafe.Slice((*byte)(unsafe.Pointer(&v)), %d))\n}\n",
				goName, m.Name, n.goName, goName, mt.expr, mt.size, storage,
				goName, m.Name, n.goName, goName, mt.expr, storage, mt.size))
			pos = off + mt.size
			continue
		}
		if err := names.claim(goName, "member "+displayName(m.Name)); err != nil {
			return nil, nil, 0, err
		}
		if m.Name == "" {
			// Embedded, so that its fields and methods are reached
			// directly, as C reaches an anonymous member's.
			fields = append(fields, field{line: mt.expr, name: mt.expr, off: off})
		} else {
			fields = append(fields, field{line: goName + " " + mt.expr, name: goName, off: off})
		}
		align = max(align, mt.align)
		pos = off + mt.size
	}
	if pos > size {
		return nil, nil, 0, fmt.Errorf("%s: members end at byte %d, beyond its size %d", n.cDesc, pos, size)
	}
	pad(size)
	return fields, methods, align, nil
}

func displayName(name string) string {
	if name == "" {
		return "(anonymous)"
	}
	return name
}

// bitfieldAccessors returns the getter and setter of bitfield m, whose
// bits start at bit shift of the bytes expression storage.
func (g *typeGen) bitfieldAccessors(n *namedType, names *scope, m Member, storage string, shift uint32) (string, error) {
	mt, err := g.ref(m.Type, n.goName+Camel(m.Name))
	if err != nil {
		return "", fmt.Errorf("%s: bitfield %s: %v", n.cDesc, m.Name, err)
	}
	if !mt.integer || m.BitfieldSize > 64 {
		return "", fmt.Errorf("%s: bitfield %s of type %s is not an integer", n.cDesc, m.Name, g.describe(m.Type))
	}
	goName := Camel(m.Name)
	if err := names.claim(goName, "bitfield "+m.Name); err != nil {
		return "", err
	}
	if err := names.claim("Set"+goName, "the setter of bitfield "+m.Name); err != nil {
		return "", err
	}
	g.usedBits = true
	recv := receiver(n)
	get := fmt.Sprintf("%s(%sGetBits(%s, %d, %d))", mt.expr, g.helper, storage, shift, m.BitfieldSize)
	set := fmt.Sprintf("%sSetBits(%s, %d, %d, uint64(v))", g.helper, storage, shift, m.BitfieldSize)
	switch {
	case mt.boolean:
		get = fmt.Sprintf("%sGetBits(%s, %d, %d) != 0", g.helper, storage, shift, m.BitfieldSize)
		set = fmt.Sprintf("var u uint64\n\tif v {\n\t\tu = 1\n\t}\n\t%sSetBits(%s, %d, %d, u)", g.helper, storage, shift, m.BitfieldSize)
	case mt.signed:
		get = fmt.Sprintf("%s(%sGetSignedBits(%s, %d, %d))", mt.expr, g.helper, storage, shift, m.BitfieldSize)
	}
	return fmt.Sprintf("// %s returns bitfield %s (%d bits).\nfunc (%s) %s() %s {\n\treturn %s\n}\n\n// Set%s sets bitfield %s (%d bits) to the low bits of v.\nfunc (%s) Set%s(v %s) {\n\t%s\n}\n",
		goName, m.Name, m.BitfieldSize, recv, goName, mt.expr, get,
		goName, m.Name, m.BitfieldSize, recv, goName, mt.expr, set), nil
}

func receiver(n *namedType) string {
	return "s *" + n.goName
}

// genUnion makes a union a struct of its size and alignment with one
// method per member, which returns a pointer to the member's view of the
// memory (bitfields: a getter and a setter).
func (g *typeGen) genUnion(n *namedType, t *Type) error {
	names := newScope(" in " + n.goName)
	align := uint32(1)
	var methods []string
	anon := 0
	for _, m := range t.Members {
		if isBitfield(m) {
			code, err := g.bitfieldAccessors(n, names, m, fmt.Sprintf("unsafe.Slice((*byte)(unsafe.Pointer(s)), %d)", t.Size), m.BitOffset)
			if err != nil {
				return err
			}
			methods = append(methods, code)
			continue
		}
		var goName string
		if m.Name == "" {
			goName = fmt.Sprintf("Anon%d", anon)
			anon++
		} else {
			goName = Camel(m.Name)
		}
		mt, err := g.ref(m.Type, n.goName+goName)
		if err != nil {
			return fmt.Errorf("%s: member %s of type %s: %v", n.cDesc, displayName(m.Name), g.describe(m.Type), err)
		}
		if err := names.claim(goName, "member "+displayName(m.Name)); err != nil {
			return err
		}
		align = max(align, mt.align)
		methods = append(methods, fmt.Sprintf("// %s returns the union's memory as member %s.\nfunc (s *%s) %s() *%s {\n\treturn (*%s)(unsafe.Add(unsafe.Pointer(s), %d))\n}\n",
			goName, displayName(m.Name), n.goName, goName, mt.expr, mt.expr, m.BitOffset/8))
	}
	elem := map[uint32]string{1: "byte", 2: "uint16", 4: "uint32", 8: "uint64"}[align]
	if t.Size%align != 0 {
		elem, align = "byte", 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is %s (%d bytes): Go has no unions, so each member is\n// reached through a method.\ntype %s struct {\n", n.goName, n.cDesc, t.Size, n.goName)
	if t.Size > 0 {
		fmt.Fprintf(&b, "\traw [%d]%s\n", t.Size/align, elem)
	}
	b.WriteString("}\n")
	for _, m := range methods {
		b.WriteString("\n" + m)
	}
	n.code = b.String()
	n.size, n.align = t.Size, align
	n.checks = []layoutCheck{{value: t.Size}}
	return nil
}

// genEnum makes an enum a named integer type with its constants,
// prefixed with the type's name.
func (g *typeGen) genEnum(n *namedType, t *Type) error {
	switch t.Size {
	case 1, 2, 4, 8:
	default:
		return fmt.Errorf("%s: Go has no %d-byte integer", n.cDesc, t.Size)
	}
	base := fmt.Sprintf("int%d", t.Size*8)
	if !t.Signed {
		base = "u" + base
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is %s (%d bytes).\ntype %s %s\n", n.goName, n.cDesc, t.Size, n.goName, base)
	if len(t.Values) > 0 {
		b.WriteString("\n// The constants of " + n.cDesc + ".\nconst (\n")
		for _, v := range t.Values {
			name := n.goName + Camel(v.Name)
			if err := g.global.claim(name, "enum constant "+v.Name); err != nil {
				return err
			}
			val := strconv.FormatUint(v.Value, 10)
			if t.Signed {
				val = strconv.FormatInt(int64(v.Value), 10)
			} else if t.Size < 8 {
				val = strconv.FormatUint(v.Value&(1<<(t.Size*8)-1), 10)
			}
			fmt.Fprintf(&b, "\t%s %s = %s // %s\n", name, n.goName, val, v.Name)
		}
		b.WriteString(")\n")
	}
	n.code = b.String()
	n.size, n.align = t.Size, t.Size
	n.checks = []layoutCheck{{value: t.Size}}
	n.enum = true
	return nil
}

// findNamed returns the struct, union, enum or typedef called name, in
// that order of preference.
func (t Types) findNamed(name string) (uint32, bool) {
	best, bestRank := uint32(0), 99
	rank := map[Kind]int{KindStruct: 0, KindUnion: 0, KindEnum: 0, KindEnum64: 0, KindTypedef: 1}
	for id, ty := range t {
		if ty == nil || ty.Name != name {
			continue
		}
		if r, ok := rank[ty.Kind]; ok && r < bestRank {
			best, bestRank = uint32(id), r
		}
	}
	return best, bestRank != 99
}

// layoutChecks writes the compile-time layout checks of the types.
func layoutChecks(b *strings.Builder, types []*namedType) {
	any := false
	for _, n := range types {
		if len(n.checks) > 0 {
			any = true
		}
	}
	if !any {
		return
	}
	b.WriteString("\n// Layout checks against the BTF: each constant is 0 when Go's size or\n// offset equals C's, and does not compile (overflows uintptr) otherwise.\nconst (\n")
	sorted := append([]*namedType(nil), types...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].goName < sorted[j].goName })
	for _, n := range sorted {
		for _, c := range n.checks {
			expr := fmt.Sprintf("unsafe.Sizeof(%s{})", n.goName)
			if n.enum {
				expr = fmt.Sprintf("unsafe.Sizeof(%s(0))", n.goName)
			}
			if c.field != "" {
				expr = fmt.Sprintf("unsafe.Offsetof(%s{}.%s)", n.goName, c.field)
			}
			fmt.Fprintf(b, "\t_ = %s - %d + (%d - %s)\n", expr, c.value, c.value, expr)
		}
	}
	b.WriteString(")\n")
}
