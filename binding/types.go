package libbpf

/*
#include "glue.h"
*/
import "C"

import "fmt"

// ProgramType is a BPF program type (enum bpf_prog_type). libbpf derives it
// from a program's ELF section name; Program.SetType overrides it. The
// constants cover the types the libbpf 1.7 UAPI headers know; which ones
// the running kernel supports depends on its version and configuration.
type ProgramType uint32

// Program types, from enum bpf_prog_type.
const (
	// ProgramTypeUnspec is BPF_PROG_TYPE_UNSPEC.
	ProgramTypeUnspec ProgramType = C.BPF_PROG_TYPE_UNSPEC
	// ProgramTypeSocketFilter is BPF_PROG_TYPE_SOCKET_FILTER.
	ProgramTypeSocketFilter ProgramType = C.BPF_PROG_TYPE_SOCKET_FILTER
	// ProgramTypeKprobe is BPF_PROG_TYPE_KPROBE.
	ProgramTypeKprobe ProgramType = C.BPF_PROG_TYPE_KPROBE
	// ProgramTypeSchedCLS is BPF_PROG_TYPE_SCHED_CLS.
	ProgramTypeSchedCLS ProgramType = C.BPF_PROG_TYPE_SCHED_CLS
	// ProgramTypeSchedACT is BPF_PROG_TYPE_SCHED_ACT.
	ProgramTypeSchedACT ProgramType = C.BPF_PROG_TYPE_SCHED_ACT
	// ProgramTypeTracepoint is BPF_PROG_TYPE_TRACEPOINT.
	ProgramTypeTracepoint ProgramType = C.BPF_PROG_TYPE_TRACEPOINT
	// ProgramTypeXDP is BPF_PROG_TYPE_XDP.
	ProgramTypeXDP ProgramType = C.BPF_PROG_TYPE_XDP
	// ProgramTypePerfEvent is BPF_PROG_TYPE_PERF_EVENT.
	ProgramTypePerfEvent ProgramType = C.BPF_PROG_TYPE_PERF_EVENT
	// ProgramTypeCgroupSKB is BPF_PROG_TYPE_CGROUP_SKB.
	ProgramTypeCgroupSKB ProgramType = C.BPF_PROG_TYPE_CGROUP_SKB
	// ProgramTypeCgroupSock is BPF_PROG_TYPE_CGROUP_SOCK.
	ProgramTypeCgroupSock ProgramType = C.BPF_PROG_TYPE_CGROUP_SOCK
	// ProgramTypeLWTIn is BPF_PROG_TYPE_LWT_IN.
	ProgramTypeLWTIn ProgramType = C.BPF_PROG_TYPE_LWT_IN
	// ProgramTypeLWTOut is BPF_PROG_TYPE_LWT_OUT.
	ProgramTypeLWTOut ProgramType = C.BPF_PROG_TYPE_LWT_OUT
	// ProgramTypeLWTXmit is BPF_PROG_TYPE_LWT_XMIT.
	ProgramTypeLWTXmit ProgramType = C.BPF_PROG_TYPE_LWT_XMIT
	// ProgramTypeSockOps is BPF_PROG_TYPE_SOCK_OPS.
	ProgramTypeSockOps ProgramType = C.BPF_PROG_TYPE_SOCK_OPS
	// ProgramTypeSKSKB is BPF_PROG_TYPE_SK_SKB.
	ProgramTypeSKSKB ProgramType = C.BPF_PROG_TYPE_SK_SKB
	// ProgramTypeCgroupDevice is BPF_PROG_TYPE_CGROUP_DEVICE.
	ProgramTypeCgroupDevice ProgramType = C.BPF_PROG_TYPE_CGROUP_DEVICE
	// ProgramTypeSKMsg is BPF_PROG_TYPE_SK_MSG.
	ProgramTypeSKMsg ProgramType = C.BPF_PROG_TYPE_SK_MSG
	// ProgramTypeRawTracepoint is BPF_PROG_TYPE_RAW_TRACEPOINT.
	ProgramTypeRawTracepoint ProgramType = C.BPF_PROG_TYPE_RAW_TRACEPOINT
	// ProgramTypeCgroupSockAddr is BPF_PROG_TYPE_CGROUP_SOCK_ADDR.
	ProgramTypeCgroupSockAddr ProgramType = C.BPF_PROG_TYPE_CGROUP_SOCK_ADDR
	// ProgramTypeLWTSeg6Local is BPF_PROG_TYPE_LWT_SEG6LOCAL.
	ProgramTypeLWTSeg6Local ProgramType = C.BPF_PROG_TYPE_LWT_SEG6LOCAL
	// ProgramTypeLIRCMode2 is BPF_PROG_TYPE_LIRC_MODE2.
	ProgramTypeLIRCMode2 ProgramType = C.BPF_PROG_TYPE_LIRC_MODE2
	// ProgramTypeSKReuseport is BPF_PROG_TYPE_SK_REUSEPORT.
	ProgramTypeSKReuseport ProgramType = C.BPF_PROG_TYPE_SK_REUSEPORT
	// ProgramTypeFlowDissector is BPF_PROG_TYPE_FLOW_DISSECTOR.
	ProgramTypeFlowDissector ProgramType = C.BPF_PROG_TYPE_FLOW_DISSECTOR
	// ProgramTypeCgroupSysctl is BPF_PROG_TYPE_CGROUP_SYSCTL.
	ProgramTypeCgroupSysctl ProgramType = C.BPF_PROG_TYPE_CGROUP_SYSCTL
	// ProgramTypeRawTracepointWritable is BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE.
	ProgramTypeRawTracepointWritable ProgramType = C.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
	// ProgramTypeCgroupSockopt is BPF_PROG_TYPE_CGROUP_SOCKOPT.
	ProgramTypeCgroupSockopt ProgramType = C.BPF_PROG_TYPE_CGROUP_SOCKOPT
	// ProgramTypeTracing is BPF_PROG_TYPE_TRACING.
	ProgramTypeTracing ProgramType = C.BPF_PROG_TYPE_TRACING
	// ProgramTypeStructOps is BPF_PROG_TYPE_STRUCT_OPS.
	ProgramTypeStructOps ProgramType = C.BPF_PROG_TYPE_STRUCT_OPS
	// ProgramTypeExt is BPF_PROG_TYPE_EXT.
	ProgramTypeExt ProgramType = C.BPF_PROG_TYPE_EXT
	// ProgramTypeLSM is BPF_PROG_TYPE_LSM.
	ProgramTypeLSM ProgramType = C.BPF_PROG_TYPE_LSM
	// ProgramTypeSKLookup is BPF_PROG_TYPE_SK_LOOKUP.
	ProgramTypeSKLookup ProgramType = C.BPF_PROG_TYPE_SK_LOOKUP
	// ProgramTypeSyscall is BPF_PROG_TYPE_SYSCALL.
	ProgramTypeSyscall ProgramType = C.BPF_PROG_TYPE_SYSCALL
	// ProgramTypeNetfilter is BPF_PROG_TYPE_NETFILTER.
	ProgramTypeNetfilter ProgramType = C.BPF_PROG_TYPE_NETFILTER
)

// String returns libbpf's name for the type (libbpf_bpf_prog_type_str), such
// as "tracepoint", or "ProgramType(N)" for a value libbpf does not know.
func (t ProgramType) String() string {
	// libbpf returns a static string or NULL; GoString copies it.
	if s := C.libbpf_bpf_prog_type_str(C.enum_bpf_prog_type(t)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("ProgramType(%d)", uint32(t))
}

// AttachType is a BPF attach type (enum bpf_attach_type): where a program
// attaches, given to the kernel at load time as the expected attach type
// for program types that need it.
type AttachType uint32

// Attach types, from enum bpf_attach_type.
const (
	// AttachTypeCgroupInetIngress is BPF_CGROUP_INET_INGRESS.
	AttachTypeCgroupInetIngress AttachType = C.BPF_CGROUP_INET_INGRESS
	// AttachTypeCgroupInetEgress is BPF_CGROUP_INET_EGRESS.
	AttachTypeCgroupInetEgress AttachType = C.BPF_CGROUP_INET_EGRESS
	// AttachTypeCgroupInetSockCreate is BPF_CGROUP_INET_SOCK_CREATE.
	AttachTypeCgroupInetSockCreate AttachType = C.BPF_CGROUP_INET_SOCK_CREATE
	// AttachTypeCgroupSockOps is BPF_CGROUP_SOCK_OPS.
	AttachTypeCgroupSockOps AttachType = C.BPF_CGROUP_SOCK_OPS
	// AttachTypeSKSKBStreamParser is BPF_SK_SKB_STREAM_PARSER.
	AttachTypeSKSKBStreamParser AttachType = C.BPF_SK_SKB_STREAM_PARSER
	// AttachTypeSKSKBStreamVerdict is BPF_SK_SKB_STREAM_VERDICT.
	AttachTypeSKSKBStreamVerdict AttachType = C.BPF_SK_SKB_STREAM_VERDICT
	// AttachTypeCgroupDevice is BPF_CGROUP_DEVICE.
	AttachTypeCgroupDevice AttachType = C.BPF_CGROUP_DEVICE
	// AttachTypeSKMsgVerdict is BPF_SK_MSG_VERDICT.
	AttachTypeSKMsgVerdict AttachType = C.BPF_SK_MSG_VERDICT
	// AttachTypeCgroupInet4Bind is BPF_CGROUP_INET4_BIND.
	AttachTypeCgroupInet4Bind AttachType = C.BPF_CGROUP_INET4_BIND
	// AttachTypeCgroupInet6Bind is BPF_CGROUP_INET6_BIND.
	AttachTypeCgroupInet6Bind AttachType = C.BPF_CGROUP_INET6_BIND
	// AttachTypeCgroupInet4Connect is BPF_CGROUP_INET4_CONNECT.
	AttachTypeCgroupInet4Connect AttachType = C.BPF_CGROUP_INET4_CONNECT
	// AttachTypeCgroupInet6Connect is BPF_CGROUP_INET6_CONNECT.
	AttachTypeCgroupInet6Connect AttachType = C.BPF_CGROUP_INET6_CONNECT
	// AttachTypeCgroupInet4PostBind is BPF_CGROUP_INET4_POST_BIND.
	AttachTypeCgroupInet4PostBind AttachType = C.BPF_CGROUP_INET4_POST_BIND
	// AttachTypeCgroupInet6PostBind is BPF_CGROUP_INET6_POST_BIND.
	AttachTypeCgroupInet6PostBind AttachType = C.BPF_CGROUP_INET6_POST_BIND
	// AttachTypeCgroupUDP4Sendmsg is BPF_CGROUP_UDP4_SENDMSG.
	AttachTypeCgroupUDP4Sendmsg AttachType = C.BPF_CGROUP_UDP4_SENDMSG
	// AttachTypeCgroupUDP6Sendmsg is BPF_CGROUP_UDP6_SENDMSG.
	AttachTypeCgroupUDP6Sendmsg AttachType = C.BPF_CGROUP_UDP6_SENDMSG
	// AttachTypeLIRCMode2 is BPF_LIRC_MODE2.
	AttachTypeLIRCMode2 AttachType = C.BPF_LIRC_MODE2
	// AttachTypeFlowDissector is BPF_FLOW_DISSECTOR.
	AttachTypeFlowDissector AttachType = C.BPF_FLOW_DISSECTOR
	// AttachTypeCgroupSysctl is BPF_CGROUP_SYSCTL.
	AttachTypeCgroupSysctl AttachType = C.BPF_CGROUP_SYSCTL
	// AttachTypeCgroupUDP4Recvmsg is BPF_CGROUP_UDP4_RECVMSG.
	AttachTypeCgroupUDP4Recvmsg AttachType = C.BPF_CGROUP_UDP4_RECVMSG
	// AttachTypeCgroupUDP6Recvmsg is BPF_CGROUP_UDP6_RECVMSG.
	AttachTypeCgroupUDP6Recvmsg AttachType = C.BPF_CGROUP_UDP6_RECVMSG
	// AttachTypeCgroupGetsockopt is BPF_CGROUP_GETSOCKOPT.
	AttachTypeCgroupGetsockopt AttachType = C.BPF_CGROUP_GETSOCKOPT
	// AttachTypeCgroupSetsockopt is BPF_CGROUP_SETSOCKOPT.
	AttachTypeCgroupSetsockopt AttachType = C.BPF_CGROUP_SETSOCKOPT
	// AttachTypeTraceRawTP is BPF_TRACE_RAW_TP.
	AttachTypeTraceRawTP AttachType = C.BPF_TRACE_RAW_TP
	// AttachTypeTraceFentry is BPF_TRACE_FENTRY.
	AttachTypeTraceFentry AttachType = C.BPF_TRACE_FENTRY
	// AttachTypeTraceFexit is BPF_TRACE_FEXIT.
	AttachTypeTraceFexit AttachType = C.BPF_TRACE_FEXIT
	// AttachTypeModifyReturn is BPF_MODIFY_RETURN.
	AttachTypeModifyReturn AttachType = C.BPF_MODIFY_RETURN
	// AttachTypeLSMMAC is BPF_LSM_MAC.
	AttachTypeLSMMAC AttachType = C.BPF_LSM_MAC
	// AttachTypeTraceIter is BPF_TRACE_ITER.
	AttachTypeTraceIter AttachType = C.BPF_TRACE_ITER
	// AttachTypeCgroupInet4Getpeername is BPF_CGROUP_INET4_GETPEERNAME.
	AttachTypeCgroupInet4Getpeername AttachType = C.BPF_CGROUP_INET4_GETPEERNAME
	// AttachTypeCgroupInet6Getpeername is BPF_CGROUP_INET6_GETPEERNAME.
	AttachTypeCgroupInet6Getpeername AttachType = C.BPF_CGROUP_INET6_GETPEERNAME
	// AttachTypeCgroupInet4Getsockname is BPF_CGROUP_INET4_GETSOCKNAME.
	AttachTypeCgroupInet4Getsockname AttachType = C.BPF_CGROUP_INET4_GETSOCKNAME
	// AttachTypeCgroupInet6Getsockname is BPF_CGROUP_INET6_GETSOCKNAME.
	AttachTypeCgroupInet6Getsockname AttachType = C.BPF_CGROUP_INET6_GETSOCKNAME
	// AttachTypeXDPDevMap is BPF_XDP_DEVMAP.
	AttachTypeXDPDevMap AttachType = C.BPF_XDP_DEVMAP
	// AttachTypeCgroupInetSockRelease is BPF_CGROUP_INET_SOCK_RELEASE.
	AttachTypeCgroupInetSockRelease AttachType = C.BPF_CGROUP_INET_SOCK_RELEASE
	// AttachTypeXDPCPUMap is BPF_XDP_CPUMAP.
	AttachTypeXDPCPUMap AttachType = C.BPF_XDP_CPUMAP
	// AttachTypeSKLookup is BPF_SK_LOOKUP.
	AttachTypeSKLookup AttachType = C.BPF_SK_LOOKUP
	// AttachTypeXDP is BPF_XDP.
	AttachTypeXDP AttachType = C.BPF_XDP
	// AttachTypeSKSKBVerdict is BPF_SK_SKB_VERDICT.
	AttachTypeSKSKBVerdict AttachType = C.BPF_SK_SKB_VERDICT
	// AttachTypeSKReuseportSelect is BPF_SK_REUSEPORT_SELECT.
	AttachTypeSKReuseportSelect AttachType = C.BPF_SK_REUSEPORT_SELECT
	// AttachTypeSKReuseportSelectOrMigrate is BPF_SK_REUSEPORT_SELECT_OR_MIGRATE.
	AttachTypeSKReuseportSelectOrMigrate AttachType = C.BPF_SK_REUSEPORT_SELECT_OR_MIGRATE
	// AttachTypePerfEvent is BPF_PERF_EVENT.
	AttachTypePerfEvent AttachType = C.BPF_PERF_EVENT
	// AttachTypeTraceKprobeMulti is BPF_TRACE_KPROBE_MULTI.
	AttachTypeTraceKprobeMulti AttachType = C.BPF_TRACE_KPROBE_MULTI
	// AttachTypeLSMCgroup is BPF_LSM_CGROUP.
	AttachTypeLSMCgroup AttachType = C.BPF_LSM_CGROUP
	// AttachTypeStructOps is BPF_STRUCT_OPS.
	AttachTypeStructOps AttachType = C.BPF_STRUCT_OPS
	// AttachTypeNetfilter is BPF_NETFILTER.
	AttachTypeNetfilter AttachType = C.BPF_NETFILTER
	// AttachTypeTCXIngress is BPF_TCX_INGRESS.
	AttachTypeTCXIngress AttachType = C.BPF_TCX_INGRESS
	// AttachTypeTCXEgress is BPF_TCX_EGRESS.
	AttachTypeTCXEgress AttachType = C.BPF_TCX_EGRESS
	// AttachTypeTraceUprobeMulti is BPF_TRACE_UPROBE_MULTI.
	AttachTypeTraceUprobeMulti AttachType = C.BPF_TRACE_UPROBE_MULTI
	// AttachTypeCgroupUnixConnect is BPF_CGROUP_UNIX_CONNECT.
	AttachTypeCgroupUnixConnect AttachType = C.BPF_CGROUP_UNIX_CONNECT
	// AttachTypeCgroupUnixSendmsg is BPF_CGROUP_UNIX_SENDMSG.
	AttachTypeCgroupUnixSendmsg AttachType = C.BPF_CGROUP_UNIX_SENDMSG
	// AttachTypeCgroupUnixRecvmsg is BPF_CGROUP_UNIX_RECVMSG.
	AttachTypeCgroupUnixRecvmsg AttachType = C.BPF_CGROUP_UNIX_RECVMSG
	// AttachTypeCgroupUnixGetpeername is BPF_CGROUP_UNIX_GETPEERNAME.
	AttachTypeCgroupUnixGetpeername AttachType = C.BPF_CGROUP_UNIX_GETPEERNAME
	// AttachTypeCgroupUnixGetsockname is BPF_CGROUP_UNIX_GETSOCKNAME.
	AttachTypeCgroupUnixGetsockname AttachType = C.BPF_CGROUP_UNIX_GETSOCKNAME
	// AttachTypeNetkitPrimary is BPF_NETKIT_PRIMARY.
	AttachTypeNetkitPrimary AttachType = C.BPF_NETKIT_PRIMARY
	// AttachTypeNetkitPeer is BPF_NETKIT_PEER.
	AttachTypeNetkitPeer AttachType = C.BPF_NETKIT_PEER
	// AttachTypeTraceKprobeSession is BPF_TRACE_KPROBE_SESSION.
	AttachTypeTraceKprobeSession AttachType = C.BPF_TRACE_KPROBE_SESSION
	// AttachTypeTraceUprobeSession is BPF_TRACE_UPROBE_SESSION.
	AttachTypeTraceUprobeSession AttachType = C.BPF_TRACE_UPROBE_SESSION
	// AttachTypeTraceFsession is BPF_TRACE_FSESSION.
	AttachTypeTraceFsession AttachType = C.BPF_TRACE_FSESSION
)

// String returns libbpf's name for the attach type
// (libbpf_bpf_attach_type_str), such as "cgroup_inet_ingress", or
// "AttachType(N)" for a value libbpf does not know.
func (t AttachType) String() string {
	// libbpf returns a static string or NULL; GoString copies it.
	if s := C.libbpf_bpf_attach_type_str(C.enum_bpf_attach_type(t)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("AttachType(%d)", uint32(t))
}

// MapType is a BPF map type (enum bpf_map_type).
type MapType uint32

// Map types, from enum bpf_map_type.
const (
	// MapTypeUnspec is BPF_MAP_TYPE_UNSPEC.
	MapTypeUnspec MapType = C.BPF_MAP_TYPE_UNSPEC
	// MapTypeHash is BPF_MAP_TYPE_HASH.
	MapTypeHash MapType = C.BPF_MAP_TYPE_HASH
	// MapTypeArray is BPF_MAP_TYPE_ARRAY.
	MapTypeArray MapType = C.BPF_MAP_TYPE_ARRAY
	// MapTypeProgArray is BPF_MAP_TYPE_PROG_ARRAY.
	MapTypeProgArray MapType = C.BPF_MAP_TYPE_PROG_ARRAY
	// MapTypePerfEventArray is BPF_MAP_TYPE_PERF_EVENT_ARRAY.
	MapTypePerfEventArray MapType = C.BPF_MAP_TYPE_PERF_EVENT_ARRAY
	// MapTypePerCPUHash is BPF_MAP_TYPE_PERCPU_HASH.
	MapTypePerCPUHash MapType = C.BPF_MAP_TYPE_PERCPU_HASH
	// MapTypePerCPUArray is BPF_MAP_TYPE_PERCPU_ARRAY.
	MapTypePerCPUArray MapType = C.BPF_MAP_TYPE_PERCPU_ARRAY
	// MapTypeStackTrace is BPF_MAP_TYPE_STACK_TRACE.
	MapTypeStackTrace MapType = C.BPF_MAP_TYPE_STACK_TRACE
	// MapTypeCgroupArray is BPF_MAP_TYPE_CGROUP_ARRAY.
	MapTypeCgroupArray MapType = C.BPF_MAP_TYPE_CGROUP_ARRAY
	// MapTypeLRUHash is BPF_MAP_TYPE_LRU_HASH.
	MapTypeLRUHash MapType = C.BPF_MAP_TYPE_LRU_HASH
	// MapTypeLRUPerCPUHash is BPF_MAP_TYPE_LRU_PERCPU_HASH.
	MapTypeLRUPerCPUHash MapType = C.BPF_MAP_TYPE_LRU_PERCPU_HASH
	// MapTypeLPMTrie is BPF_MAP_TYPE_LPM_TRIE.
	MapTypeLPMTrie MapType = C.BPF_MAP_TYPE_LPM_TRIE
	// MapTypeArrayOfMaps is BPF_MAP_TYPE_ARRAY_OF_MAPS.
	MapTypeArrayOfMaps MapType = C.BPF_MAP_TYPE_ARRAY_OF_MAPS
	// MapTypeHashOfMaps is BPF_MAP_TYPE_HASH_OF_MAPS.
	MapTypeHashOfMaps MapType = C.BPF_MAP_TYPE_HASH_OF_MAPS
	// MapTypeDevMap is BPF_MAP_TYPE_DEVMAP.
	MapTypeDevMap MapType = C.BPF_MAP_TYPE_DEVMAP
	// MapTypeSockMap is BPF_MAP_TYPE_SOCKMAP.
	MapTypeSockMap MapType = C.BPF_MAP_TYPE_SOCKMAP
	// MapTypeCPUMap is BPF_MAP_TYPE_CPUMAP.
	MapTypeCPUMap MapType = C.BPF_MAP_TYPE_CPUMAP
	// MapTypeXSKMap is BPF_MAP_TYPE_XSKMAP.
	MapTypeXSKMap MapType = C.BPF_MAP_TYPE_XSKMAP
	// MapTypeSockHash is BPF_MAP_TYPE_SOCKHASH.
	MapTypeSockHash MapType = C.BPF_MAP_TYPE_SOCKHASH
	// MapTypeCgroupStorage is BPF_MAP_TYPE_CGROUP_STORAGE.
	MapTypeCgroupStorage MapType = C.BPF_MAP_TYPE_CGROUP_STORAGE
	// MapTypeReuseportSockArray is BPF_MAP_TYPE_REUSEPORT_SOCKARRAY.
	MapTypeReuseportSockArray MapType = C.BPF_MAP_TYPE_REUSEPORT_SOCKARRAY
	// MapTypePerCPUCgroupStorage is BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE.
	MapTypePerCPUCgroupStorage MapType = C.BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
	// MapTypeQueue is BPF_MAP_TYPE_QUEUE.
	MapTypeQueue MapType = C.BPF_MAP_TYPE_QUEUE
	// MapTypeStack is BPF_MAP_TYPE_STACK.
	MapTypeStack MapType = C.BPF_MAP_TYPE_STACK
	// MapTypeSKStorage is BPF_MAP_TYPE_SK_STORAGE.
	MapTypeSKStorage MapType = C.BPF_MAP_TYPE_SK_STORAGE
	// MapTypeDevMapHash is BPF_MAP_TYPE_DEVMAP_HASH.
	MapTypeDevMapHash MapType = C.BPF_MAP_TYPE_DEVMAP_HASH
	// MapTypeStructOps is BPF_MAP_TYPE_STRUCT_OPS.
	MapTypeStructOps MapType = C.BPF_MAP_TYPE_STRUCT_OPS
	// MapTypeRingBuf is BPF_MAP_TYPE_RINGBUF.
	MapTypeRingBuf MapType = C.BPF_MAP_TYPE_RINGBUF
	// MapTypeInodeStorage is BPF_MAP_TYPE_INODE_STORAGE.
	MapTypeInodeStorage MapType = C.BPF_MAP_TYPE_INODE_STORAGE
	// MapTypeTaskStorage is BPF_MAP_TYPE_TASK_STORAGE.
	MapTypeTaskStorage MapType = C.BPF_MAP_TYPE_TASK_STORAGE
	// MapTypeBloomFilter is BPF_MAP_TYPE_BLOOM_FILTER.
	MapTypeBloomFilter MapType = C.BPF_MAP_TYPE_BLOOM_FILTER
	// MapTypeUserRingBuf is BPF_MAP_TYPE_USER_RINGBUF.
	MapTypeUserRingBuf MapType = C.BPF_MAP_TYPE_USER_RINGBUF
	// MapTypeCgrpStorage is BPF_MAP_TYPE_CGRP_STORAGE.
	MapTypeCgrpStorage MapType = C.BPF_MAP_TYPE_CGRP_STORAGE
	// MapTypeArena is BPF_MAP_TYPE_ARENA.
	MapTypeArena MapType = C.BPF_MAP_TYPE_ARENA
	// MapTypeInsnArray is BPF_MAP_TYPE_INSN_ARRAY.
	MapTypeInsnArray MapType = C.BPF_MAP_TYPE_INSN_ARRAY
)

// String returns libbpf's name for the map type (libbpf_bpf_map_type_str),
// such as "hash", or "MapType(N)" for a value libbpf does not know.
func (t MapType) String() string {
	// libbpf returns a static string or NULL; GoString copies it.
	if s := C.libbpf_bpf_map_type_str(C.enum_bpf_map_type(t)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("MapType(%d)", uint32(t))
}

// perCPU reports whether values of the map type hold one slot per possible
// CPU, as the kernel and libbpf treat them in lookups and updates.
func (t MapType) perCPU() bool {
	switch t {
	case MapTypePerCPUHash, MapTypePerCPUArray, MapTypeLRUPerCPUHash, MapTypePerCPUCgroupStorage:
		return true
	}
	return false
}
