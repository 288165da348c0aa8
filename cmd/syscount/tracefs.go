package main

import (
	"fmt"
	"path/filepath"
)

// Where libbpf looks for tracefs: under debugfs when that exists, else at
// its own mount point.
const (
	debugfsTracing = "/sys/kernel/debug/tracing"
	tracefsMount   = "/sys/kernel/tracing"
)

// tracepointExists reports whether tracefs lists the tracepoint
// category/event. It returns an error when tracefs is not mounted, since
// libbpf then cannot attach to any tracepoint.
func tracepointExists(category, event string) (bool, error) {
	root := tracefsMount
	if found, _ := exists(debugfsTracing); found {
		root = debugfsTracing
	}
	events := filepath.Join(root, "events")
	found, err := exists(events)
	if err != nil {
		return false, err
	}
	if !found {
		return false, fmt.Errorf("no tracefs at %s; mount it with: mount -t tracefs tracefs %s", root, tracefsMount)
	}
	return exists(filepath.Join(events, category, event))
}
