#!/usr/bin/env bash
# measure.sh RUNS SYSCOUNT TWIN OUT.json: the size, start-to-attached time
# and resident memory of the static syscount and of its cilium/ebpf twin,
# written as JSON to OUT.json and printed. `make static-bench` runs it; it
# needs root, bpffs at /sys/fs/bpf and tracefs.
#
# attach_ms: wall time of `persist DIR` from exec to exit (the program is
# loaded, attached to raw_syscalls/sys_enter and pinned), median of RUNS
# runs, the two binaries taking turns after one warm-up run each.
# rss_kib: VmRSS of `run -interval 100ms` once it has printed its first
# table, median of RUNS runs; SIGTERM stops it.
set -euo pipefail

(($# == 4)) || { echo "usage: $0 RUNS SYSCOUNT TWIN OUT.json" >&2; exit 2; }
runs=$1 out=$4
bins=("$2" "$3")
names=(syscount_libbpf_static syscount_cilium_static)
[[ $EUID == 0 ]] || { echo "$0: needs root" >&2; exit 1; }

tmp=$(mktemp -d)
dir=/sys/fs/bpf/static-bench-$$
cleanup() {
	for bin in "${bins[@]}"; do "$bin" stop "$dir" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# median prints the median of its arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# attach_ms BIN prints the milliseconds `BIN persist` takes, then stops it.
attach_ms() {
	local start end
	start=$EPOCHREALTIME
	"$1" persist "$dir" >/dev/null
	end=$EPOCHREALTIME
	"$1" stop "$dir" >/dev/null
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
}

# rss_kib BIN prints the VmRSS of `BIN run` after its first table.
rss_kib() {
	local pid rss
	"$1" run -interval 100ms >"$tmp/run.out" 2>&1 &
	pid=$!
	until grep -q '^total:' "$tmp/run.out"; do
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/run.out" >&2; return 1; }
		sleep 0.02
	done
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	# SIGTERM, as a background job of a script starts with SIGINT ignored.
	kill -TERM "$pid"
	for _ in {1..100}; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		echo "$0: $1 run did not stop on SIGTERM" >&2
		return 1
	fi
	wait "$pid"
	echo "$rss"
}

declare -A times rsses
for i in 0 1; do attach_ms "${bins[i]}" >/dev/null; done
for ((r = 0; r < runs; r++)); do
	for i in 0 1; do
		times[$i]+="$(attach_ms "${bins[i]}") "
		rsses[$i]+="$(rss_kib "${bins[i]}") "
	done
done

{
	printf '{\n  "kernel": "%s",\n  "go": "%s",\n  "runs": %d,\n' \
		"$(uname -r)" "$(go env GOVERSION)" "$runs"
	for i in 0 1; do
		strip -o "$tmp/stripped" "${bins[i]}"
		# shellcheck disable=SC2086 # the lists are meant to split
		printf '  "%s": {\n    "size_bytes": %d,\n    "size_stripped_bytes": %d,\n    "attach_ms_median": %s,\n    "attach_ms": [%s],\n    "rss_kib_median": %s,\n    "rss_kib": [%s]\n  }%s\n' \
			"${names[i]}" "$(stat -c %s "${bins[i]}")" "$(stat -c %s "$tmp/stripped")" \
			"$(median ${times[$i]})" "$(echo ${times[$i]} | sed 's/ /, /g')" \
			"$(median ${rsses[$i]})" "$(echo ${rsses[$i]} | sed 's/ /, /g')" \
			"$([[ $i == 0 ]] && echo ,)"
	done
	echo '}'
} >"$out"
cat "$out"
