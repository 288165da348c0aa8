package libbpf_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Type names come from libbpf; values libbpf does not know still print.
func TestTypeStrings(t *testing.T) {
	assert.Equal(t, "xdp", libbpf.ProgramTypeXDP.String())
	assert.Equal(t, "socket_filter", libbpf.ProgramTypeSocketFilter.String())
	assert.Equal(t, "cgroup_inet_ingress", libbpf.AttachTypeCgroupInetIngress.String())
	assert.Equal(t, "trace_fentry", libbpf.AttachTypeTraceFentry.String())
	assert.Equal(t, "ringbuf", libbpf.MapTypeRingBuf.String())
	assert.Equal(t, "percpu_array", libbpf.MapTypePerCPUArray.String())

	assert.Equal(t, "ProgramType(100000)", libbpf.ProgramType(100000).String())
	assert.Equal(t, "AttachType(100000)", libbpf.AttachType(100000).String())
	assert.Equal(t, "MapType(100000)", libbpf.MapType(100000).String())
}
