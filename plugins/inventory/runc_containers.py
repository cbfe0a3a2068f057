# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: runc_containers
short_description: runc containers of remote hosts as inventory hosts
version_added: 0.2.0
description:
  - Lists the containers of the hosts named in the inventory source, with one C(runc list) per host and runc root, run
    on each host over SSH (or locally) as the P(ocitools.runc.runc#connection) plugin does.
  - Each container becomes an inventory host named C(ID@HOST) that uses the P(ocitools.runc.runc#connection) plugin,
    so a play over these hosts runs inside the containers.
  - Every container is in the groups C(runc_containers), C(status_<status>) (for example C(status_running)) and
    C(runc_host_<host name>); O(keyed_groups), O(groups), O(compose) and O(filters) add more, for example groups by
    annotation from C(runc_container.annotations).
  - The container's facts are the host variable C(runc_container), a dictionary with C(id), C(status), C(pid),
    C(bundle), C(rootfs), C(created), C(annotations), C(owner), C(oci_version), C(host) (the host's name) and C(root).
  - The source file name must end with C(runc.yml), C(runc.yaml), C(runc_containers.yml) or C(runc_containers.yaml).
author:
  - ocitools contributors (@ocitools)
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin; it makes the file a source for this plugin.
    type: str
    required: true
    choices: [ocitools.runc.runc_containers]
  hosts:
    description:
      - The hosts whose containers are listed. An entry is a host name, or a mapping with the keys below.
    type: list
    elements: raw
    required: true
    suboptions:
      name:
        description:
          - The host's name in the inventory. Containers are named C(ID@NAME) and grouped in C(runc_host_NAME).
        type: str
        required: true
      address:
        description:
          - Address the SSH hop connects to (the connection plugin's O(ocitools.runc.runc#connection:runc_host)).
            Defaults to O(hosts[].name).
        type: str
      connection:
        description:
          - V(ssh), V(local), or V(auto) (local for V(localhost), V(127.0.0.1) and V(::1)).
        type: str
        default: auto
        choices: [auto, ssh, local]
      roots:
        description:
          - runc state roots to list on this host, each with one C(runc list). Defaults to runc's own default root.
        type: list
        elements: str
      vars:
        description:
          - Variables for the host's containers, which also configure the listing itself. Use the connection plugin's
            variables, such as C(ansible_user), C(ansible_port), C(ansible_ssh_private_key_file),
            C(ansible_ssh_common_args), C(ansible_runc_host_become) or C(ansible_runc_executable), and any other
            (for example C(ansible_python_interpreter) for the containers).
          - The listing uses the values as they are written here, without templating them.
        type: dict
  runc_executable:
    description:
      - The runc binary on every host, unless a host's O(hosts[].vars) sets C(ansible_runc_executable).
    type: str
    default: runc
  filters:
    description:
      - Which containers become hosts. Each entry is C(include) or C(exclude) with a Jinja2 condition on the container's
        variables (such as C(runc_container.status)); the first entry whose condition holds decides, and a container no
        entry matches is included.
    type: list
    elements: dict
    default: []
  host_errors:
    description:
      - What a host that cannot be listed (unreachable, no runc, runc failing) does.
      - V(warn) skips that host with a warning naming it and keeps the others' containers; V(fail) fails the whole
        inventory source.
    type: str
    default: warn
    choices: [warn, fail]
"""

EXAMPLES = r"""
# inventory/fleet.runc.yml
plugin: ocitools.runc.runc_containers
hosts:
  - name: node1
    address: node1.example.com
    roots: [/run/runc, /run/runc-batch]
    vars:
      ansible_user: deploy
      ansible_runc_host_become: true
  - name: node2
    address: 192.0.2.12
    vars:
      ansible_user: deploy
      ansible_port: 2222
      ansible_runc_host_become: true
keyed_groups:
  # the annotation "app" of each container: app_web, app_db, ...
  - key: runc_container.annotations['app'] | default('none')
    prefix: app
filters:
  - exclude: runc_container.id.startswith('tmp-')
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"

# ansible-inventory -i inventory/fleet.runc.yml --graph
# ansible-playbook -i inventory/fleet.runc.yml site.yml --limit status_running
"""

import concurrent.futures
import typing as t

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible.utils.display import Display

from ansible_collections.ocitools.runc.plugins.module_utils._runc.argv import list_argv
from ansible_collections.ocitools.runc.plugins.module_utils._runc.errors import RuncError
from ansible_collections.ocitools.runc.plugins.module_utils._runc.global_options import GlobalOptions
from ansible_collections.ocitools.runc.plugins.module_utils._runc.parsers import (
    ContainerState,
    parse_list,
    parse_log_errors,
)
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_host import HostBecome, RuncHost, hop_kind
from ansible_collections.ocitools.runc.plugins.plugin_utils.runc_inventory import (
    ContainerHost,
    InventoryConfigError,
    builtin_groups,
    container_vars,
    inventory_name,
    parse_hosts,
)

display = Display()

MAX_PARALLEL = 8
_SUFFIXES = ("runc.yml", "runc.yaml", "runc_containers.yml", "runc_containers.yaml")


class InventoryModule(BaseInventoryPlugin, Constructable):
    """runc containers of the configured hosts, reached through the ``ocitools.runc.runc`` connection."""

    NAME = "ocitools.runc.runc_containers"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(_SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):  # type: ignore[no-untyped-def]
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            hosts = parse_hosts(self.get_option("hosts"))
        except InventoryConfigError as exc:
            raise AnsibleParserError("%s: %s" % (path, exc))
        sources = [(host, root) for host in hosts for root in host.roots]
        # Hops are made here (loading a plugin is not thread-safe), then the hosts are listed at the same time:
        # a new SSH connection costs about a second before ControlPersist reuses it.
        hops = [self._hop(host) for host, _root in sources]
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(len(sources), MAX_PARALLEL)) as pool:
            listings = [pool.submit(self._list, hop, host, root) for hop, (host, root) in zip(hops, sources)]
        for (host, root), listing in zip(sources, listings):
            try:
                states = listing.result()
            except AnsibleError as exc:
                if self.get_option("host_errors") == "fail":
                    raise AnsibleParserError(str(exc))
                display.warning("ocitools.runc.runc_containers: skipping %s: %s" % (host.name, exc))
                continue
            for state in states:
                self._add_container(host, root, state)

    def _executable(self, host: ContainerHost) -> str:
        return str(host.vars.get("ansible_runc_executable") or self.get_option("runc_executable"))

    def _hop(self, host: ContainerHost) -> RuncHost:
        """The same hop the connection plugin uses, configured by the host's ``vars``."""
        become = None
        if boolean(host.vars.get("ansible_runc_host_become", False), strict=False):
            become = HostBecome(
                str(host.vars.get("ansible_runc_host_become_method") or "sudo"),
                str(host.vars.get("ansible_runc_host_become_user") or "root"),
                host.vars.get("ansible_runc_host_become_password"),
                host.vars.get("ansible_runc_host_become_flags"),
            )
        return RuncHost(host.address, hop_kind(host.connection, host.address), var_options=host.vars, become=become)

    def _list(self, hop: RuncHost, host: ContainerHost, root: t.Optional[str]) -> t.List[ContainerState]:
        """One ``runc list`` on the host."""
        where = "host %s (%s), runc root %s" % (host.name, host.address, root or "default")
        argv = list_argv(GlobalOptions(command=self._executable(host), root=root))
        try:
            rc, out, err = hop.run(argv)
        except AnsibleConnectionFailure as exc:
            raise AnsibleError("cannot list the containers of %s: %s" % (where, exc))
        finally:
            hop.close()
        if rc != 0:
            detail = "; ".join(parse_log_errors(to_text(err))) or to_text(err).strip() or "exit status %d" % rc
            raise AnsibleError("runc list failed on %s: %s" % (where, detail))
        try:
            return parse_list(to_text(out))
        except RuncError as exc:
            raise AnsibleError("runc list on %s: %s" % (where, exc))

    def _included(self, variables: t.Mapping[str, t.Any], name: str) -> bool:
        """The first filter whose condition holds decides; none matching includes the container."""
        self.templar.available_variables = variables
        for index, entry in enumerate(self.get_option("filters")):
            if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("include", "exclude"):
                raise AnsibleParserError("filters[%d]: expected one key, include or exclude, got %r" % (index, entry))
            action, condition = next(iter(entry.items()))
            try:
                holds = self.templar.evaluate_conditional(condition)
            except Exception as exc:  # pylint: disable=broad-except
                if self.get_option("strict"):
                    raise AnsibleParserError("filters[%d] on %s: %s" % (index, name, exc))
                continue
            if holds:
                return action == "include"
        return True

    def _add_container(self, host: ContainerHost, root: t.Optional[str], state: ContainerState) -> None:
        name = inventory_name(host, state)
        variables = container_vars(host, root, state, self._executable(host))
        if not self._included(variables, name):
            return
        self.inventory.add_host(name)
        for group in builtin_groups(host, state):
            self.inventory.add_group(group)
            self.inventory.add_child(group, name)
        for key, value in variables.items():
            self.inventory.set_variable(name, key, value)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)
