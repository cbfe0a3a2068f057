# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print one closing line per pytest JUnit XML report, then a total line.

Usage: ``python tests/tooling/junit_summary.py REPORT.xml [REPORT.xml ...]``

The last line reads ``total: N passed, N failed, N skipped``. Exits 1 when any
test failed or errored, or when reports exist but none of their tests passed.
Reports that do not exist (a suite with no test files yet) are named and skipped.
"""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET


def count(path: str) -> tuple[int, int, int]:
    """Return (passed, failed, skipped) for one JUnit XML file written by pytest."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else list(root.iter('testsuite'))
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get('tests', 0))
        failed += int(suite.get('failures', 0)) + int(suite.get('errors', 0))
        skipped += int(suite.get('skipped', 0))
    return tests - failed - skipped, failed, skipped


def main() -> int:
    """Summarise the reports named on the command line."""
    total = [0, 0, 0]
    found = 0
    for path in sys.argv[1:]:
        if not os.path.exists(path):
            print('%s: no report (suite not run)' % os.path.basename(path))
            continue
        found += 1
        passed, failed, skipped = count(path)
        total[0] += passed
        total[1] += failed
        total[2] += skipped
        name = os.path.splitext(os.path.basename(path))[0]
        print('%s: %d passed, %d failed, %d skipped' % (name, passed, failed, skipped))
    print('total: %d passed, %d failed, %d skipped' % tuple(total))
    if total[1]:
        return 1
    if found and not total[0]:
        print('total: no test passed')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
