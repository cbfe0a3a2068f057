# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``capability_names``: the Linux capability names in a mask such as ``CapBnd`` of /proc/PID/status.

runc can only give a container capabilities its own process has: a name outside its bounding set makes
``runc create`` fail. A system container that wants "every capability" asks for exactly these.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

# Capability numbers as in linux/capability.h (bit N of the mask is capability N).
CAPABILITY_BITS = (
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
    "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
)


def capability_names(mask: t.Union[str, int]) -> t.List[str]:
    """Names of the capabilities set in ``mask`` (hex text as in /proc/PID/status, or an int), in number order.

    Bits beyond the capabilities named here (newer kernels) are left out: runc would not know them either.
    """
    if isinstance(mask, bool):
        raise AnsibleFilterError("capability_names: expected a hex mask such as 000001ffffffffff, got %r" % (mask,))
    if isinstance(mask, int):
        value = mask
    else:
        try:
            value = int(str(mask).strip(), 16)
        except ValueError:
            raise AnsibleFilterError("capability_names: expected a hex mask such as 000001ffffffffff, got %r" % (mask,))
    if value < 0:
        raise AnsibleFilterError("capability_names: a capability mask cannot be negative, got %r" % (mask,))
    return [name for number, name in enumerate(CAPABILITY_BITS) if value >> number & 1]


class FilterModule:
    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"capability_names": capability_names}
