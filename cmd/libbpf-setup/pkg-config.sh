#!/bin/sh
# pkg-config for libbpf-go, written by libbpf-setup: `go env PKG_CONFIG`
# names it, and `libbpf-setup -undo` takes that back. It puts the .pc
# folder of a libbpf that libbpf-setup built first on PKG_CONFIG_PATH and
# runs the real pkg-config, so other cgo packages are looked up as before.
# For the binding (its argument .../binding/libbpf-go.pc) it takes the
# build of the pin beside that binding, and none if that pin is not set up
# (the binding then says to run libbpf-setup); for a vendored binding (no
# pin beside it) and for any other query (libbpf-skel's
# --variable=includedir libbpf) the last one set up.
root='@ROOT@'
real='@REAL@'
build=$root/current
for a do
	case $a in
	*/binding/libbpf-go.pc)
		pin=${a%/binding/libbpf-go.pc}/libbpf/CHECKPOINT
		if [ -f "$pin" ]; then
			v=$(sed -n 's/^version=//p' "$pin")
			s=$(sed -n 's/^sha256=//p' "$pin" | cut -c1-12)
			build=$root/$v-$s
		fi
		;;
	esac
done
if [ -f "$build/SETUP" ]; then
	PKG_CONFIG_PATH=$build/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
	export PKG_CONFIG_PATH
fi
exec "$real" "$@"
