package libbpf

// ViaLibbpf makes rb's Poll and Consume use libbpf's own consumer
// (ring__consume), the reference of the differential tests.
func (r *RingBuffer) ViaLibbpf() { r.viaLibbpf = true }

// ViaLibbpf makes p's Poll and Consume use libbpf's own consumer
// (perf_buffer__consume_buffer), the reference of the differential tests.
func (p *PerfBuffer) ViaLibbpf() { p.viaLibbpf = true }
