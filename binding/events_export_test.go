package libbpf

// ViaLibbpf makes rb's Poll and Consume use libbpf's own consumer
// (ring__consume), the reference of the differential tests.
func (r *RingBuffer) ViaLibbpf() { r.viaLibbpf = true }

// ViaLibbpf makes p's Poll and Consume use libbpf's own consumer
// (perf_buffer__consume_buffer), the reference of the differential tests.
func (p *PerfBuffer) ViaLibbpf() { p.viaLibbpf = true }

// SetRawElem makes m's element calls take syscall.RawSyscall (raw) or
// syscall.Syscall, for the benchmark that compares them.
func (m *Map) SetRawElem(raw bool) { m.rawElem = raw }
