//go:build !libbpf_nopkgconfig

package libbpf

// The compiler and linker flags for libbpf and its dependencies come from
// pkg-config, through pkgconfig/libbpf-go.pc, which requires libbpf,
// libelf and zlib. The libbpf.pc that pkg-config finds is, in order: the
// one libbpf-setup built (its PKG_CONFIG wrapper, set with go env -w,
// puts it first), one on PKG_CONFIG_PATH (`eval "$(make -s env)"` in a
// clone), the system's, and last a stand-in in pkgconfig/ that makes
// glue.h fail with the command to run. Or build with the
// libbpf_nopkgconfig tag and set CGO_CFLAGS and CGO_LDFLAGS yourself.
// glue.h refuses, at compile time, a libbpf older than 1.7.0.

// #cgo pkg-config: ${SRCDIR}/pkgconfig/libbpf-go.pc
import "C"
