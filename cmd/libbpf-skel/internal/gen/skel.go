package gen

import (
	"fmt"
	"go/format"
	"sort"
	"strings"
)

// section is a global data section with its Go struct.
type section struct {
	name  string // ".rodata"
	field string // "Rodata"
	typ   *namedType
	// readOnly: .rodata and .rodata.*, frozen at Load.
	readOnly bool
	size     uint32
}

type mapField struct {
	name, field string
	key, value  string
}

type progField struct {
	name, section, field string
}

// IsDataSection reports whether libbpf backs the ELF section name with a
// global data map whose variables a skeleton shows.
func IsDataSection(name string) bool {
	for _, p := range []string{".data", ".rodata", ".bss"} {
		if name == p || strings.HasPrefix(name, p+".") {
			return true
		}
	}
	return false
}

// Generate returns the Go source of the skeleton described by in,
// formatted, or an error saying what cannot be generated.
func Generate(in *Input) ([]byte, error) {
	if !IsIdentifier(in.Name) {
		return nil, fmt.Errorf("-name %q is not a Go identifier (letters, digits and _, not starting with a digit)", in.Name)
	}
	if !IsIdentifier(in.Package) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", in.Package)
	}
	prefix := Camel(in.Name)
	helper := strings.ToLower(prefix[:1]) + prefix[1:]
	global := newScope(" in package " + in.Package)
	for _, n := range []string{prefix, "Open" + prefix, prefix + "Programs", prefix + "Maps", prefix + "Links",
		helper + "Object", helper + "View", helper + "GetBits", helper + "GetSignedBits", helper + "SetBits"} {
		if err := global.claim(n, "the skeleton's "+n); err != nil {
			return nil, err
		}
	}
	g := newTypeGen(in.Types, prefix, helper, global)

	// Fields of Counter, Counter.Programs, .Maps, .Links.
	skelFields := newScope(" in " + prefix)
	for _, f := range []string{"Programs", "Maps", "Links", "obj"} {
		_ = skelFields.claim(f, "the skeleton's "+f)
	}
	progFields := newScope(" in " + prefix + "Programs")
	mapFields := newScope(" in " + prefix + "Maps")

	var progs []progField
	for _, p := range in.Programs {
		f := Camel(p.Name)
		if err := progFields.claim(f, "program "+p.Name); err != nil {
			return nil, err
		}
		progs = append(progs, progField{name: p.Name, section: p.Section, field: f})
	}

	var sections []*section
	for _, name := range in.DataSections {
		id, ok := findDatasec(in.Types, name)
		if !ok {
			continue
		}
		dt := in.Types[id]
		s := &section{name: name, field: Camel(name), readOnly: strings.HasPrefix(name, ".rodata"), size: dt.Size}
		if err := mapFields.claim(s.field, "section "+name); err != nil {
			return nil, err
		}
		var members []Member
		vars := append([]VarSecinfo(nil), dt.Vars...)
		sort.SliceStable(vars, func(i, j int) bool { return vars[i].Offset < vars[j].Offset })
		for _, v := range vars {
			vt := in.Types[v.Type]
			if vt.Kind != KindVar || !vt.Global {
				continue // static variables are not part of the skeleton
			}
			members = append(members, Member{Name: vt.Name, Type: vt.Type, BitOffset: v.Offset * 8})
		}
		if len(members) > 0 {
			goName := prefix + s.field
			n := &namedType{goName: goName, cDesc: "section " + name}
			if err := global.claim(goName, "the struct of section "+name); err != nil {
				return nil, err
			}
			if err := skelFields.claim(s.field, "section "+name); err != nil {
				return nil, err
			}
			doc := fmt.Sprintf("%s holds the global variables of section %s (%d bytes).", goName, name, dt.Size)
			if err := g.genStruct(n, members, dt.Size, true, doc); err != nil {
				return nil, err
			}
			n.declared = true
			s.typ = n
		}
		sections = append(sections, s)
	}

	var maps []mapField
	for _, m := range in.Maps {
		if strings.Contains(m.Name, ".") {
			continue // a global data section's map: a section above
		}
		mf := mapField{name: m.Name, field: Camel(m.Name)}
		if err := mapFields.claim(mf.field, "map "+m.Name); err != nil {
			return nil, err
		}
		for _, kv := range []struct {
			id   uint32
			what string
			dst  *string
		}{{m.Key, "Key", &mf.key}, {m.Value, "Value", &mf.value}} {
			if kv.id == 0 {
				continue
			}
			gt, err := g.ref(kv.id, prefix+mf.field+kv.what)
			if err != nil {
				return nil, fmt.Errorf("map %s: %s type %s: %v", m.Name, strings.ToLower(kv.what), g.describe(kv.id), err)
			}
			*kv.dst = gt.expr
		}
		maps = append(maps, mf)
	}

	var aliases []string
	seen := map[string]bool{}
	for _, name := range in.ExtraTypes {
		if seen[name] {
			continue
		}
		seen[name] = true
		id, ok := in.Types.findNamed(name)
		if !ok {
			return nil, fmt.Errorf("-type %s: the object's BTF has no struct, union, enum or typedef called %s (is it used in the C file? clang keeps only types the program uses)", name, name)
		}
		want := prefix + Camel(name)
		gt, err := g.ref(id, want)
		if err != nil {
			return nil, fmt.Errorf("-type %s: %v", name, err)
		}
		if gt.expr != want {
			if err := global.claim(want, "typedef "+name); err != nil {
				return nil, err
			}
			aliases = append(aliases, fmt.Sprintf("// %s is typedef %s.\ntype %s = %s\n", want, name, want, gt.expr))
		}
	}

	var b strings.Builder
	writeHeader(&b, in)
	fmt.Fprintf(&b, "//go:embed %s\nvar %sObject []byte\n\n", in.Object, helper)
	writeSkeleton(&b, in, prefix, helper, progs, maps, sections)
	b.WriteString("\n// Types of the object's BTF.\n")
	for _, n := range g.order {
		b.WriteString("\n" + n.code)
	}
	for _, a := range aliases {
		b.WriteString("\n" + a)
	}
	for _, s := range sections {
		if s.typ != nil {
			b.WriteString("\n" + s.typ.code)
		}
	}
	all := append([]*namedType(nil), g.order...)
	for _, s := range sections {
		if s.typ != nil {
			all = append(all, s.typ)
		}
	}
	layoutChecks(&b, all)
	writeHelpers(&b, helper, g.usedBits)
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("internal error: generated Go does not parse: %v", err)
	}
	return src, nil
}

// GenerateTypes returns Go source (package pkg) with the Go types of the
// BTF types called typeNames (structs, unions, enums or typedefs, and
// what they contain), and their layout checks, without a skeleton: for
// tests of the layout of many types at once. A type that cannot be
// generated is left out, with nothing it would have added, and reported
// in skipped (name: reason).
func GenerateTypes(types Types, pkg, name string, typeNames []string) (src []byte, generated int, skipped []string, err error) {
	prefix := Camel(name)
	helper := strings.ToLower(prefix[:1]) + prefix[1:]
	g := newTypeGen(types, prefix, helper, newScope(" in package "+pkg))
	for _, tn := range typeNames {
		id, ok := types.findNamed(tn)
		if !ok {
			skipped = append(skipped, tn+": no such type")
			continue
		}
		mark := g.checkpoint()
		if _, err := g.ref(id, prefix+Camel(tn)); err != nil {
			g.rollback(mark)
			skipped = append(skipped, tn+": "+err.Error())
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by libbpf-skel's tests. DO NOT EDIT.\n\npackage %s\n\nimport \"unsafe\"\n\nvar _ unsafe.Pointer\n", pkg)
	for _, n := range g.order {
		b.WriteString("\n" + n.code)
	}
	layoutChecks(&b, g.order)
	writeHelpers(&b, helper, g.usedBits)
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("internal error: generated Go does not parse: %v", err)
	}
	return out, len(g.order), skipped, nil
}

func findDatasec(types Types, name string) (uint32, bool) {
	for id, t := range types {
		if t != nil && t.Kind == KindDatasec && t.Name == name {
			return uint32(id), true
		}
	}
	return 0, false
}

func writeHeader(b *strings.Builder, in *Input) {
	fmt.Fprintf(b, "// Code generated by libbpf-skel from %s; DO NOT EDIT.\n", in.Source)
	if in.Command != "" {
		fmt.Fprintf(b, "// %s\n", in.Command)
	}
	b.WriteString("\n")
	if in.GOARCH != "" {
		fmt.Fprintf(b, "//go:build %s\n\n", in.GOARCH)
	}
	fmt.Fprintf(b, "package %s\n\n", in.Package)
	b.WriteString("import (\n\t_ \"embed\"\n\t\"errors\"\n\t\"fmt\"\n\t\"unsafe\"\n\n\tlibbpf \"github.com/libbpf-go/libbpf-go/binding\"\n)\n\n")
}

func writeSkeleton(b *strings.Builder, in *Input, prefix, helper string, progs []progField, maps []mapField, sections []*section) {
	open := "Open" + prefix
	fmt.Fprintf(b, `// %[1]s is the skeleton of %[2]s: the BPF object compiled from it
// (embedded), one field per program, map and link, and its global
// variables as Go structs. Make it with %[3]s, then Load, Attach, and
// Close.
//
// Global variables: between %[3]s and Load, the section structs point at
// libbpf's initial image of each section, so a store (c.Rodata.X = 1)
// sets the value the kernel map is created with. After Load, writable
// sections (.data, .bss and their .data.*, .bss.* kin) point at the live
// map memory (a mapping shared with the BPF programs: plain loads and
// stores, no system call, not atomic), while read-only sections (.rodata,
// .rodata.*), which the kernel froze at Load, point at a Go copy made
// at Load: their values cannot change any more, and a store into the
// copy changes nothing in the kernel. A pointer taken before Load must not
// be used after it (take c.Rodata, c.Bss... again), and none after Close.
type %[1]s struct {
	// Programs are the object's programs, by C function name.
	Programs %[1]sPrograms
	// Maps are the object's maps, by C name; global data sections by
	// section name (.rodata: Rodata).
	Maps %[1]sMaps
	// Links are the links Attach made, one per program, nil for a
	// program it did not attach (see Attach); Close closes them.
	Links %[1]sLinks
`, prefix, in.Source, open)
	for _, s := range sections {
		if s.typ != nil {
			fmt.Fprintf(b, "\t// %s is section %s (see %s for when it is live).\n\t%s *%s\n", s.field, s.name, prefix, s.field, s.typ.goName)
		}
	}
	fmt.Fprintf(b, "\n\tobj *libbpf.Object\n}\n\n")

	fmt.Fprintf(b, "// %sPrograms are the programs of %s.\ntype %sPrograms struct {\n", prefix, in.Source, prefix)
	for _, p := range progs {
		fmt.Fprintf(b, "\t%s *libbpf.Program // %s, SEC(%q)\n", p.field, p.name, p.section)
	}
	fmt.Fprintf(b, "}\n\n// %sMaps are the maps of %s.\ntype %sMaps struct {\n", prefix, in.Source, prefix)
	for _, m := range maps {
		kv := ""
		if m.key != "" || m.value != "" {
			kv = fmt.Sprintf(": key %s, value %s", orNone(m.key), orNone(m.value))
		}
		fmt.Fprintf(b, "\t%s *libbpf.Map // %s%s\n", m.field, m.name, kv)
	}
	for _, s := range sections {
		fmt.Fprintf(b, "\t%s *libbpf.Map // section %s\n", s.field, s.name)
	}
	fmt.Fprintf(b, "}\n\n// %sLinks are the links of the programs of %s.\ntype %sLinks struct {\n", prefix, in.Source, prefix)
	for _, p := range progs {
		fmt.Fprintf(b, "\t%s *libbpf.Link\n", p.field)
	}
	b.WriteString("}\n\n")

	fmt.Fprintf(b, `// %[1]s opens the embedded object with libbpf.OpenMem
// (bpf_object__open_mem) and finds its programs, maps and global data
// sections. opts may be nil. The object is not loaded: configure it (the
// read-only globals, map sizes...) and call Load.
func %[1]s(opts *libbpf.ObjectOptions) (*%[2]s, error) {
	obj, err := libbpf.OpenMem(%[3]q, %[4]sObject, opts)
	if err != nil {
		return nil, fmt.Errorf("%[3]s skeleton: %%w", err)
	}
	c := &%[2]s{obj: obj}
	if err := c.find(); err != nil {
		obj.Close()
		return nil, fmt.Errorf("%[3]s skeleton: %%w", err)
	}
	return c, nil
}

// find fills the program and map fields and points the section structs at
// libbpf's initial images.
func (c *%[2]s) find() error {
	var err error
`, open, prefix, in.Name, helper)
	for _, p := range progs {
		fmt.Fprintf(b, "\tif c.Programs.%s, err = c.obj.Program(%q); err != nil {\n\t\treturn err\n\t}\n", p.field, p.name)
	}
	for _, m := range maps {
		fmt.Fprintf(b, "\tif c.Maps.%s, err = c.obj.Map(%q); err != nil {\n\t\treturn err\n\t}\n", m.field, m.name)
	}
	for _, s := range sections {
		fmt.Fprintf(b, "\tif c.Maps.%s, err = c.obj.Map(%q); err != nil {\n\t\treturn err\n\t}\n", s.field, s.name)
		if s.typ != nil {
			fmt.Fprintf(b, "\tif mem, err := c.Maps.%s.InitialValue(); err != nil {\n\t\treturn err\n\t} else if c.%s, err = %sView[%s](mem, %d); err != nil {\n\t\treturn fmt.Errorf(\"section %s: %%w\", err)\n\t}\n",
				s.field, s.field, helper, s.typ.goName, s.size, s.name)
		}
	}
	b.WriteString("\treturn nil\n}\n\n")

	fmt.Fprintf(b, `// Load loads the object into the kernel (libbpf.Object.Load,
// bpf_object__load) and points the section structs at the loaded maps:
// writable sections at their live memory (libbpf.Map.Memory), read-only
// ones at a copy of their frozen value. When the kernel rejects a
// program, errors.As finds a *libbpf.VerifierError in the error.
func (c *%[1]s) Load() error {
	if err := c.obj.Load(); err != nil {
		return err
	}
`, prefix)
	for _, s := range sections {
		if s.typ == nil {
			continue
		}
		if s.readOnly {
			fmt.Fprintf(b, "\tc.%[1]s = new(%[2]s)\n\tif err := c.Maps.%[1]s.Lookup(make([]byte, 4), unsafe.Slice((*byte)(unsafe.Pointer(c.%[1]s)), %[3]d)); err != nil {\n\t\tc.%[1]s = nil\n\t\treturn fmt.Errorf(\"%[4]s skeleton: section %[5]s: %%w\", err)\n\t}\n",
				s.field, s.typ.goName, s.size, in.Name, s.name)
		} else {
			fmt.Fprintf(b, "\tc.%[1]s = nil\n\tif mem, err := c.Maps.%[1]s.Memory(); err != nil {\n\t\treturn fmt.Errorf(\"%[3]s skeleton: section %[4]s: %%w\", err)\n\t} else if c.%[1]s, err = %[5]sView[%[2]s](mem, %[6]d); err != nil {\n\t\treturn fmt.Errorf(\"%[3]s skeleton: section %[4]s: %%w\", err)\n\t}\n",
				s.field, s.typ.goName, in.Name, s.name, helper, s.size)
		}
	}
	b.WriteString("\treturn nil\n}\n\n")

	fmt.Fprintf(b, `// Attach attaches every program as bpf_object__attach_skeleton does
// (libbpf.Program.AttachSkeleton): in ELF order, each loaded program with
// autoattach on whose section name says where to attach it; a program
// whose link is already set (attached by hand into c.Links) is left alone,
// and the others stay nil. On an error the links made so far stay in
// c.Links, for Close.
func (c *%[1]s) Attach() error {
	var err error
`, prefix)
	for _, p := range progs {
		fmt.Fprintf(b, "\tif c.Links.%[1]s == nil {\n\t\tif c.Links.%[1]s, err = c.Programs.%[1]s.AttachSkeleton(); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n", p.field)
	}
	b.WriteString("\treturn nil\n}\n\n")

	fmt.Fprintf(b, `// Close closes the links (which detaches their programs unless they were
// disconnected), then the object; the section structs are then gone.
// Close is idempotent.
func (c *%[1]s) Close() error {
	if c == nil {
		return nil
	}
	var errs []error
	for _, l := range []**libbpf.Link{`, prefix)
	for i, p := range progs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "&c.Links.%s", p.field)
	}
	b.WriteString("} {\n\t\tif *l != nil {\n\t\t\terrs = append(errs, (*l).Close())\n\t\t\t*l = nil\n\t\t}\n\t}\n")
	for _, s := range sections {
		if s.typ != nil {
			fmt.Fprintf(b, "\tc.%s = nil\n", s.field)
		}
	}
	fmt.Fprintf(b, "\terrs = append(errs, c.obj.Close())\n\treturn errors.Join(errs...)\n}\n\n")
	fmt.Fprintf(b, "// Object returns the skeleton's libbpf object.\nfunc (c *%s) Object() *libbpf.Object {\n\treturn c.obj\n}\n\n", prefix)

	fmt.Fprintf(b, `// %[1]sView returns mem as a *T: mem must hold the section's size bytes
// (Go may round T's size up to its alignment: the bytes past the section
// are padding, which the mapping still holds) and be aligned for T.
func %[1]sView[T any](mem []byte, size int) (*T, error) {
	var zero T
	if len(mem) < size || size > int(unsafe.Sizeof(zero)) {
		return nil, fmt.Errorf("memory of %%d bytes, want %%d", len(mem), size)
	}
	p := unsafe.Pointer(unsafe.SliceData(mem))
	if uintptr(p)%%unsafe.Alignof(zero) != 0 {
		return nil, fmt.Errorf("memory at %%p is not aligned for %%T", p, zero)
	}
	return (*T)(p), nil
}
`, helper)
}

func orNone(s string) string {
	if s == "" {
		return "(sized)"
	}
	return s
}

func writeHelpers(b *strings.Builder, helper string, bits bool) {
	if !bits {
		return
	}
	fmt.Fprintf(b, `
// %[1]sGetBits returns the n bits at bit shift of b (little-endian).
func %[1]sGetBits(b []byte, shift, n uint) uint64 {
	var v uint64
	for i := uint(0); i < n; i++ {
		bit := shift + i
		v |= uint64(b[bit/8]>>(bit%%8)&1) << i
	}
	return v
}

// %[1]sGetSignedBits returns the n bits at bit shift of b, sign-extended.
func %[1]sGetSignedBits(b []byte, shift, n uint) int64 {
	return int64(%[1]sGetBits(b, shift, n)<<(64-n)) >> (64 - n)
}

// %[1]sSetBits sets the n bits at bit shift of b to the low bits of v.
func %[1]sSetBits(b []byte, shift, n uint, v uint64) {
	for i := uint(0); i < n; i++ {
		bit := shift + i
		b[bit/8] = b[bit/8]&^(1<<(bit%%8)) | byte(v>>i&1)<<(bit%%8)
	}
}
`, helper)
}
