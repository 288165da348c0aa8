#!/usr/bin/env bash
# demo.sh walks through syscount's persist, status and stop commands, showing
# that the counting goes on in the kernel while no syscount process runs.
# `make demo` builds syscount and runs: demo.sh PATH-OF-THE-BINARY
set -euo pipefail

bin=${1:?usage: demo.sh PATH-OF-THE-SYSCOUNT-BINARY}
dir=/sys/fs/bpf/syscount-demo

# heading prints the title of a step.
heading() { printf '\n=== %s\n' "$*"; }

# show prints a command, then runs it.
show() {
	printf '$ %s\n' "$*"
	"$@"
}

# work makes some system calls from short-lived processes.
work() {
	echo "(running ls and cat a few times)"
	for _ in 1 2 3; do
		ls -l /etc >/dev/null
		cat /etc/os-release >/dev/null
	done
}

# status shows the busiest processes as syscount status reports them and
# sets total to the count of all system calls it reports.
status() {
	local out
	printf '$ %s status -top 8 %s\n' "$bin" "$dir"
	out=$("$bin" status -top 8 "$dir")
	printf '%s\n' "$out"
	total=$(awk '$1 == "total:" { print $2 }' <<<"$out")
}

if [[ $EUID -ne 0 ]]; then
	echo "demo.sh: BPF needs root; run it as root (e.g. sudo make demo)" >&2
	exit 1
fi

heading "bpffs and tracefs must be mounted"
if [[ $(stat -f -c %T /sys/fs/bpf) != bpf_fs ]]; then
	show mount -t bpf bpf /sys/fs/bpf
fi
if [[ ! -d /sys/kernel/tracing/events && ! -d /sys/kernel/debug/tracing/events ]]; then
	show mount -t tracefs tracefs /sys/kernel/tracing
fi
echo "bpffs on /sys/fs/bpf, tracefs for the tracepoints: ok"

if [[ -e $dir/link || -e $dir/counts ]]; then
	heading "stop what a previous demo left in $dir"
	show "$bin" stop "$dir"
fi

heading "persist: attach to raw_syscalls/sys_enter, pin the link and the map, exit"
show "$bin" persist "$dir"
show ls -l "$dir"
link_id=
if command -v bpftool >/dev/null; then
	show bpftool link show pinned "$dir/link"
	link_id=$(bpftool link show pinned "$dir/link" | awk -F: 'NR == 1 { print $1 }')
fi

heading "no syscount process is running"
show pgrep -x syscount || echo "(none)"

heading "do some work"
work

heading "status: the counts so far, read from the pinned map"
status
before=$total

heading "more work, still with no syscount process"
work

heading "status again: the counts grew"
status
after=$total
echo "total went from $before to $after system calls"
if ((after <= before)); then
	echo "demo.sh: the counts did not grow" >&2
	exit 1
fi

heading "stop: unpin the link (which detaches the program) and the map"
show "$bin" stop "$dir"

heading "status now fails: nothing is persisted any more"
if show "$bin" status "$dir"; then
	echo "demo.sh: status still works after stop" >&2
	exit 1
else
	echo "(exit code $?)"
fi
if [[ -n $link_id ]]; then
	heading "the kernel no longer has link $link_id"
	if show bpftool link show id "$link_id"; then
		echo "demo.sh: link $link_id is still there" >&2
		exit 1
	fi
	echo "(bpftool cannot find it: the program is detached)"
fi
