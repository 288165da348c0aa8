package libbpf

/*
#include "glue.h"
#include <linux/if_link.h>
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
	ProgramTypeUnspec ProgramType = 0
	// ProgramTypeSocketFilter is BPF_PROG_TYPE_SOCKET_FILTER.
	ProgramTypeSocketFilter ProgramType = 1
	// ProgramTypeKprobe is BPF_PROG_TYPE_KPROBE.
	ProgramTypeKprobe ProgramType = 2
	// ProgramTypeSchedCLS is BPF_PROG_TYPE_SCHED_CLS.
	ProgramTypeSchedCLS ProgramType = 3
	// ProgramTypeSchedACT is BPF_PROG_TYPE_SCHED_ACT.
	ProgramTypeSchedACT ProgramType = 4
	// ProgramTypeTracepoint is BPF_PROG_TYPE_TRACEPOINT.
	ProgramTypeTracepoint ProgramType = 5
	// ProgramTypeXDP is BPF_PROG_TYPE_XDP.
	ProgramTypeXDP ProgramType = 6
	// ProgramTypePerfEvent is BPF_PROG_TYPE_PERF_EVENT.
	ProgramTypePerfEvent ProgramType = 7
	// ProgramTypeCgroupSKB is BPF_PROG_TYPE_CGROUP_SKB.
	ProgramTypeCgroupSKB ProgramType = 8
	// ProgramTypeCgroupSock is BPF_PROG_TYPE_CGROUP_SOCK.
	ProgramTypeCgroupSock ProgramType = 9
	// ProgramTypeLWTIn is BPF_PROG_TYPE_LWT_IN.
	ProgramTypeLWTIn ProgramType = 10
	// ProgramTypeLWTOut is BPF_PROG_TYPE_LWT_OUT.
	ProgramTypeLWTOut ProgramType = 11
	// ProgramTypeLWTXmit is BPF_PROG_TYPE_LWT_XMIT.
	ProgramTypeLWTXmit ProgramType = 12
	// ProgramTypeSockOps is BPF_PROG_TYPE_SOCK_OPS.
	ProgramTypeSockOps ProgramType = 13
	// ProgramTypeSKSKB is BPF_PROG_TYPE_SK_SKB.
	ProgramTypeSKSKB ProgramType = 14
	// ProgramTypeCgroupDevice is BPF_PROG_TYPE_CGROUP_DEVICE.
	ProgramTypeCgroupDevice ProgramType = 15
	// ProgramTypeSKMsg is BPF_PROG_TYPE_SK_MSG.
	ProgramTypeSKMsg ProgramType = 16
	// ProgramTypeRawTracepoint is BPF_PROG_TYPE_RAW_TRACEPOINT.
	ProgramTypeRawTracepoint ProgramType = 17
	// ProgramTypeCgroupSockAddr is BPF_PROG_TYPE_CGROUP_SOCK_ADDR.
	ProgramTypeCgroupSockAddr ProgramType = 18
	// ProgramTypeLWTSeg6Local is BPF_PROG_TYPE_LWT_SEG6LOCAL.
	ProgramTypeLWTSeg6Local ProgramType = 19
	// ProgramTypeLIRCMode2 is BPF_PROG_TYPE_LIRC_MODE2.
	ProgramTypeLIRCMode2 ProgramType = 20
	// ProgramTypeSKReuseport is BPF_PROG_TYPE_SK_REUSEPORT.
	ProgramTypeSKReuseport ProgramType = 21
	// ProgramTypeFlowDissector is BPF_PROG_TYPE_FLOW_DISSECTOR.
	ProgramTypeFlowDissector ProgramType = 22
	// ProgramTypeCgroupSysctl is BPF_PROG_TYPE_CGROUP_SYSCTL.
	ProgramTypeCgroupSysctl ProgramType = 23
	// ProgramTypeRawTracepointWritable is BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE.
	ProgramTypeRawTracepointWritable ProgramType = 24
	// ProgramTypeCgroupSockopt is BPF_PROG_TYPE_CGROUP_SOCKOPT.
	ProgramTypeCgroupSockopt ProgramType = 25
	// ProgramTypeTracing is BPF_PROG_TYPE_TRACING.
	ProgramTypeTracing ProgramType = 26
	// ProgramTypeStructOps is BPF_PROG_TYPE_STRUCT_OPS.
	ProgramTypeStructOps ProgramType = 27
	// ProgramTypeExt is BPF_PROG_TYPE_EXT.
	ProgramTypeExt ProgramType = 28
	// ProgramTypeLSM is BPF_PROG_TYPE_LSM.
	ProgramTypeLSM ProgramType = 29
	// ProgramTypeSKLookup is BPF_PROG_TYPE_SK_LOOKUP.
	ProgramTypeSKLookup ProgramType = 30
	// ProgramTypeSyscall is BPF_PROG_TYPE_SYSCALL.
	ProgramTypeSyscall ProgramType = 31
	// ProgramTypeNetfilter is BPF_PROG_TYPE_NETFILTER.
	ProgramTypeNetfilter ProgramType = 32
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
	AttachTypeCgroupInetIngress AttachType = 0
	// AttachTypeCgroupInetEgress is BPF_CGROUP_INET_EGRESS.
	AttachTypeCgroupInetEgress AttachType = 1
	// AttachTypeCgroupInetSockCreate is BPF_CGROUP_INET_SOCK_CREATE.
	AttachTypeCgroupInetSockCreate AttachType = 2
	// AttachTypeCgroupSockOps is BPF_CGROUP_SOCK_OPS.
	AttachTypeCgroupSockOps AttachType = 3
	// AttachTypeSKSKBStreamParser is BPF_SK_SKB_STREAM_PARSER.
	AttachTypeSKSKBStreamParser AttachType = 4
	// AttachTypeSKSKBStreamVerdict is BPF_SK_SKB_STREAM_VERDICT.
	AttachTypeSKSKBStreamVerdict AttachType = 5
	// AttachTypeCgroupDevice is BPF_CGROUP_DEVICE.
	AttachTypeCgroupDevice AttachType = 6
	// AttachTypeSKMsgVerdict is BPF_SK_MSG_VERDICT.
	AttachTypeSKMsgVerdict AttachType = 7
	// AttachTypeCgroupInet4Bind is BPF_CGROUP_INET4_BIND.
	AttachTypeCgroupInet4Bind AttachType = 8
	// AttachTypeCgroupInet6Bind is BPF_CGROUP_INET6_BIND.
	AttachTypeCgroupInet6Bind AttachType = 9
	// AttachTypeCgroupInet4Connect is BPF_CGROUP_INET4_CONNECT.
	AttachTypeCgroupInet4Connect AttachType = 10
	// AttachTypeCgroupInet6Connect is BPF_CGROUP_INET6_CONNECT.
	AttachTypeCgroupInet6Connect AttachType = 11
	// AttachTypeCgroupInet4PostBind is BPF_CGROUP_INET4_POST_BIND.
	AttachTypeCgroupInet4PostBind AttachType = 12
	// AttachTypeCgroupInet6PostBind is BPF_CGROUP_INET6_POST_BIND.
	AttachTypeCgroupInet6PostBind AttachType = 13
	// AttachTypeCgroupUDP4Sendmsg is BPF_CGROUP_UDP4_SENDMSG.
	AttachTypeCgroupUDP4Sendmsg AttachType = 14
	// AttachTypeCgroupUDP6Sendmsg is BPF_CGROUP_UDP6_SENDMSG.
	AttachTypeCgroupUDP6Sendmsg AttachType = 15
	// AttachTypeLIRCMode2 is BPF_LIRC_MODE2.
	AttachTypeLIRCMode2 AttachType = 16
	// AttachTypeFlowDissector is BPF_FLOW_DISSECTOR.
	AttachTypeFlowDissector AttachType = 17
	// AttachTypeCgroupSysctl is BPF_CGROUP_SYSCTL.
	AttachTypeCgroupSysctl AttachType = 18
	// AttachTypeCgroupUDP4Recvmsg is BPF_CGROUP_UDP4_RECVMSG.
	AttachTypeCgroupUDP4Recvmsg AttachType = 19
	// AttachTypeCgroupUDP6Recvmsg is BPF_CGROUP_UDP6_RECVMSG.
	AttachTypeCgroupUDP6Recvmsg AttachType = 20
	// AttachTypeCgroupGetsockopt is BPF_CGROUP_GETSOCKOPT.
	AttachTypeCgroupGetsockopt AttachType = 21
	// AttachTypeCgroupSetsockopt is BPF_CGROUP_SETSOCKOPT.
	AttachTypeCgroupSetsockopt AttachType = 22
	// AttachTypeTraceRawTP is BPF_TRACE_RAW_TP.
	AttachTypeTraceRawTP AttachType = 23
	// AttachTypeTraceFentry is BPF_TRACE_FENTRY.
	AttachTypeTraceFentry AttachType = 24
	// AttachTypeTraceFexit is BPF_TRACE_FEXIT.
	AttachTypeTraceFexit AttachType = 25
	// AttachTypeModifyReturn is BPF_MODIFY_RETURN.
	AttachTypeModifyReturn AttachType = 26
	// AttachTypeLSMMAC is BPF_LSM_MAC.
	AttachTypeLSMMAC AttachType = 27
	// AttachTypeTraceIter is BPF_TRACE_ITER.
	AttachTypeTraceIter AttachType = 28
	// AttachTypeCgroupInet4Getpeername is BPF_CGROUP_INET4_GETPEERNAME.
	AttachTypeCgroupInet4Getpeername AttachType = 29
	// AttachTypeCgroupInet6Getpeername is BPF_CGROUP_INET6_GETPEERNAME.
	AttachTypeCgroupInet6Getpeername AttachType = 30
	// AttachTypeCgroupInet4Getsockname is BPF_CGROUP_INET4_GETSOCKNAME.
	AttachTypeCgroupInet4Getsockname AttachType = 31
	// AttachTypeCgroupInet6Getsockname is BPF_CGROUP_INET6_GETSOCKNAME.
	AttachTypeCgroupInet6Getsockname AttachType = 32
	// AttachTypeXDPDevMap is BPF_XDP_DEVMAP.
	AttachTypeXDPDevMap AttachType = 33
	// AttachTypeCgroupInetSockRelease is BPF_CGROUP_INET_SOCK_RELEASE.
	AttachTypeCgroupInetSockRelease AttachType = 34
	// AttachTypeXDPCPUMap is BPF_XDP_CPUMAP.
	AttachTypeXDPCPUMap AttachType = 35
	// AttachTypeSKLookup is BPF_SK_LOOKUP.
	AttachTypeSKLookup AttachType = 36
	// AttachTypeXDP is BPF_XDP.
	AttachTypeXDP AttachType = 37
	// AttachTypeSKSKBVerdict is BPF_SK_SKB_VERDICT.
	AttachTypeSKSKBVerdict AttachType = 38
	// AttachTypeSKReuseportSelect is BPF_SK_REUSEPORT_SELECT.
	AttachTypeSKReuseportSelect AttachType = 39
	// AttachTypeSKReuseportSelectOrMigrate is BPF_SK_REUSEPORT_SELECT_OR_MIGRATE.
	AttachTypeSKReuseportSelectOrMigrate AttachType = 40
	// AttachTypePerfEvent is BPF_PERF_EVENT.
	AttachTypePerfEvent AttachType = 41
	// AttachTypeTraceKprobeMulti is BPF_TRACE_KPROBE_MULTI.
	AttachTypeTraceKprobeMulti AttachType = 42
	// AttachTypeLSMCgroup is BPF_LSM_CGROUP.
	AttachTypeLSMCgroup AttachType = 43
	// AttachTypeStructOps is BPF_STRUCT_OPS.
	AttachTypeStructOps AttachType = 44
	// AttachTypeNetfilter is BPF_NETFILTER.
	AttachTypeNetfilter AttachType = 45
	// AttachTypeTCXIngress is BPF_TCX_INGRESS.
	AttachTypeTCXIngress AttachType = 46
	// AttachTypeTCXEgress is BPF_TCX_EGRESS.
	AttachTypeTCXEgress AttachType = 47
	// AttachTypeTraceUprobeMulti is BPF_TRACE_UPROBE_MULTI.
	AttachTypeTraceUprobeMulti AttachType = 48
	// AttachTypeCgroupUnixConnect is BPF_CGROUP_UNIX_CONNECT.
	AttachTypeCgroupUnixConnect AttachType = 49
	// AttachTypeCgroupUnixSendmsg is BPF_CGROUP_UNIX_SENDMSG.
	AttachTypeCgroupUnixSendmsg AttachType = 50
	// AttachTypeCgroupUnixRecvmsg is BPF_CGROUP_UNIX_RECVMSG.
	AttachTypeCgroupUnixRecvmsg AttachType = 51
	// AttachTypeCgroupUnixGetpeername is BPF_CGROUP_UNIX_GETPEERNAME.
	AttachTypeCgroupUnixGetpeername AttachType = 52
	// AttachTypeCgroupUnixGetsockname is BPF_CGROUP_UNIX_GETSOCKNAME.
	AttachTypeCgroupUnixGetsockname AttachType = 53
	// AttachTypeNetkitPrimary is BPF_NETKIT_PRIMARY.
	AttachTypeNetkitPrimary AttachType = 54
	// AttachTypeNetkitPeer is BPF_NETKIT_PEER.
	AttachTypeNetkitPeer AttachType = 55
	// AttachTypeTraceKprobeSession is BPF_TRACE_KPROBE_SESSION.
	AttachTypeTraceKprobeSession AttachType = 56
	// AttachTypeTraceUprobeSession is BPF_TRACE_UPROBE_SESSION.
	AttachTypeTraceUprobeSession AttachType = 57
	// AttachTypeTraceFsession is BPF_TRACE_FSESSION.
	AttachTypeTraceFsession AttachType = 58
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
	MapTypeUnspec MapType = 0
	// MapTypeHash is BPF_MAP_TYPE_HASH.
	MapTypeHash MapType = 1
	// MapTypeArray is BPF_MAP_TYPE_ARRAY.
	MapTypeArray MapType = 2
	// MapTypeProgArray is BPF_MAP_TYPE_PROG_ARRAY.
	MapTypeProgArray MapType = 3
	// MapTypePerfEventArray is BPF_MAP_TYPE_PERF_EVENT_ARRAY.
	MapTypePerfEventArray MapType = 4
	// MapTypePerCPUHash is BPF_MAP_TYPE_PERCPU_HASH.
	MapTypePerCPUHash MapType = 5
	// MapTypePerCPUArray is BPF_MAP_TYPE_PERCPU_ARRAY.
	MapTypePerCPUArray MapType = 6
	// MapTypeStackTrace is BPF_MAP_TYPE_STACK_TRACE.
	MapTypeStackTrace MapType = 7
	// MapTypeCgroupArray is BPF_MAP_TYPE_CGROUP_ARRAY.
	MapTypeCgroupArray MapType = 8
	// MapTypeLRUHash is BPF_MAP_TYPE_LRU_HASH.
	MapTypeLRUHash MapType = 9
	// MapTypeLRUPerCPUHash is BPF_MAP_TYPE_LRU_PERCPU_HASH.
	MapTypeLRUPerCPUHash MapType = 10
	// MapTypeLPMTrie is BPF_MAP_TYPE_LPM_TRIE.
	MapTypeLPMTrie MapType = 11
	// MapTypeArrayOfMaps is BPF_MAP_TYPE_ARRAY_OF_MAPS.
	MapTypeArrayOfMaps MapType = 12
	// MapTypeHashOfMaps is BPF_MAP_TYPE_HASH_OF_MAPS.
	MapTypeHashOfMaps MapType = 13
	// MapTypeDevMap is BPF_MAP_TYPE_DEVMAP.
	MapTypeDevMap MapType = 14
	// MapTypeSockMap is BPF_MAP_TYPE_SOCKMAP.
	MapTypeSockMap MapType = 15
	// MapTypeCPUMap is BPF_MAP_TYPE_CPUMAP.
	MapTypeCPUMap MapType = 16
	// MapTypeXSKMap is BPF_MAP_TYPE_XSKMAP.
	MapTypeXSKMap MapType = 17
	// MapTypeSockHash is BPF_MAP_TYPE_SOCKHASH.
	MapTypeSockHash MapType = 18
	// MapTypeCgroupStorage is BPF_MAP_TYPE_CGROUP_STORAGE.
	MapTypeCgroupStorage MapType = 19
	// MapTypeReuseportSockArray is BPF_MAP_TYPE_REUSEPORT_SOCKARRAY.
	MapTypeReuseportSockArray MapType = 20
	// MapTypePerCPUCgroupStorage is BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE.
	MapTypePerCPUCgroupStorage MapType = 21
	// MapTypeQueue is BPF_MAP_TYPE_QUEUE.
	MapTypeQueue MapType = 22
	// MapTypeStack is BPF_MAP_TYPE_STACK.
	MapTypeStack MapType = 23
	// MapTypeSKStorage is BPF_MAP_TYPE_SK_STORAGE.
	MapTypeSKStorage MapType = 24
	// MapTypeDevMapHash is BPF_MAP_TYPE_DEVMAP_HASH.
	MapTypeDevMapHash MapType = 25
	// MapTypeStructOps is BPF_MAP_TYPE_STRUCT_OPS.
	MapTypeStructOps MapType = 26
	// MapTypeRingBuf is BPF_MAP_TYPE_RINGBUF.
	MapTypeRingBuf MapType = 27
	// MapTypeInodeStorage is BPF_MAP_TYPE_INODE_STORAGE.
	MapTypeInodeStorage MapType = 28
	// MapTypeTaskStorage is BPF_MAP_TYPE_TASK_STORAGE.
	MapTypeTaskStorage MapType = 29
	// MapTypeBloomFilter is BPF_MAP_TYPE_BLOOM_FILTER.
	MapTypeBloomFilter MapType = 30
	// MapTypeUserRingBuf is BPF_MAP_TYPE_USER_RINGBUF.
	MapTypeUserRingBuf MapType = 31
	// MapTypeCgrpStorage is BPF_MAP_TYPE_CGRP_STORAGE.
	MapTypeCgrpStorage MapType = 32
	// MapTypeArena is BPF_MAP_TYPE_ARENA.
	MapTypeArena MapType = 33
	// MapTypeInsnArray is BPF_MAP_TYPE_INSN_ARRAY.
	MapTypeInsnArray MapType = 34
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

// cConstant pairs an exported constant's Go value with the value of the C
// constant it stands for: the constants have Go values so that go doc
// shows them, and a test keeps them equal to libbpf's headers.
type cConstant struct {
	name    string
	goValue uint64
	cValue  uint64
}

// cConstants lists every exported constant of the package that mirrors a
// C one, with that C constant's value.
func cConstants() []cConstant {
	return []cConstant{
		{"ProbeAttachModeDefault", uint64(ProbeAttachModeDefault), C.PROBE_ATTACH_MODE_DEFAULT},
		{"ProbeAttachModeLegacy", uint64(ProbeAttachModeLegacy), C.PROBE_ATTACH_MODE_LEGACY},
		{"ProbeAttachModePerf", uint64(ProbeAttachModePerf), C.PROBE_ATTACH_MODE_PERF},
		{"ProbeAttachModeLink", uint64(ProbeAttachModeLink), C.PROBE_ATTACH_MODE_LINK},
		{"XDPFlagsUpdateIfNoExist", uint64(XDPFlagsUpdateIfNoExist), C.XDP_FLAGS_UPDATE_IF_NOEXIST},
		{"XDPFlagsSKBMode", uint64(XDPFlagsSKBMode), C.XDP_FLAGS_SKB_MODE},
		{"XDPFlagsDrvMode", uint64(XDPFlagsDrvMode), C.XDP_FLAGS_DRV_MODE},
		{"XDPFlagsHWMode", uint64(XDPFlagsHWMode), C.XDP_FLAGS_HW_MODE},
		{"NetfilterIPDefrag", uint64(NetfilterIPDefrag), C.BPF_F_NETFILTER_IP_DEFRAG},
		{"TCIngress", uint64(TCIngress), C.BPF_TC_INGRESS},
		{"TCEgress", uint64(TCEgress), C.BPF_TC_EGRESS},
		{"TCReplace", uint64(TCReplace), C.BPF_TC_F_REPLACE},
		{"MultiProgBefore", uint64(MultiProgBefore), C.BPF_F_BEFORE},
		{"MultiProgAfter", uint64(MultiProgAfter), C.BPF_F_AFTER},
		{"MultiProgID", uint64(MultiProgID), C.BPF_F_ID},
		{"MultiProgLink", uint64(MultiProgLink), C.BPF_F_LINK},
		{"LinkTypeUnspec", uint64(LinkTypeUnspec), C.BPF_LINK_TYPE_UNSPEC},
		{"LinkTypeRawTracepoint", uint64(LinkTypeRawTracepoint), C.BPF_LINK_TYPE_RAW_TRACEPOINT},
		{"LinkTypeTracing", uint64(LinkTypeTracing), C.BPF_LINK_TYPE_TRACING},
		{"LinkTypeCgroup", uint64(LinkTypeCgroup), C.BPF_LINK_TYPE_CGROUP},
		{"LinkTypeIter", uint64(LinkTypeIter), C.BPF_LINK_TYPE_ITER},
		{"LinkTypeNetns", uint64(LinkTypeNetns), C.BPF_LINK_TYPE_NETNS},
		{"LinkTypeXDP", uint64(LinkTypeXDP), C.BPF_LINK_TYPE_XDP},
		{"LinkTypePerfEvent", uint64(LinkTypePerfEvent), C.BPF_LINK_TYPE_PERF_EVENT},
		{"LinkTypeKprobeMulti", uint64(LinkTypeKprobeMulti), C.BPF_LINK_TYPE_KPROBE_MULTI},
		{"LinkTypeStructOps", uint64(LinkTypeStructOps), C.BPF_LINK_TYPE_STRUCT_OPS},
		{"LinkTypeNetfilter", uint64(LinkTypeNetfilter), C.BPF_LINK_TYPE_NETFILTER},
		{"LinkTypeTCX", uint64(LinkTypeTCX), C.BPF_LINK_TYPE_TCX},
		{"LinkTypeUprobeMulti", uint64(LinkTypeUprobeMulti), C.BPF_LINK_TYPE_UPROBE_MULTI},
		{"LinkTypeNetkit", uint64(LinkTypeNetkit), C.BPF_LINK_TYPE_NETKIT},
		{"LinkTypeSockmap", uint64(LinkTypeSockmap), C.BPF_LINK_TYPE_SOCKMAP},
		{"UpdateAny", uint64(UpdateAny), C.BPF_ANY},
		{"UpdateNoExist", uint64(UpdateNoExist), C.BPF_NOEXIST},
		{"UpdateExist", uint64(UpdateExist), C.BPF_EXIST},
		{"UpdateLock", uint64(UpdateLock), C.BPF_F_LOCK},
		{"ProgramTypeUnspec", uint64(ProgramTypeUnspec), C.BPF_PROG_TYPE_UNSPEC},
		{"ProgramTypeSocketFilter", uint64(ProgramTypeSocketFilter), C.BPF_PROG_TYPE_SOCKET_FILTER},
		{"ProgramTypeKprobe", uint64(ProgramTypeKprobe), C.BPF_PROG_TYPE_KPROBE},
		{"ProgramTypeSchedCLS", uint64(ProgramTypeSchedCLS), C.BPF_PROG_TYPE_SCHED_CLS},
		{"ProgramTypeSchedACT", uint64(ProgramTypeSchedACT), C.BPF_PROG_TYPE_SCHED_ACT},
		{"ProgramTypeTracepoint", uint64(ProgramTypeTracepoint), C.BPF_PROG_TYPE_TRACEPOINT},
		{"ProgramTypeXDP", uint64(ProgramTypeXDP), C.BPF_PROG_TYPE_XDP},
		{"ProgramTypePerfEvent", uint64(ProgramTypePerfEvent), C.BPF_PROG_TYPE_PERF_EVENT},
		{"ProgramTypeCgroupSKB", uint64(ProgramTypeCgroupSKB), C.BPF_PROG_TYPE_CGROUP_SKB},
		{"ProgramTypeCgroupSock", uint64(ProgramTypeCgroupSock), C.BPF_PROG_TYPE_CGROUP_SOCK},
		{"ProgramTypeLWTIn", uint64(ProgramTypeLWTIn), C.BPF_PROG_TYPE_LWT_IN},
		{"ProgramTypeLWTOut", uint64(ProgramTypeLWTOut), C.BPF_PROG_TYPE_LWT_OUT},
		{"ProgramTypeLWTXmit", uint64(ProgramTypeLWTXmit), C.BPF_PROG_TYPE_LWT_XMIT},
		{"ProgramTypeSockOps", uint64(ProgramTypeSockOps), C.BPF_PROG_TYPE_SOCK_OPS},
		{"ProgramTypeSKSKB", uint64(ProgramTypeSKSKB), C.BPF_PROG_TYPE_SK_SKB},
		{"ProgramTypeCgroupDevice", uint64(ProgramTypeCgroupDevice), C.BPF_PROG_TYPE_CGROUP_DEVICE},
		{"ProgramTypeSKMsg", uint64(ProgramTypeSKMsg), C.BPF_PROG_TYPE_SK_MSG},
		{"ProgramTypeRawTracepoint", uint64(ProgramTypeRawTracepoint), C.BPF_PROG_TYPE_RAW_TRACEPOINT},
		{"ProgramTypeCgroupSockAddr", uint64(ProgramTypeCgroupSockAddr), C.BPF_PROG_TYPE_CGROUP_SOCK_ADDR},
		{"ProgramTypeLWTSeg6Local", uint64(ProgramTypeLWTSeg6Local), C.BPF_PROG_TYPE_LWT_SEG6LOCAL},
		{"ProgramTypeLIRCMode2", uint64(ProgramTypeLIRCMode2), C.BPF_PROG_TYPE_LIRC_MODE2},
		{"ProgramTypeSKReuseport", uint64(ProgramTypeSKReuseport), C.BPF_PROG_TYPE_SK_REUSEPORT},
		{"ProgramTypeFlowDissector", uint64(ProgramTypeFlowDissector), C.BPF_PROG_TYPE_FLOW_DISSECTOR},
		{"ProgramTypeCgroupSysctl", uint64(ProgramTypeCgroupSysctl), C.BPF_PROG_TYPE_CGROUP_SYSCTL},
		{"ProgramTypeRawTracepointWritable", uint64(ProgramTypeRawTracepointWritable), C.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE},
		{"ProgramTypeCgroupSockopt", uint64(ProgramTypeCgroupSockopt), C.BPF_PROG_TYPE_CGROUP_SOCKOPT},
		{"ProgramTypeTracing", uint64(ProgramTypeTracing), C.BPF_PROG_TYPE_TRACING},
		{"ProgramTypeStructOps", uint64(ProgramTypeStructOps), C.BPF_PROG_TYPE_STRUCT_OPS},
		{"ProgramTypeExt", uint64(ProgramTypeExt), C.BPF_PROG_TYPE_EXT},
		{"ProgramTypeLSM", uint64(ProgramTypeLSM), C.BPF_PROG_TYPE_LSM},
		{"ProgramTypeSKLookup", uint64(ProgramTypeSKLookup), C.BPF_PROG_TYPE_SK_LOOKUP},
		{"ProgramTypeSyscall", uint64(ProgramTypeSyscall), C.BPF_PROG_TYPE_SYSCALL},
		{"ProgramTypeNetfilter", uint64(ProgramTypeNetfilter), C.BPF_PROG_TYPE_NETFILTER},
		{"AttachTypeCgroupInetIngress", uint64(AttachTypeCgroupInetIngress), C.BPF_CGROUP_INET_INGRESS},
		{"AttachTypeCgroupInetEgress", uint64(AttachTypeCgroupInetEgress), C.BPF_CGROUP_INET_EGRESS},
		{"AttachTypeCgroupInetSockCreate", uint64(AttachTypeCgroupInetSockCreate), C.BPF_CGROUP_INET_SOCK_CREATE},
		{"AttachTypeCgroupSockOps", uint64(AttachTypeCgroupSockOps), C.BPF_CGROUP_SOCK_OPS},
		{"AttachTypeSKSKBStreamParser", uint64(AttachTypeSKSKBStreamParser), C.BPF_SK_SKB_STREAM_PARSER},
		{"AttachTypeSKSKBStreamVerdict", uint64(AttachTypeSKSKBStreamVerdict), C.BPF_SK_SKB_STREAM_VERDICT},
		{"AttachTypeCgroupDevice", uint64(AttachTypeCgroupDevice), C.BPF_CGROUP_DEVICE},
		{"AttachTypeSKMsgVerdict", uint64(AttachTypeSKMsgVerdict), C.BPF_SK_MSG_VERDICT},
		{"AttachTypeCgroupInet4Bind", uint64(AttachTypeCgroupInet4Bind), C.BPF_CGROUP_INET4_BIND},
		{"AttachTypeCgroupInet6Bind", uint64(AttachTypeCgroupInet6Bind), C.BPF_CGROUP_INET6_BIND},
		{"AttachTypeCgroupInet4Connect", uint64(AttachTypeCgroupInet4Connect), C.BPF_CGROUP_INET4_CONNECT},
		{"AttachTypeCgroupInet6Connect", uint64(AttachTypeCgroupInet6Connect), C.BPF_CGROUP_INET6_CONNECT},
		{"AttachTypeCgroupInet4PostBind", uint64(AttachTypeCgroupInet4PostBind), C.BPF_CGROUP_INET4_POST_BIND},
		{"AttachTypeCgroupInet6PostBind", uint64(AttachTypeCgroupInet6PostBind), C.BPF_CGROUP_INET6_POST_BIND},
		{"AttachTypeCgroupUDP4Sendmsg", uint64(AttachTypeCgroupUDP4Sendmsg), C.BPF_CGROUP_UDP4_SENDMSG},
		{"AttachTypeCgroupUDP6Sendmsg", uint64(AttachTypeCgroupUDP6Sendmsg), C.BPF_CGROUP_UDP6_SENDMSG},
		{"AttachTypeLIRCMode2", uint64(AttachTypeLIRCMode2), C.BPF_LIRC_MODE2},
		{"AttachTypeFlowDissector", uint64(AttachTypeFlowDissector), C.BPF_FLOW_DISSECTOR},
		{"AttachTypeCgroupSysctl", uint64(AttachTypeCgroupSysctl), C.BPF_CGROUP_SYSCTL},
		{"AttachTypeCgroupUDP4Recvmsg", uint64(AttachTypeCgroupUDP4Recvmsg), C.BPF_CGROUP_UDP4_RECVMSG},
		{"AttachTypeCgroupUDP6Recvmsg", uint64(AttachTypeCgroupUDP6Recvmsg), C.BPF_CGROUP_UDP6_RECVMSG},
		{"AttachTypeCgroupGetsockopt", uint64(AttachTypeCgroupGetsockopt), C.BPF_CGROUP_GETSOCKOPT},
		{"AttachTypeCgroupSetsockopt", uint64(AttachTypeCgroupSetsockopt), C.BPF_CGROUP_SETSOCKOPT},
		{"AttachTypeTraceRawTP", uint64(AttachTypeTraceRawTP), C.BPF_TRACE_RAW_TP},
		{"AttachTypeTraceFentry", uint64(AttachTypeTraceFentry), C.BPF_TRACE_FENTRY},
		{"AttachTypeTraceFexit", uint64(AttachTypeTraceFexit), C.BPF_TRACE_FEXIT},
		{"AttachTypeModifyReturn", uint64(AttachTypeModifyReturn), C.BPF_MODIFY_RETURN},
		{"AttachTypeLSMMAC", uint64(AttachTypeLSMMAC), C.BPF_LSM_MAC},
		{"AttachTypeTraceIter", uint64(AttachTypeTraceIter), C.BPF_TRACE_ITER},
		{"AttachTypeCgroupInet4Getpeername", uint64(AttachTypeCgroupInet4Getpeername), C.BPF_CGROUP_INET4_GETPEERNAME},
		{"AttachTypeCgroupInet6Getpeername", uint64(AttachTypeCgroupInet6Getpeername), C.BPF_CGROUP_INET6_GETPEERNAME},
		{"AttachTypeCgroupInet4Getsockname", uint64(AttachTypeCgroupInet4Getsockname), C.BPF_CGROUP_INET4_GETSOCKNAME},
		{"AttachTypeCgroupInet6Getsockname", uint64(AttachTypeCgroupInet6Getsockname), C.BPF_CGROUP_INET6_GETSOCKNAME},
		{"AttachTypeXDPDevMap", uint64(AttachTypeXDPDevMap), C.BPF_XDP_DEVMAP},
		{"AttachTypeCgroupInetSockRelease", uint64(AttachTypeCgroupInetSockRelease), C.BPF_CGROUP_INET_SOCK_RELEASE},
		{"AttachTypeXDPCPUMap", uint64(AttachTypeXDPCPUMap), C.BPF_XDP_CPUMAP},
		{"AttachTypeSKLookup", uint64(AttachTypeSKLookup), C.BPF_SK_LOOKUP},
		{"AttachTypeXDP", uint64(AttachTypeXDP), C.BPF_XDP},
		{"AttachTypeSKSKBVerdict", uint64(AttachTypeSKSKBVerdict), C.BPF_SK_SKB_VERDICT},
		{"AttachTypeSKReuseportSelect", uint64(AttachTypeSKReuseportSelect), C.BPF_SK_REUSEPORT_SELECT},
		{"AttachTypeSKReuseportSelectOrMigrate", uint64(AttachTypeSKReuseportSelectOrMigrate), C.BPF_SK_REUSEPORT_SELECT_OR_MIGRATE},
		{"AttachTypePerfEvent", uint64(AttachTypePerfEvent), C.BPF_PERF_EVENT},
		{"AttachTypeTraceKprobeMulti", uint64(AttachTypeTraceKprobeMulti), C.BPF_TRACE_KPROBE_MULTI},
		{"AttachTypeLSMCgroup", uint64(AttachTypeLSMCgroup), C.BPF_LSM_CGROUP},
		{"AttachTypeStructOps", uint64(AttachTypeStructOps), C.BPF_STRUCT_OPS},
		{"AttachTypeNetfilter", uint64(AttachTypeNetfilter), C.BPF_NETFILTER},
		{"AttachTypeTCXIngress", uint64(AttachTypeTCXIngress), C.BPF_TCX_INGRESS},
		{"AttachTypeTCXEgress", uint64(AttachTypeTCXEgress), C.BPF_TCX_EGRESS},
		{"AttachTypeTraceUprobeMulti", uint64(AttachTypeTraceUprobeMulti), C.BPF_TRACE_UPROBE_MULTI},
		{"AttachTypeCgroupUnixConnect", uint64(AttachTypeCgroupUnixConnect), C.BPF_CGROUP_UNIX_CONNECT},
		{"AttachTypeCgroupUnixSendmsg", uint64(AttachTypeCgroupUnixSendmsg), C.BPF_CGROUP_UNIX_SENDMSG},
		{"AttachTypeCgroupUnixRecvmsg", uint64(AttachTypeCgroupUnixRecvmsg), C.BPF_CGROUP_UNIX_RECVMSG},
		{"AttachTypeCgroupUnixGetpeername", uint64(AttachTypeCgroupUnixGetpeername), C.BPF_CGROUP_UNIX_GETPEERNAME},
		{"AttachTypeCgroupUnixGetsockname", uint64(AttachTypeCgroupUnixGetsockname), C.BPF_CGROUP_UNIX_GETSOCKNAME},
		{"AttachTypeNetkitPrimary", uint64(AttachTypeNetkitPrimary), C.BPF_NETKIT_PRIMARY},
		{"AttachTypeNetkitPeer", uint64(AttachTypeNetkitPeer), C.BPF_NETKIT_PEER},
		{"AttachTypeTraceKprobeSession", uint64(AttachTypeTraceKprobeSession), C.BPF_TRACE_KPROBE_SESSION},
		{"AttachTypeTraceUprobeSession", uint64(AttachTypeTraceUprobeSession), C.BPF_TRACE_UPROBE_SESSION},
		{"AttachTypeTraceFsession", uint64(AttachTypeTraceFsession), C.BPF_TRACE_FSESSION},
		{"MapTypeUnspec", uint64(MapTypeUnspec), C.BPF_MAP_TYPE_UNSPEC},
		{"MapTypeHash", uint64(MapTypeHash), C.BPF_MAP_TYPE_HASH},
		{"MapTypeArray", uint64(MapTypeArray), C.BPF_MAP_TYPE_ARRAY},
		{"MapTypeProgArray", uint64(MapTypeProgArray), C.BPF_MAP_TYPE_PROG_ARRAY},
		{"MapTypePerfEventArray", uint64(MapTypePerfEventArray), C.BPF_MAP_TYPE_PERF_EVENT_ARRAY},
		{"MapTypePerCPUHash", uint64(MapTypePerCPUHash), C.BPF_MAP_TYPE_PERCPU_HASH},
		{"MapTypePerCPUArray", uint64(MapTypePerCPUArray), C.BPF_MAP_TYPE_PERCPU_ARRAY},
		{"MapTypeStackTrace", uint64(MapTypeStackTrace), C.BPF_MAP_TYPE_STACK_TRACE},
		{"MapTypeCgroupArray", uint64(MapTypeCgroupArray), C.BPF_MAP_TYPE_CGROUP_ARRAY},
		{"MapTypeLRUHash", uint64(MapTypeLRUHash), C.BPF_MAP_TYPE_LRU_HASH},
		{"MapTypeLRUPerCPUHash", uint64(MapTypeLRUPerCPUHash), C.BPF_MAP_TYPE_LRU_PERCPU_HASH},
		{"MapTypeLPMTrie", uint64(MapTypeLPMTrie), C.BPF_MAP_TYPE_LPM_TRIE},
		{"MapTypeArrayOfMaps", uint64(MapTypeArrayOfMaps), C.BPF_MAP_TYPE_ARRAY_OF_MAPS},
		{"MapTypeHashOfMaps", uint64(MapTypeHashOfMaps), C.BPF_MAP_TYPE_HASH_OF_MAPS},
		{"MapTypeDevMap", uint64(MapTypeDevMap), C.BPF_MAP_TYPE_DEVMAP},
		{"MapTypeSockMap", uint64(MapTypeSockMap), C.BPF_MAP_TYPE_SOCKMAP},
		{"MapTypeCPUMap", uint64(MapTypeCPUMap), C.BPF_MAP_TYPE_CPUMAP},
		{"MapTypeXSKMap", uint64(MapTypeXSKMap), C.BPF_MAP_TYPE_XSKMAP},
		{"MapTypeSockHash", uint64(MapTypeSockHash), C.BPF_MAP_TYPE_SOCKHASH},
		{"MapTypeCgroupStorage", uint64(MapTypeCgroupStorage), C.BPF_MAP_TYPE_CGROUP_STORAGE},
		{"MapTypeReuseportSockArray", uint64(MapTypeReuseportSockArray), C.BPF_MAP_TYPE_REUSEPORT_SOCKARRAY},
		{"MapTypePerCPUCgroupStorage", uint64(MapTypePerCPUCgroupStorage), C.BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE},
		{"MapTypeQueue", uint64(MapTypeQueue), C.BPF_MAP_TYPE_QUEUE},
		{"MapTypeStack", uint64(MapTypeStack), C.BPF_MAP_TYPE_STACK},
		{"MapTypeSKStorage", uint64(MapTypeSKStorage), C.BPF_MAP_TYPE_SK_STORAGE},
		{"MapTypeDevMapHash", uint64(MapTypeDevMapHash), C.BPF_MAP_TYPE_DEVMAP_HASH},
		{"MapTypeStructOps", uint64(MapTypeStructOps), C.BPF_MAP_TYPE_STRUCT_OPS},
		{"MapTypeRingBuf", uint64(MapTypeRingBuf), C.BPF_MAP_TYPE_RINGBUF},
		{"MapTypeInodeStorage", uint64(MapTypeInodeStorage), C.BPF_MAP_TYPE_INODE_STORAGE},
		{"MapTypeTaskStorage", uint64(MapTypeTaskStorage), C.BPF_MAP_TYPE_TASK_STORAGE},
		{"MapTypeBloomFilter", uint64(MapTypeBloomFilter), C.BPF_MAP_TYPE_BLOOM_FILTER},
		{"MapTypeUserRingBuf", uint64(MapTypeUserRingBuf), C.BPF_MAP_TYPE_USER_RINGBUF},
		{"MapTypeCgrpStorage", uint64(MapTypeCgrpStorage), C.BPF_MAP_TYPE_CGRP_STORAGE},
		{"MapTypeArena", uint64(MapTypeArena), C.BPF_MAP_TYPE_ARENA},
		{"MapTypeInsnArray", uint64(MapTypeInsnArray), C.BPF_MAP_TYPE_INSN_ARRAY},
	}
}
