/* SPDX-License-Identifier: GPL-2.0 */
/* The counters most test programs share: an array map "counts" of SLOTS
 * __u64 values (define SLOTS before including this) and bump(slot), which
 * adds one to a slot.
 */
#ifndef LIBBPF_GO_TESTDATA_COUNTS_H
#define LIBBPF_GO_TESTDATA_COUNTS_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		__sync_fetch_and_add(value, 1);
}

#endif
