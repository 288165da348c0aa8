/* C glue of links: bpf_link_get_info_by_fd into a struct cgo can read,
 * with the tracepoint name in the union member cgo cannot fill. See glue.h
 * for the contract.
 */
#include <string.h>

#include "glue.h"

int lbg_link_get_info(int fd, struct lbg_link_info *out, char *name, __u32 name_size)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = bpf_link_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->type = info.type;
	out->id = info.id;
	out->prog_id = info.prog_id;
	switch (info.type) {
	case BPF_LINK_TYPE_TRACING:
		out->attach_type = info.tracing.attach_type;
		out->target_obj_id = info.tracing.target_obj_id;
		out->target_btf_id = info.tracing.target_btf_id;
		break;
	case BPF_LINK_TYPE_CGROUP:
		out->attach_type = info.cgroup.attach_type;
		out->cgroup_id = info.cgroup.cgroup_id;
		break;
	case BPF_LINK_TYPE_NETNS:
		out->attach_type = info.netns.attach_type;
		out->netns_ino = info.netns.netns_ino;
		break;
	case BPF_LINK_TYPE_XDP:
		out->ifindex = info.xdp.ifindex;
		break;
	case BPF_LINK_TYPE_TCX:
		out->attach_type = info.tcx.attach_type;
		out->ifindex = info.tcx.ifindex;
		break;
	case BPF_LINK_TYPE_NETKIT:
		out->attach_type = info.netkit.attach_type;
		out->ifindex = info.netkit.ifindex;
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
		out->map_id = info.struct_ops.map_id;
		break;
	case BPF_LINK_TYPE_SOCKMAP:
		out->attach_type = info.sockmap.attach_type;
		out->map_id = info.sockmap.map_id;
		break;
	default:
		break;
	}

	/* The first call told the link type (and perf event kind); the second
	 * hands the kernel the buffer in the member that type uses.
	 */
	if (info.type == BPF_LINK_TYPE_RAW_TRACEPOINT) {
		memset(&info, 0, sizeof(info));
		info.raw_tracepoint.tp_name = (__u64)(unsigned long)name;
		info.raw_tracepoint.tp_name_len = name_size;
	} else if (info.type == BPF_LINK_TYPE_PERF_EVENT &&
		   info.perf_event.type == BPF_PERF_EVENT_TRACEPOINT) {
		memset(&info, 0, sizeof(info));
		info.perf_event.tracepoint.tp_name = (__u64)(unsigned long)name;
		info.perf_event.tracepoint.name_len = name_size;
	} else {
		return 0;
	}
	len = sizeof(info);
	err = bpf_link_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	out->has_tp_name = 1;
	return 0;
}
