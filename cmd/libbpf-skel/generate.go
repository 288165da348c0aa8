package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
	"github.com/libbpf-go/libbpf-go/cmd/libbpf-skel/internal/gen"
)

// targetArch maps a GOARCH to bpf_tracing.h's __TARGET_ARCH_* and the
// Debian multiarch include folder. Only 64-bit little-endian
// architectures: the generated types are BPF's layout (64-bit pointers,
// the host's byte order), which is Go's there.
var targetArch = map[string]struct{ arch, multiarch string }{
	"amd64":   {"x86", "x86_64-linux-gnu"},
	"arm64":   {"arm64", "aarch64-linux-gnu"},
	"riscv64": {"riscv", "riscv64-linux-gnu"},
	"ppc64le": {"powerpc", "powerpc64le-linux-gnu"},
	"loong64": {"loongarch", "loongarch64-linux-gnu"},
}

// minClang is the oldest clang accepted: BTF for BPF objects with CO-RE
// relocations and global data.
const minClang = 11

// output is a file to write: data under a temporary name first.
type output struct {
	path string
	tmp  string
}

func generate(o *options) error {
	if !gen.IsIdentifier(o.name) {
		return fmt.Errorf("-name %q is not a Go identifier (letters, digits and _, not starting with a digit)", o.name)
	}
	if o.pkg == "" {
		return errors.New("no Go package name: run from go generate (which sets $GOPACKAGE) or pass -package")
	}
	if !gen.IsIdentifier(o.pkg) {
		return fmt.Errorf("-package %q is not a Go identifier", o.pkg)
	}
	if _, err := os.Stat(o.source); err != nil {
		//lint:ignore ST1005 C, the language, is a proper noun
		return fmt.Errorf("C file: %w", err)
	}
	arches := []string(o.targets)
	constrained := len(arches) > 0
	if !constrained {
		arches = []string{envOr("GOARCH", runtime.GOARCH)}
	}
	for _, a := range arches {
		if _, ok := targetArch[a]; !ok {
			return fmt.Errorf("GOARCH %s is not supported (supported: amd64, arm64, riscv64, ppc64le, loong64: 64-bit little-endian)", a)
		}
	}
	if err := checkClang(o.clang); err != nil {
		return err
	}
	include, err := libbpfInclude()
	if err != nil {
		return err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	dir := filepath.Dir(o.source)
	var outs []output
	defer func() {
		for _, out := range outs {
			os.Remove(out.tmp) // gone after a successful rename
		}
	}()
	// newTemp makes a temporary file in dir, which becomes path at the
	// end, or is removed if path is "" (scratch files: pattern names
	// them).
	newTemp := func(path, pattern string) (string, error) {
		if path != "" {
			pattern = "." + filepath.Base(path) + ".tmp*"
		}
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return "", err
		}
		f.Close()
		outs = append(outs, output{path: path, tmp: f.Name()})
		return f.Name(), nil
	}
	for _, arch := range arches {
		stem := o.name + "_bpf"
		if constrained {
			stem += "_" + arch
		}
		objPath := filepath.Join(dir, stem+".o")
		goPath := filepath.Join(dir, stem+".go")
		objTmp, err := newTemp(objPath, "")
		if err != nil {
			return err
		}
		if err := compile(o, arch, include, cwd, objTmp); err != nil {
			return err
		}
		in, err := describe(objTmp)
		if err != nil {
			return err
		}
		if missing := missingTypes(in.Types, o.types); len(missing) > 0 {
			// clang writes to BTF only the types the code uses; the
			// others named with -type come from a second object whose
			// only addition is a pointer to each, in a section of its
			// own that libbpf skips.
			typesTmp, err := newTemp("", ".libbpf_skel_types.*.o")
			if err != nil {
				return err
			}
			if in, err = describeWithTypes(o, arch, include, cwd, typesTmp, missing, newTemp); err != nil {
				return err
			}
		}
		in.Name, in.Package = o.name, o.pkg
		in.Source, in.Object = filepath.Base(o.source), filepath.Base(objPath)
		in.ExtraTypes = o.types
		in.Command = "libbpf-skel " + strings.Join(o.original, " ")
		if constrained {
			in.GOARCH = arch
		}
		src, err := gen.Generate(in)
		if err != nil {
			return fmt.Errorf("%s: %v", o.source, err)
		}
		goTmp, err := newTemp(goPath, "")
		if err != nil {
			return err
		}
		if err := os.WriteFile(goTmp, src, 0o644); err != nil {
			return err
		}
	}
	for _, out := range outs {
		if out.path == "" {
			continue
		}
		if err := os.Chmod(out.tmp, 0o644); err != nil {
			return err
		}
		if err := os.Rename(out.tmp, out.path); err != nil {
			return err
		}
	}
	return nil
}

// missingTypes returns the names among want that no struct, union, enum
// or typedef of types has.
func missingTypes(types gen.Types, want []string) []string {
	have := make(map[string]bool)
	for _, t := range types {
		switch t.Kind {
		case gen.KindStruct, gen.KindUnion, gen.KindEnum, gen.KindEnum64, gen.KindTypedef:
			have[t.Name] = true
		}
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	return missing
}

// describeWithTypes compiles the C file again with a reference to each of
// the missing types appended, so that they reach BTF, and describes that
// object. Each name is tried as a struct, union, enum and typedef, in
// that order; a name that is none of them is an error.
func describeWithTypes(o *options, arch, include, cwd, out string, missing []string, newTemp func(string, string) (string, error)) (*gen.Input, error) {
	var keep []string
	for i, name := range missing {
		found := false
		for _, kind := range []string{"struct ", "union ", "enum ", ""} {
			// The assertion fails to compile for an incomplete type (a
			// struct that is only declared), the pointer keeps the type.
			decl := fmt.Sprintf("_Static_assert(sizeof(%[1]s%[2]s) >= 0, \"\");\n%[1]s%[2]s *__libbpf_skel_keep_%[3]d __attribute__((used, section(\".libbpf_skel_types\")));\n", kind, name, i)
			if err := compileWrapper(o, arch, include, cwd, out, append(keep, decl), newTemp, true); err == nil {
				keep, found = append(keep, decl), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("-type %s: %s has no struct, union, enum or typedef called %s", name, o.source, name)
		}
	}
	if err := compileWrapper(o, arch, include, cwd, out, keep, newTemp, false); err != nil {
		return nil, err
	}
	return describe(out)
}

// compileWrapper compiles a C file that includes the source and then the
// declarations keep, quietly when probing.
func compileWrapper(o *options, arch, include, cwd, out string, keep []string, newTemp func(string, string) (string, error), quiet bool) error {
	src := "#include \"" + filepath.Base(o.source) + "\"\n" + strings.Join(keep, "")
	wrapper, err := newTemp("", ".libbpf_skel_types.*.c")
	if err != nil {
		return err
	}
	if err := os.WriteFile(wrapper, []byte(src), 0o600); err != nil {
		return err
	}
	w := *o
	w.source = wrapper
	return compileQuiet(&w, arch, include, cwd, out, quiet)
}

// checkClang finds clang and checks its version.
func checkClang(clang string) error {
	install := installHint()
	path, err := exec.LookPath(clang)
	if err != nil {
		return fmt.Errorf("%s not found (libbpf-skel needs clang %d or newer): install it with `%s`", clang, minClang, install)
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %v: install clang %d or newer with `%s`", path, err, minClang, install)
	}
	m := regexp.MustCompile(`clang version (\d+)\.(\d+)`).FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("%s does not say which clang version it is: install clang %d or newer with `%s`", path, minClang, install)
	}
	if major, _ := strconv.Atoi(string(m[1])); major < minClang {
		return fmt.Errorf("%s is clang %s.%s, too old (libbpf-skel needs clang %d or newer): install a newer one with `%s`", path, m[1], m[2], minClang, install)
	}
	return nil
}

func installHint() string {
	if _, err := os.Stat("/etc/debian_version"); err == nil {
		return "sudo apt-get install clang llvm"
	}
	if _, err := os.Stat("/etc/fedora-release"); err == nil {
		return "sudo dnf install clang llvm"
	}
	return "your distribution's clang package"
}

// libbpfInclude returns the folder that holds bpf/bpf_helpers.h:
// $LIBBPF_INCLUDE when set (the repository's Makefile sets it, also for
// NO_PKG_CONFIG builds), else pkg-config (go env PKG_CONFIG, else
// pkg-config) --variable=includedir libbpf, or the first -I of
// --cflags-only-I that has it.
func libbpfInclude() (string, error) {
	if d := os.Getenv("LIBBPF_INCLUDE"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "bpf", "bpf_helpers.h")); err != nil {
			return "", fmt.Errorf("LIBBPF_INCLUDE=%s has no bpf/bpf_helpers.h", d)
		}
		return d, nil
	}
	pc := "pkg-config"
	if out, err := exec.Command("go", "env", "PKG_CONFIG").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		pc = strings.TrimSpace(string(out))
	} else if v := os.Getenv("PKG_CONFIG"); v != "" {
		pc = v
	}
	hint := "run libbpf-setup, or `eval \"$(make -s env)\"` in the libbpf-go repository, so that pkg-config finds libbpf"
	var dirs []string
	if out, err := exec.Command(pc, "--variable=includedir", "libbpf").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			dirs = append(dirs, d)
		}
	}
	if out, err := exec.Command(pc, "--cflags-only-I", "libbpf").Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if d, ok := strings.CutPrefix(f, "-I"); ok {
				dirs = append(dirs, d)
			}
		}
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "bpf", "bpf_helpers.h")); err == nil {
			return d, nil
		}
	}
	if len(dirs) == 0 {
		return "", fmt.Errorf("%s cannot find libbpf: %s", pc, hint)
	}
	return "", fmt.Errorf("no bpf/bpf_helpers.h under %s (from %s): %s", strings.Join(dirs, ", "), pc, hint)
}

// compile runs clang on the C file for arch into out.
func compile(o *options, arch, include, cwd, out string) error {
	return compileQuiet(o, arch, include, cwd, out, false)
}

// compileQuiet is compile, without clang's messages when quiet.
func compileQuiet(o *options, arch, include, cwd, out string, quiet bool) error {
	ta := targetArch[arch]
	args := []string{"-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_" + ta.arch, "-I" + include}
	// asm/ headers that linux/ headers include live in Debian's
	// multiarch folder, where clang -target bpf does not look: the
	// target's, else the host's (the asm/ types BPF programs use are the
	// same on every 64-bit architecture).
	for _, d := range []string{"/usr/include/" + ta.multiarch, "/usr/include/" + targetArch[runtime.GOARCH].multiarch} {
		if dirExists(d) {
			args = append(args, "-idirafter", d)
			break
		}
	}
	// Paths in the debug info are made relative, so that the object is
	// the same wherever the module is checked out.
	args = append(args, "-fdebug-prefix-map="+cwd+"=.")
	args = append(args, o.cflags...)
	args = append(args, "-c", o.source, "-o", out)
	cmd := exec.Command(o.clang, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = os.Stderr, &stderr
	err := cmd.Run()
	if !quiet {
		os.Stderr.Write(stderr.Bytes())
	}
	if err != nil {
		return fmt.Errorf("clang could not compile %s for %s (%v); its messages are above", o.source, arch, err)
	}
	return nil
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

// describe reads the compiled object: its programs, maps and BTF through
// libbpf (bpf_object__open; nothing is loaded into the kernel).
func describe(path string) (*gen.Input, error) {
	obj, err := libbpf.OpenFile(path, nil)
	if err != nil {
		return nil, fmt.Errorf("libbpf cannot open the compiled object: %v", err)
	}
	defer obj.Close()
	// The object's BTF, not the file's: libbpf has filled in the sizes
	// and variable offsets of the data sections, which clang leaves 0.
	btf, err := obj.BTF()
	if err != nil {
		return nil, fmt.Errorf("the compiled object has no BTF (was -g dropped?): %v", err)
	}
	types, err := convertBTF(btf)
	if err != nil {
		return nil, err
	}
	in := &gen.Input{Types: types}
	for _, p := range obj.Programs() {
		in.Programs = append(in.Programs, gen.Program{Name: p.Name(), Section: p.SectionName()})
	}
	keyValue := mapTypes(types)
	for _, m := range obj.Maps() {
		kv := keyValue[m.Name()]
		in.Maps = append(in.Maps, gen.Map{Name: m.Name(), Key: kv[0], Value: kv[1]})
	}
	for _, t := range types {
		if t != nil && t.Kind == gen.KindDatasec && gen.IsDataSection(t.Name) {
			if _, err := obj.Map(t.Name); err == nil {
				in.DataSections = append(in.DataSections, t.Name)
			}
		}
	}
	return in, nil
}

// convertBTF reads every type of btf into the generator's model.
func convertBTF(btf *libbpf.BTF) (gen.Types, error) {
	all, err := btf.Types()
	if err != nil {
		return nil, err
	}
	types := make(gen.Types, 1, len(all)+1)
	types[0] = &gen.Type{Kind: gen.KindVoid, Name: "void"}
	for _, t := range all {
		types = append(types, convertType(t))
	}
	return types, nil
}

func convertType(t *libbpf.BTFType) *gen.Type {
	g := &gen.Type{
		Kind: gen.Kind(t.Kind), Name: t.Name, Size: t.Size, Type: uint32(t.Type),
		IntEncoding: uint8(t.IntEncoding), IntBits: t.IntBits, IntOffset: t.IntOffset,
		ArrayElem: uint32(t.ArrayElem), ArrayLen: t.ArrayLen,
		Signed: t.Signed, Global: t.Kind == libbpf.BTFKindVar && t.Linkage != libbpf.BTFLinkageStatic,
	}
	for _, m := range t.Members {
		g.Members = append(g.Members, gen.Member{Name: m.Name, Type: uint32(m.Type), BitOffset: m.BitOffset, BitfieldSize: m.BitfieldSize})
	}
	for _, v := range t.Values {
		g.Values = append(g.Values, gen.EnumValue{Name: v.Name, Value: v.Value})
	}
	for _, v := range t.Vars {
		g.Vars = append(g.Vars, gen.VarSecinfo{Type: uint32(v.Type), Offset: v.Offset, Size: v.Size})
	}
	return g
}

// mapTypes returns the key and value type IDs of the maps of the .maps
// section, by map name: the targets of the key and value pointer members
// that __type(key, T) and __type(value, T) declare.
func mapTypes(types gen.Types) map[string][2]uint32 {
	out := make(map[string][2]uint32)
	skip := func(id uint32) *gen.Type {
		for int(id) < len(types) {
			t := types[id]
			switch t.Kind {
			case gen.KindConst, gen.KindVolatile, gen.KindRestrict, gen.KindTypeTag, gen.KindTypedef:
				id = t.Type
				continue
			}
			return t
		}
		return nil
	}
	for _, sec := range types {
		if sec == nil || sec.Kind != gen.KindDatasec || sec.Name != ".maps" {
			continue
		}
		for _, v := range sec.Vars {
			vt := types[v.Type]
			def := skip(vt.Type)
			if def == nil || def.Kind != gen.KindStruct {
				continue
			}
			var kv [2]uint32
			for _, m := range def.Members {
				mt := skip(m.Type)
				if mt == nil || mt.Kind != gen.KindPtr {
					continue
				}
				switch m.Name {
				case "key":
					kv[0] = mt.Type
				case "value":
					kv[1] = mt.Type
				}
			}
			out[vt.Name] = kv
		}
	}
	return out
}
