package main

// The C side of the comparison: libbpf's own element calls, a whole block
// of them per cgo call, so that the cgo transition is not part of C's
// figure. The prototypes are libbpf's (bpf/bpf.h); libbpf itself is linked
// in through the binding.

/*
#include <stdint.h>
#include <stdlib.h>

int bpf_map_lookup_elem(int fd, const void *key, void *value);
int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
struct bpf_object;
struct bpf_object *bpf_object__open_file(const char *path, const void *opts);
void bpf_object__close(struct bpf_object *obj);

// c_lookups looks up keys 0 to n-1 and returns how many were found with
// the value want(k) = k * 3 + 1.
static uint64_t c_lookups(int fd, uint64_t n)
{
	uint64_t key, value, found = 0;

	for (key = 0; key < n; key++)
		if (bpf_map_lookup_elem(fd, &key, &value) == 0 && value == key * 3 + 1)
			found++;
	return found;
}

// c_updates stores want(k) under keys 0 to n-1 (BPF_EXIST) and returns
// how many updates succeeded.
static uint64_t c_updates(int fd, uint64_t n)
{
	uint64_t key, value, done = 0;

	for (key = 0; key < n; key++) {
		value = key * 3 + 1;
		if (bpf_map_update_elem(fd, &key, &value, 2) == 0)
			done++;
	}
	return done;
}

// c_opens opens the object at path with bpf_object__open_file and closes
// it, n times, and returns how many opens succeeded: the open phase of
// bench/cdriver's open_phase.
static uint64_t c_opens(const char *path, uint64_t n)
{
	struct bpf_object *obj;
	uint64_t i, done = 0;

	for (i = 0; i < n; i++) {
		obj = bpf_object__open_file(path, NULL);
		if (!obj)
			continue;
		bpf_object__close(obj);
		done++;
	}
	return done;
}
*/
import "C"

import "unsafe"

// cLookups runs c_lookups: n lookups through libbpf's bpf_map_lookup_elem.
func cLookups(fd int, n uint64) uint64 {
	return uint64(C.c_lookups(C.int(fd), C.uint64_t(n)))
}

// cUpdates runs c_updates: n updates through libbpf's bpf_map_update_elem.
func cUpdates(fd int, n uint64) uint64 {
	return uint64(C.c_updates(C.int(fd), C.uint64_t(n)))
}

// cOpens runs c_opens: n opens and closes of the object at path through
// libbpf's bpf_object__open_file.
func cOpens(path string, n uint64) uint64 {
	cPath := C.CString(path)
	defer C.free(unsafe.Pointer(cPath))
	return uint64(C.c_opens(cPath, C.uint64_t(n)))
}
