package main

// The C side of the comparison: libbpf's own element calls, a whole block
// of them per cgo call, so that the cgo transition is not part of C's
// figure. The prototypes are libbpf's (bpf/bpf.h); libbpf itself is linked
// in through the binding.

/*
#include <stdint.h>

int bpf_map_lookup_elem(int fd, const void *key, void *value);
int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);

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
*/
import "C"

// cLookups runs c_lookups: n lookups through libbpf's bpf_map_lookup_elem.
func cLookups(fd int, n uint64) uint64 {
	return uint64(C.c_lookups(C.int(fd), C.uint64_t(n)))
}

// cUpdates runs c_updates: n updates through libbpf's bpf_map_update_elem.
func cUpdates(fd int, n uint64) uint64 {
	return uint64(C.c_updates(C.int(fd), C.uint64_t(n)))
}
