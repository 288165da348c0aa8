/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf-go: positions of a perf event ring that user space reads and writes. */
#ifndef LIBBPF_GO_COMPAT_LINUX_RING_BUFFER_H
#define LIBBPF_GO_COMPAT_LINUX_RING_BUFFER_H
#include <linux/compiler.h>
#include <linux/perf_event.h>

/* The kernel advances data_head; pair with its release store. */
static inline __u64 ring_buffer_read_head(struct perf_event_mmap_page *page)
{
	return smp_load_acquire(&page->data_head);
}

/* Hand consumed space back to the kernel once the records are read. */
static inline void ring_buffer_write_tail(struct perf_event_mmap_page *page, __u64 tail)
{
	smp_store_release(&page->data_tail, tail);
}
#endif
