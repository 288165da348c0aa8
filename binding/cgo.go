//go:build !libbpf_nopkgconfig

package libbpf

// The compiler and linker flags for libbpf and its dependencies come from
// pkg-config. Point PKG_CONFIG_PATH at the staged libbpf.pc (run
// `eval "$(make -s env)"`), or build with the libbpf_nopkgconfig tag and
// set CGO_CFLAGS and CGO_LDFLAGS yourself. glue.h refuses, at compile time,
// a libbpf older than 1.7.0.

// #cgo pkg-config: libbpf libelf zlib
import "C"
