# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible-test --venv`` work without its pip bootstrap download.

ansible-test creates each of its virtual environments without pip, then runs
``~/.ansible/test/cache/get_pip_<ver>.py`` (pip ``<ver>`` is pinned inside
ansible-test); when that file is missing it downloads it from a host that this
project cannot reach. This script, run with the Python of the venv holding
ansible-core, reads that pip version out of the installed ansible-test, downloads
``pip-<ver>-py3-none-any.whl`` from the package index into the cache directory,
and writes a small stand-in ``get_pip_<ver>.py`` beside it.

Usage: ``VENV/bin/python tests/tooling/ansible_test_pip_bootstrap.py [CACHE_DIR]``
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

STAND_IN = '''\
# Stand-in for get-pip.py written by ocitools.runc tests/tooling/ansible_test_pip_bootstrap.py.
# It takes the pip version from its own file name, imports pip from the wheel beside it
# and installs that pip (plus what ansible-test asked for) into the running interpreter.
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = re.match(r"get_pip_(.+)$", os.path.splitext(os.path.basename(__file__))[0]).group(1).replace("_", ".")
WHEEL = os.path.join(HERE, "pip-%s-py3-none-any.whl" % VERSION)
if not os.path.exists(WHEEL):
    sys.exit("get_pip stand-in: %s is missing; run tests/tooling/ansible_test_pip_bootstrap.py" % WHEEL)
sys.path.insert(0, WHEEL)

from pip._internal.cli.main import main  # noqa: E402  # pylint: disable=wrong-import-position

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--upgrade", "--force-reinstall", "--find-links", HERE] + ARGS))
'''


def ansible_test_pip_version() -> str:
    """Return the pip version that the installed ansible-test bootstraps into its venvs."""
    import ansible_test  # pylint: disable=import-outside-toplevel

    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(path, encoding='utf-8') as source:
        match = re.search(r"""\bpip=['"]([0-9][0-9a-z.]*)['"]""", source.read())
    if not match:
        raise SystemExit('cannot find the pinned pip version in %s' % path)
    return match.group(1)


def main() -> None:
    """Download the pip wheel and write the stand-in bootstrap script."""
    cache = os.path.abspath(os.path.expanduser(sys.argv[1] if len(sys.argv) > 1 else '~/.ansible/test/cache'))
    os.makedirs(cache, exist_ok=True)
    version = ansible_test_pip_version()
    wheel = os.path.join(cache, 'pip-%s-py3-none-any.whl' % version)
    script = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))

    if not os.path.exists(wheel):
        subprocess.run(
            [sys.executable, '-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:',
             '--dest', cache, 'pip==%s' % version],
            check=True,
        )
    if not os.path.exists(wheel):
        raise SystemExit('pip download did not produce %s' % wheel)

    current = None
    if os.path.exists(script):
        with open(script, encoding='utf-8') as existing:
            current = existing.read()
    if current != STAND_IN:
        with open(script + '.tmp', 'w', encoding='utf-8') as out:
            out.write(STAND_IN)
        os.replace(script + '.tmp', script)
    print('ansible-test pip %s bootstrap: %s' % (version, script))


if __name__ == '__main__':
    main()
