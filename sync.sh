#!/usr/bin/env bash
# sync.sh mirrors one upstream libbpf release into libbpf/ and include/uapi/linux/.
#
# Usage:
#   ./sync.sh                  Debian's libbpf source package at the pinned version
#   ./sync.sh --libbpf DIR     a checkout or unpacked release of the libbpf mirror
#   ./sync.sh --kernel DIR     a bpf-next or linux tree (tools/lib/bpf and friends)
#   ./sync.sh --tarball FILE   a release tarball; its SHA-256 must match the pin
#   ./sync.sh --check          verify the synced tree against libbpf/CHECKPOINT
#   ./sync.sh --update DEBVER  move the pin to Debian's libbpf DEBVER (e.g. 1.7.1-1)
#                              and sync it
#   --dest DIR (before the mode) puts libbpf/ and include/uapi/linux/ under DIR
#   instead of beside this script: libbpf-setup syncs into its cache that way,
#   as the module's own folder is read-only there.
#
# Every mode produces the same shape: libbpf/src/, libbpf/include/{linux,asm,
# uapi/linux}/, the licence files and libbpf/SYNCED, plus include/uapi/linux/*.h
# at the top level. The new tree is assembled beside the old one and swapped in
# at the end, so a failed or interrupted sync leaves the previous tree whole.
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian),
# DEBIAN_SUITES (default "sid"), DEBIAN_KEYRING, BUILD (default ./build).
set -euo pipefail
shopt -s nullglob

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# OUT is where the synced tree goes (--dest); the pin and compat files are
# always read from beside this script.
OUT=$TOP
PIN=$TOP/libbpf/CHECKPOINT
PIN_FILE=$PIN # --update stages a new pin and reads that one
COMPAT=$TOP/libbpf/compat
BUILD=${BUILD:-}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SUITES=${DEBIAN_SUITES:-sid}
DEBIAN_KEYRING=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# uapi headers that libbpf's README maps from tools/include/uapi/linux/.
UAPI_BASE=(bpf_common.h bpf.h btf.h if_link.h if_xdp.h netlink.h)

die() {
	echo "sync.sh: $*" >&2
	exit 1
}
say() { echo "sync.sh: $*" >&2; }

usage() {
	sed -n '3,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# pin KEY prints one value of libbpf/CHECKPOINT.
pin() {
	[[ -r $PIN_FILE ]] || die "missing $PIN_FILE; restore it with: git checkout -- libbpf/CHECKPOINT"
	local v
	v=$(sed -n "s/^$1=//p" "$PIN_FILE")
	[[ -n $v ]] || die "libbpf/CHECKPOINT has no $1= line; restore it with: git checkout -- libbpf/CHECKPOINT"
	echo "$v"
}

# tree_hash DIR prints one SHA-256 over every synced file's path and content.
tree_hash() {
	(
		cd "$1"
		find libbpf/src libbpf/include libbpf/LICENSE* include/uapi/linux -type f -print0 2>/dev/null |
			LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
	)
}

# version_of SRC prints the libbpf version of a src/ folder, read the way
# libbpf's own Makefile reads it: the newest LIBBPF_x.y.z node of libbpf.map,
# with the patch level from libbpf/src/Makefile when there is one.
version_of() {
	local src=$1 majmin patch
	majmin=$(grep -oE '^LIBBPF_[0-9.]+' "$src/libbpf.map" | cut -d_ -f2 | sort -rV | head -n1)
	[[ -n $majmin ]] || die "$src/libbpf.map names no LIBBPF_x.y.z version; is this a libbpf source tree?"
	patch=$(sed -n 's/^LIBBPF_PATCH_VERSION := //p' "$src/Makefile" 2>/dev/null || true)
	echo "${majmin%.*}.${patch:-${majmin##*.}}"
}

# stage_finish NEW records where the new tree came from and copies the
# project's own files (the pin and the compat headers) into it.
stage_finish() {
	local new=$1 source=$2 version=$3 commit=$4 bpf_commit=$5
	cp "$PIN_FILE" "$new/libbpf/CHECKPOINT"
	cp -R "$COMPAT" "$new/libbpf/compat"
	mkdir -p "$new/include/uapi/linux"
	cp -p "$new"/libbpf/include/uapi/linux/*.h "$new/include/uapi/linux/"
	cat >"$new/libbpf/SYNCED" <<-EOF
		# Written by sync.sh; describes the tree in libbpf/src and libbpf/include.
		source=$source
		version=$version
		commit=$commit
		bpf_commit=$bpf_commit
		tree_sha256=$(tree_hash "$new")
	EOF
}

# swap_in NEW replaces libbpf/ and include/uapi/linux/ with the staged ones.
# Each replacement is two renames on one file system; recover() below puts
# things back if a sync dies between them.
swap_in() {
	local new=$1
	rm -rf "$OUT/.libbpf.old" "$OUT/.uapi.old"
	mv "$OUT/libbpf" "$OUT/.libbpf.old"
	mv "$new/libbpf" "$OUT/libbpf"
	mkdir -p "$OUT/include/uapi"
	if [[ -d $OUT/include/uapi/linux ]]; then
		mv "$OUT/include/uapi/linux" "$OUT/.uapi.old"
	fi
	mv "$new/include/uapi/linux" "$OUT/include/uapi/linux"
	rm -rf "$OUT/.libbpf.old" "$OUT/.uapi.old"
}

# recover undoes a swap that was interrupted between its two renames.
recover() {
	if [[ ! -d $OUT/libbpf && -d $OUT/.libbpf.old ]]; then
		say "recovering libbpf/ from an interrupted sync"
		mv "$OUT/.libbpf.old" "$OUT/libbpf"
	fi
	if [[ ! -d $OUT/include/uapi/linux && -d $OUT/.uapi.old ]]; then
		mv "$OUT/.uapi.old" "$OUT/include/uapi/linux"
	fi
	rm -rf "$OUT/.libbpf.old" "$OUT/.uapi.old" "$OUT"/.sync.*
}

# from_libbpf DIR NEW SOURCE stages a libbpf mirror tree.
from_libbpf() {
	local dir=$1 new=$2 source=$3 commit bpf_commit version
	[[ -f $dir/src/libbpf.c && -f $dir/include/uapi/linux/bpf.h ]] ||
		die "$dir is not a libbpf source tree (no src/libbpf.c or include/uapi/linux/bpf.h); pass a checkout of the libbpf mirror or an unpacked release"
	mkdir -p "$new/libbpf"
	# -L: copy what symlinks point at; a dangling one fails the sync.
	cp -RLp "$dir/src" "$new/libbpf/src"
	cp -RLp "$dir/include" "$new/libbpf/include"
	cp -Lp "$dir"/LICENSE* "$new/libbpf/"
	rm -rf "$new/libbpf/src/.gitignore"
	commit=$(cat "$dir/CHECKPOINT-COMMIT" 2>/dev/null || git -C "$dir" rev-parse HEAD 2>/dev/null || echo unknown)
	bpf_commit=$(cat "$dir/BPF-CHECKPOINT-COMMIT" 2>/dev/null || echo unknown)
	version=$(version_of "$new/libbpf/src")
	stage_finish "$new" "$source" "$version" "$commit" "$bpf_commit"
}

# from_kernel DIR NEW stages tools/lib/bpf of a kernel tree with the mapping
# of libbpf's README, the project's own reduced headers and build file.
from_kernel() {
	local dir=$1 new=$2 h inc
	[[ -f $dir/tools/lib/bpf/libbpf.c && -d $dir/tools/include/uapi/linux ]] ||
		die "$dir is not a kernel tree (no tools/lib/bpf/libbpf.c); pass the top of a bpf-next or linux checkout"
	mkdir -p "$new/libbpf/src" "$new/libbpf/include/uapi/linux"
	# src/ <- tools/lib/bpf/: sources, headers and libbpf's version map; the
	# kernel's own build files (Build, Makefile) are replaced by ours.
	cp -Lp "$dir"/tools/lib/bpf/*.[ch] "$dir"/tools/lib/bpf/libbpf.{map,pc.template} "$new/libbpf/src/"
	cp "$COMPAT/Makefile.kernel" "$new/libbpf/src/Makefile"
	if [[ ! -f $new/libbpf/src/bpf_helper_defs.h ]]; then
		# A kernel build generates it from bpf.h; do the same.
		[[ -f $dir/scripts/bpf_doc.py ]] ||
			die "$dir has neither tools/lib/bpf/bpf_helper_defs.h nor scripts/bpf_doc.py to generate it"
		command -v python3 >/dev/null || die "python3 is needed to generate bpf_helper_defs.h; install it (apt-get install python3)"
		python3 "$dir/scripts/bpf_doc.py" --header --file "$dir/tools/include/uapi/linux/bpf.h" \
			>"$new/libbpf/src/bpf_helper_defs.h"
	fi
	for h in "${UAPI_BASE[@]}"; do
		cp -L "$dir/tools/include/uapi/linux/$h" "$new/libbpf/include/uapi/linux/"
	done
	# Plus every further uapi header that the synced sources include.
	for inc in $(grep -ho '#include <linux/[a-z0-9_]*\.h>' "$new"/libbpf/src/*.[ch] | sed 's/.*<linux\/\(.*\)>/\1/' | sort -u); do
		[[ -f $dir/tools/include/uapi/linux/$inc ]] && cp -L "$dir/tools/include/uapi/linux/$inc" "$new/libbpf/include/uapi/linux/"
	done
	if [[ -f $dir/tools/include/tools/libc_compat.h ]]; then
		mkdir -p "$new/libbpf/include/tools"
		cp -L "$dir/tools/include/tools/libc_compat.h" "$new/libbpf/include/tools/"
	fi
	cp -R "$COMPAT/include/linux" "$COMPAT/include/asm" "$new/libbpf/include/"
	for f in "$dir"/LICENSES/{preferred,deprecated}/{BSD-2-Clause,LGPL-2.1}; do
		[[ -f $f ]] && cp "$f" "$new/libbpf/LICENSE.$(basename "$f")"
	done
	cp "$COMPAT/LICENSE" "$new/libbpf/LICENSE"
	local commit version
	commit=$(git -C "$dir" rev-parse HEAD 2>/dev/null || echo unknown)
	version=$(version_of "$new/libbpf/src")
	stage_finish "$new" "kernel:$dir" "$version" "${commit}" "$commit"
}

# fetch_debian DEBVER prints the path of Debian's libbpf orig tarball at that
# version, fetched with apt-get through a private configuration under
# build/apt (the system's apt sources, lists and caches are not touched).
fetch_debian() {
	local debver=$1 upver=${1%-*} apt=$BUILD/apt
	local tarball=$apt/src/libbpf_$upver.orig.tar.gz
	if [[ -f $tarball && -f $apt/src/libbpf_$debver.dsc ]]; then
		echo "$tarball"
		return
	fi
	command -v apt-get >/dev/null || die "apt-get not found: the default source is Debian's package; use --libbpf DIR or --kernel DIR instead"
	[[ -r $DEBIAN_KEYRING ]] || die "no Debian archive keyring at $DEBIAN_KEYRING; install debian-archive-keyring or set DEBIAN_KEYRING"
	mkdir -p "$apt"/{etc,lists/partial,cache/archives/partial,src}
	: >"$apt/etc/sources.list"
	local suite
	for suite in $DEBIAN_SUITES; do
		echo "deb-src [signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $suite main" >>"$apt/etc/sources.list"
	done
	local opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::Cache::pkgcache="
		-o "Dir::Cache::srcpkgcache=" -o APT::Sandbox::User=root -o Debug::NoLocking=1)
	say "fetching Debian's libbpf $debver source package ($DEBIAN_SUITES)"
	apt-get "${opts[@]}" -qq update >&2 ||
		die "apt-get update of the private deb-src list failed; check network access to $DEBIAN_MIRROR or set DEBIAN_MIRROR"
	(cd "$apt/src" && apt-get "${opts[@]}" -qq source --download-only "libbpf=$debver" >&2) ||
		die "Debian's $DEBIAN_SUITES has no libbpf $debver source package; set DEBIAN_SUITES, or sync with --libbpf DIR"
	[[ -f $tarball ]] || die "apt-get fetched no $tarball"
	echo "$tarball"
}

# unpack TARBALL NEW prints the folder the tarball unpacked to.
unpack() {
	local work=$2/unpack
	mkdir -p "$work"
	tar -xzf "$1" -C "$work" || die "cannot unpack $1; delete it and sync again"
	local top=("$work"/*/)
	((${#top[@]} == 1)) || die "$1 does not hold one top folder"
	echo "${top[0]%/}"
}

check() {
	local synced=$OUT/libbpf/SYNCED k want got
	[[ -f $synced ]] || die "libbpf/ is not synced; run ./sync.sh (or make libbpf)"
	for k in version commit bpf_commit; do
		want=$(pin "$k")
		got=$(sed -n "s/^$k=//p" "$synced")
		[[ $got == "$want" ]] ||
			die "libbpf/ holds $k $got but the pin says $want; run ./sync.sh to sync the pinned release"
	done
	want=$(sed -n 's/^tree_sha256=//p' "$synced")
	got=$(tree_hash "$OUT")
	[[ $got == "$want" ]] ||
		die "libbpf/ or include/uapi/linux/ was changed after the sync (tree hash $got, synced $want); run ./sync.sh to restore it"
	echo "sync.sh: libbpf/ is libbpf $(pin version) at $(pin commit), as pinned"
}

# update DEBVER NEW stages a pin for Debian's libbpf DEBVER: it fetches the
# package and records its tarball's checksum and upstream commits. The sync
# that follows swaps the new pin in together with the tree.
update() {
	local debver=$1 new=$2 tarball dir
	[[ $debver =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9A-Za-z.+~]+$ ]] ||
		die "--update needs a Debian version such as 1.7.1-1, not '$debver'"
	tarball=$(fetch_debian "$debver")
	dir=$(unpack "$tarball" "$new")
	[[ -f $dir/CHECKPOINT-COMMIT && -f $dir/BPF-CHECKPOINT-COMMIT ]] || die "$tarball has no CHECKPOINT-COMMIT files"
	local version
	version=$(version_of "$dir/src")
	cat >"$new/CHECKPOINT" <<-EOF
		# The upstream libbpf release that libbpf-go is built and tested against.
		# Rewritten by ./sync.sh --update DEBIAN_VERSION; everything else under
		# libbpf/ (except compat/) is produced by ./sync.sh and not committed.
		version=$version
		debian_version=$debver
		commit=$(cat "$dir/CHECKPOINT-COMMIT")
		bpf_commit=$(cat "$dir/BPF-CHECKPOINT-COMMIT")
		tarball=$(basename "$tarball")
		sha256=$(sha256sum "$tarball" | cut -d' ' -f1)
	EOF
	PIN_FILE=$new/CHECKPOINT
	say "moving the pin to libbpf $(pin version) ($debver)"
}

# verify_tarball FILE dies unless FILE has the pinned SHA-256.
verify_tarball() {
	local sum
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	[[ $sum == "$(pin sha256)" ]] ||
		die "$1 has SHA-256 $sum, the pin says $(pin sha256); $2"
}

main() {
	local mode=debian arg=
	if [[ ${1:-} == --dest ]]; then
		[[ $# -ge 2 && -n $2 ]] || die "--dest needs a folder; see ./sync.sh --help"
		mkdir -p "$2" || die "cannot create $2"
		OUT=$(cd "$2" && pwd)
		mkdir -p "$OUT/libbpf"
		shift 2
	fi
	BUILD=${BUILD:-$OUT/build}
	case ${1:-} in
	"") ;;
	--libbpf | --kernel | --update | --tarball)
		[[ $# -eq 2 && -n $2 ]] || die "$1 needs one argument; see ./sync.sh --help"
		mode=${1#--} arg=$2
		;;
	--check)
		[[ $# -eq 1 ]] || die "--check takes no argument"
		recover
		check
		return
		;;
	-h | --help) usage ;;
	*) die "unknown argument '$1'; see ./sync.sh --help" ;;
	esac
	if [[ $mode == tarball ]]; then
		[[ -f $arg ]] || die "$arg is not a file; pass the pinned release tarball ($(pin tarball))"
	elif [[ $mode != update && -n $arg && ! -d $arg ]]; then
		die "$arg is not a folder; pass the top of a libbpf or kernel source tree"
	fi
	[[ -d $OUT/libbpf ]] || die "missing libbpf/; restore it with: git checkout -- libbpf"
	recover
	local new
	new=$(mktemp -d "$OUT/.sync.XXXXXX")
	STAGED=$new
	trap 'rm -rf "$STAGED"' EXIT
	case $mode in
	libbpf) from_libbpf "$(cd "$arg" && pwd)" "$new" "libbpf:$(cd "$arg" && pwd)" ;;
	kernel) from_kernel "$(cd "$arg" && pwd)" "$new" ;;
	tarball)
		verify_tarball "$arg" "pass the pinned release $(pin tarball) (libbpf v$(pin version))"
		local top
		top=$(unpack "$arg" "$new")
		from_libbpf "$top" "$new" "tarball:$(basename "$arg")"
		;;
	debian | update)
		if [[ $mode == update ]]; then
			update "$arg" "$new"
			rm -rf "$new/unpack"
		fi
		local debver tarball
		debver=$(pin debian_version)
		tarball=$(fetch_debian "$debver")
		verify_tarball "$tarball" "delete $BUILD/apt and sync again, or move the pin with --update"
		local dir
		dir=$(unpack "$tarball" "$new")
		from_libbpf "$dir" "$new" "debian:libbpf_$debver"
		;;
	esac
	local synced_version
	synced_version=$(sed -n 's/^version=//p' "$new/libbpf/SYNCED")
	rm -rf "$new/unpack"
	swap_in "$new"
	say "synced libbpf $synced_version into $OUT/libbpf/ and $OUT/include/uapi/linux/"
	if [[ $synced_version != "$(pin version)" ]]; then
		say "note: the pin is libbpf $(pin version); this tree is $synced_version"
	fi
}

main "$@"
