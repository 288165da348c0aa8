package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// printTable writes rows to w, the busiest process first, keeping the top
// ones (all of them when top is 0), followed by the totals.
func printTable(w io.Writer, rows []row, top int) error {
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.calls, a.calls), cmp.Compare(a.pid, b.pid))
	})
	var total uint64
	for _, r := range rows {
		total += r.calls
	}
	shown := rows
	if top > 0 && len(rows) > top {
		shown = rows[:top]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%8s  %-16s %12s\n", "PID", "COMM", "COUNT")
	for _, r := range shown {
		fmt.Fprintf(&b, "%8d  %-16s %12d\n", r.pid, printable(r.comm), r.calls)
	}
	fmt.Fprintf(&b, "total: %d system calls by %d processes\n", total, len(rows))
	_, err := io.WriteString(w, b.String())
	return err
}

// printable replaces the characters of a command name that would garble the
// table, since a process can name itself anything.
func printable(comm string) string {
	return strings.Map(func(r rune) rune {
		if strconv.IsPrint(r) {
			return r
		}
		return '?'
	}, comm)
}
