// Package privilege tells why the kernel refused a BPF operation with EPERM
// (or, for perf events, EACCES): which capabilities the process lacks, or
// that its capabilities do not count (a user namespace), or that kernel
// lockdown is on. The binding appends its explanation to the error instead
// of libbpf's hint about RLIMIT_MEMLOCK, which has not limited BPF memory
// since kernel 5.11.
//
// Explain is pure: it works on a State, which Current reads from the
// running process and kernel.
package privilege

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Need is a set of capabilities an operation needs. CAP_SYS_ADMIN stands in
// for each of them, as in the kernel (bpf_capable, perfmon_capable,
// bpf_net_capable).
type Need uint8

const (
	// BPF is CAP_BPF: creating maps and loading programs.
	BPF Need = 1 << iota
	// Perfmon is CAP_PERFMON: tracing programs (kprobe, tracepoint, perf
	// event, raw tracepoint, fentry/fexit, LSM, struct_ops, freplace) and
	// the perf events they attach to.
	Perfmon
	// NetAdmin is CAP_NET_ADMIN: networking programs (tc, XDP, cgroup
	// socket hooks, sk_skb, sk_msg, netfilter ...) and the maps of
	// sockets and devices (sockmap, sockhash, devmap, xskmap).
	NetAdmin
	// SysAdmin is CAP_SYS_ADMIN itself: opening objects by ID
	// (BPF_*_GET_FD_BY_ID).
	SysAdmin
)

// State is what decides whether the kernel grants a BPF operation.
type State struct {
	// Effective is the effective capability set (capget), bit n for
	// capability n.
	Effective uint64
	// EUID is the effective user ID.
	EUID int
	// InitUserNS is false when the process runs in a user namespace other
	// than the initial one, where its capabilities do not count for
	// bpf(2) (which checks them in the initial namespace).
	InitUserNS bool
	// LastCap is /proc/sys/kernel/cap_last_cap: below CAP_BPF, the kernel
	// predates CAP_BPF and CAP_PERFMON (5.8) and wants CAP_SYS_ADMIN. 0
	// when unknown.
	LastCap int
	// Lockdown is the kernel lockdown mode ("none", "integrity",
	// "confidentiality"), or "" when /sys/kernel/security/lockdown cannot
	// be read.
	Lockdown string
}

// Current reads the State of the calling thread and its process:
// capget(2) for the effective set (capabilities are per thread; the
// thread that got the error is the one to ask), /proc/self/uid_map,
// /proc/sys/kernel/cap_last_cap and /sys/kernel/security/lockdown.
func Current() State {
	s := State{EUID: unix.Geteuid(), InitUserNS: true}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err == nil {
		s.Effective = uint64(data[0].Effective) | uint64(data[1].Effective)<<32
	}
	if b, err := os.ReadFile("/proc/self/uid_map"); err == nil {
		s.InitUserNS = isInitialUIDMap(string(b))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		s.LastCap, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if b, err := os.ReadFile("/sys/kernel/security/lockdown"); err == nil {
		s.Lockdown = LockdownMode(string(b))
	}
	return s
}

// isInitialUIDMap reports whether uid_map is the identity map of the
// initial user namespace: "0 0 4294967295".
func isInitialUIDMap(uidMap string) bool {
	f := strings.Fields(uidMap)
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

// LockdownMode returns the selected mode of the lockdown file's content,
// such as "none [integrity] confidentiality", or "" if none is selected.
func LockdownMode(content string) string {
	for _, f := range strings.Fields(content) {
		if len(f) > 2 && f[0] == '[' && f[len(f)-1] == ']' {
			return f[1 : len(f)-1]
		}
	}
	return ""
}

// has reports whether the effective set holds capability c.
func (s State) has(c int) bool { return s.Effective&(1<<c) != 0 }

// capNames are the names of the capabilities Explain mentions.
var capNames = map[int]string{
	unix.CAP_NET_ADMIN: "CAP_NET_ADMIN",
	unix.CAP_SYS_ADMIN: "CAP_SYS_ADMIN",
	unix.CAP_PERFMON:   "CAP_PERFMON",
	unix.CAP_BPF:       "CAP_BPF",
}

// required lists the capabilities need asks for on this kernel, in the
// order bpf(2) checks them.
func (s State) required(need Need) []int {
	if s.LastCap != 0 && s.LastCap < unix.CAP_BPF {
		// Before 5.8 CAP_SYS_ADMIN was what CAP_BPF and CAP_PERFMON are.
		var caps []int
		if need&(BPF|Perfmon|SysAdmin) != 0 {
			caps = append(caps, unix.CAP_SYS_ADMIN)
		}
		if need&NetAdmin != 0 {
			caps = append(caps, unix.CAP_NET_ADMIN)
		}
		return caps
	}
	var caps []int
	for _, c := range []struct {
		n   Need
		cap int
	}{{BPF, unix.CAP_BPF}, {Perfmon, unix.CAP_PERFMON}, {NetAdmin, unix.CAP_NET_ADMIN}, {SysAdmin, unix.CAP_SYS_ADMIN}} {
		if need&c.n != 0 {
			caps = append(caps, c.cap)
		}
	}
	return caps
}

// Missing returns the capabilities need asks for that s lacks, counting
// CAP_SYS_ADMIN as each of them.
func (s State) Missing(need Need) []int {
	if s.has(unix.CAP_SYS_ADMIN) {
		return nil
	}
	var missing []int
	for _, c := range s.required(need) {
		if !s.has(c) {
			missing = append(missing, c)
		}
	}
	return missing
}

// names joins the names of caps with "and".
func names(caps []int) string {
	n := make([]string, len(caps))
	for i, c := range caps {
		n[i] = capNames[c]
	}
	switch len(n) {
	case 0:
		return ""
	case 1:
		return n[0]
	}
	return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}

// Explain says why an operation that needs need may have been refused with
// EPERM by a kernel in state s: the capabilities the process lacks and how
// to get them, capabilities that do not count because of a user
// namespace, or kernel lockdown. When the process has what need asks for,
// it says so, with the lockdown mode, since the cause is then elsewhere.
// It returns "" only when need is empty.
func Explain(need Need, s State) string {
	required := s.required(need)
	if len(required) == 0 {
		return ""
	}
	needs := names(required)
	if !slices.Contains(required, unix.CAP_SYS_ADMIN) {
		needs += ", or CAP_SYS_ADMIN"
	}
	var parts []string
	missing := s.Missing(need)
	switch {
	case !s.InitUserNS:
		parts = append(parts, "the process runs in a user namespace, whose capabilities do not count for bpf(2) (needs "+needs+" in the initial user namespace)")
	case len(missing) > 0:
		them := "them"
		if len(missing) == 1 {
			them = "it"
		}
		msg := "missing " + names(missing) + " (needs " + needs + ")"
		if s.EUID == 0 {
			msg += ": the process is root but its capability set lacks " + them + ", as in a container or a service with a capability bounding set"
		} else {
			msg += ": run as root or grant " + them + " (setcap " + setcapArg(required) + " on the binary)"
		}
		parts = append(parts, msg)
	default:
		parts = append(parts, "not for want of a capability: the process has "+names(required))
	}
	switch s.Lockdown {
	case "confidentiality":
		parts = append(parts, "kernel lockdown is in confidentiality mode, which refuses kprobes, perf events and BPF reads of kernel memory")
	case "integrity":
		// Integrity mode refuses little of BPF (bpf_probe_write_user):
		// worth a mention only when no capability explains the refusal.
		if len(missing) == 0 {
			parts = append(parts, "kernel lockdown is in integrity mode")
		}
	case "none":
		if len(missing) == 0 && s.InitUserNS {
			parts = append(parts, "the kernel is not locked down")
		}
	}
	return strings.Join(parts, "; ")
}

// setcapArg is the capability list setcap(8) takes for caps, such as
// "cap_bpf,cap_perfmon+ep".
func setcapArg(caps []int) string {
	n := make([]string, len(caps))
	for i, c := range caps {
		n[i] = strings.ToLower(capNames[c])
	}
	return strings.Join(n, ",") + "+ep"
}

// MemlockUnused reports whether a kernel of that release (such as
// "6.18.44-fc-v1272") charges BPF maps and programs to the memory cgroup
// instead of RLIMIT_MEMLOCK, as kernels do from 5.11 on: there, libbpf's
// hint to raise RLIMIT_MEMLOCK after an EPERM is beside the point.
func MemlockUnused(release string) bool {
	maj, rest, found := strings.Cut(release, ".")
	if !found {
		return false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	major, err1 := strconv.Atoi(maj)
	minor, err2 := strconv.Atoi(rest[:end])
	if err1 != nil || err2 != nil {
		return false
	}
	return major > 5 || major == 5 && minor >= 11
}
