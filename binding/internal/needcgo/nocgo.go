//go:build !cgo

package needcgo

// The binding is libbpf's C code called through cgo, so without cgo there
// is nothing to build. This reference fails on purpose: the identifier is
// the one line that a CGO_ENABLED=0 build of the binding prints. To
// cross-compile, set CGO_ENABLED=1, GOARCH and CC (a cross C compiler, e.g.
// aarch64-linux-gnu-gcc) and give it a libbpf built for that target
// (libbpf-setup with the same CC, or `make libbpf CC=...` in a clone).
var _ = this_package_needs_cgo_and_a_C_compiler__build_with_CGO_ENABLED_1__to_cross_compile_also_set_GOARCH_and_CC_to_a_cross_C_compiler
