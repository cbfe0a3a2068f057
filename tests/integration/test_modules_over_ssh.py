# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules driven in-process by pytest-ansible's ``ansible_adhoc`` fixture over the SSH test
inventory (tests/integration/ssh_hosts.py): one call runs a module on every host (or on those
``--limit`` selects) and returns each host's result.

Runs under ``make integration`` (which loads pytest-ansible with ``--ansible-unit-inject-only``).
One module on one host, by hand (CONTRIBUTING.md)::

    .venvs/dev/bin/pytest -p pytest-ansible --ansible-unit-inject-only \\
        tests/integration/test_modules_over_ssh.py -k runc_info --limit host1
"""

from __future__ import annotations

import typing as t

import pytest
from ssh_hosts import SshHost, SshHosts, ssh_hosts  # noqa: F401 # pylint: disable=unused-import

# pytest-ansible marks its host manager deprecated (in favour of molecule); it is what runs modules ad hoc in-process.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FORBIDDEN_ROOT = "/proc/forbidden-root"


HostArgs = t.Callable[[SshHost], t.Dict[str, t.Any]]


class Fleet(t.NamedTuple):
    """``run(module, args)``: the module on each selected host with ``args(host)``, as ``{host: result}``.

    Arguments are computed per host here: ansible-core 2.19+ does not template strings that come
    from Python (they are not trusted), so ``{{ runc_root }}`` would reach the module as is.
    """

    hosts: t.List[SshHost]
    run: t.Callable[[str, HostArgs], t.Dict[str, t.Any]]


@pytest.fixture
def fleet(request: pytest.FixtureRequest, ssh_hosts: SshHosts,  # noqa: F811
          monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Fleet]:
    if request.config.pluginmanager.getplugin("ansible") is None:
        pytest.fail("pytest-ansible is not loaded: run pytest with -p pytest-ansible --ansible-unit-inject-only "
                    "(make integration does)", pytrace=False)
    for name, value in ssh_hosts.env().items():  # pipelining and the hosts' own SSH control socket directory
        monkeypatch.setenv(name, value)
    manager = request.getfixturevalue("ansible_adhoc")(inventory=str(ssh_hosts.inventory), host_pattern="runc_hosts")
    limit = request.config.getoption("ansible_subset")  # --limit host1
    selected = [host for host in ssh_hosts.hosts if not limit or host.name in limit.split(",")]
    assert selected, "--limit %s selects none of %s" % (limit, [host.name for host in ssh_hosts.hosts])

    def run(module: str, args: HostArgs) -> t.Dict[str, t.Any]:
        results = {}
        for host in selected:
            contacted = getattr(manager[host.name], "ocitools.runc." + module)(**args(host)).contacted
            results[host.name] = dict(contacted[host.name])
        return results

    yield Fleet(selected, run)
    ssh_hosts.delete_containers()


def test_runc_info_on_every_host(fleet: Fleet) -> None:
    results = fleet.run("runc_info", lambda host: dict(root=str(host.runc_root)))
    for host in fleet.hosts:
        result = results[host.name]
        assert result["changed"] is False and result["containers"] == [], (host.name, result)
        assert result["host"]["root"] == str(host.runc_root) and result["host"]["runc"]["version"].startswith("1.")


def test_runc_spec_writes_once_and_runc_container_fails_cleanly_on_a_forbidden_root(fleet: Fleet) -> None:
    def spec(host: SshHost) -> t.Dict[str, t.Any]:
        return dict(bundle=str(host.base_dir / "spec-bundle"), rootfs=str(host.base_dir), args=["sleep", "60"])

    first = fleet.run("runc_spec", spec)
    second = fleet.run("runc_spec", spec)
    failed = fleet.run("runc_container", lambda host: dict(id="forbidden", bundle=str(host.base_dir / "spec-bundle"),
                                                           root=FORBIDDEN_ROOT))
    for host in fleet.hosts:
        assert first[host.name]["changed"] is True, first[host.name]
        assert second[host.name]["changed"] is False, second[host.name]
        assert first[host.name]["path"] == str(host.base_dir / "spec-bundle" / "config.json")
        result = failed[host.name]
        assert result["failed"] is True and result["msg"].startswith("root: cannot use %s" % FORBIDDEN_ROOT), result
        # ansible-core 2.19+ puts "(traceback unavailable)" under exception for every failure without one.
        assert "Traceback" not in str(result.get("exception", "")) and "module_stderr" not in result, result
