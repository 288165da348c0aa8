// Package host describes the machine the benchmarks run on, for the
// commands of bench/ that report figures: each figure goes with the
// machine it was taken on.
package host

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Machine is the machine's description.
type Machine struct {
	Kernel   string `json:"kernel"`
	CPUModel string `json:"cpu_model"`
	Cores    int    `json:"cores"`
	Arch     string `json:"arch"`
	// LoadAvg is /proc/loadavg when it was read: other work on the
	// machine makes the figures noisy.
	LoadAvg string `json:"loadavg"`
}

// Describe reads the kernel release, the first CPU model name of
// /proc/cpuinfo and the load average; what cannot be read stays empty.
func Describe() Machine {
	m := Machine{Cores: runtime.NumCPU(), Arch: runtime.GOARCH}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// String is the description in one line: "AMD EPYC, 2 CPUs, kernel
// 6.18.44, load 1.30 1.51 2.91".
func (m Machine) String() string {
	model := m.CPUModel
	if model == "" {
		model = m.Arch
	}
	load := strings.Fields(m.LoadAvg)
	return fmt.Sprintf("%s, %d CPUs, kernel %s, load %s", model, m.Cores, m.Kernel, strings.Join(load[:min(3, len(load))], " "))
}
