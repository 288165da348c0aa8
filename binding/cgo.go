//go:build !libbpf_nopkgconfig

package libbpf

// The compiler and linker flags for libbpf and its dependencies come from
// pkg-config, through libbpf-go.pc beside this file, which requires libbpf,
// libelf and zlib. The libbpf.pc that pkg-config finds is, in order: the
// one libbpf-setup built (its PKG_CONFIG wrapper, set with go env -w, puts
// it first), one on PKG_CONFIG_PATH (`eval "$(make -s env)"` in a clone),
// the system's, and last the stand-in libbpf.pc beside this file, which
// makes glue.h stop the build with the command to run (pkgconf, the
// pkg-config of Debian, Ubuntu and Fedora, searches the folder of a .pc
// file named by its path after all others). Or build with the
// libbpf_nopkgconfig tag and set CGO_CFLAGS and CGO_LDFLAGS yourself.
// glue.h refuses, at compile time, a libbpf older than 1.7.0.

// #cgo pkg-config: ${SRCDIR}/libbpf-go.pc
import "C"
