#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of ci/ktap-summary.py: a splat, a failed or missing result
must all turn into failures. Run by ci/check.sh before any boot."""

import importlib.util
import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "ktap_summary", Path(__file__).with_name("ktap-summary.py"))
ks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ks)

CONSOLE_OK = """\
[    0.100000] Linux version 7.3.4
pc-tests-begin
TAP version 13
1..1
# selftests: containers: a_test.sh
# TAP version 13
# 1..3
# ok 1 first
# ok 2 second # SKIP not here
# not ok 3 third # TODO known
ok 1 selftests: containers: a_test.sh
pc-tests-end
pc-exit-status: 0
"""
KERNEL_OK = """\
[    0.500000] KTAP version 1
[    0.500001] 1..1
[    0.500002]     KTAP version 1
[    0.500003]     # Subtest: suite_a
[    0.500004]     1..2
[    0.500005]     ok 1 case_a
[    0.500006]     ok 2 case_b # SKIP no hw
[    0.500007] # suite_a: pass:1 fail:0 skip:1 total:2
[    0.500008] ok 1 suite_a
"""


def summarise(console, kernel):
    with tempfile.TemporaryDirectory() as d:
        Path(d, "console.log").write_text(console)
        Path(d, "kernel.log").write_text(kernel)
        out = io.StringIO()
        with redirect_stdout(out):
            rc = ks.main([f"t={d}"])
        return rc, out.getvalue().strip().splitlines()[-1]


class Summary(unittest.TestCase):
    def test_clean_run_passes(self):
        self.assertEqual(summarise(CONSOLE_OK, KERNEL_OK), (0, "2 passed, 0 failed, 3 skipped"))

    def test_warning_in_console_fails(self):
        console = CONSOLE_OK.replace(
            "pc-tests-end", "[    3.000000] WARNING: CPU: 0 PID: 1 at kernel/x.c:1 f+0x1/0x2\npc-tests-end")
        self.assertEqual(summarise(console, KERNEL_OK), (1, "2 passed, 1 failed, 3 skipped"))

    def test_splats_in_kernel_log_fail(self):
        for splat in ("BUG: KASAN: slab-use-after-free in f", "kmemleak: 2 new suspected memory leaks",
                      "WARNING: possible circular locking dependency detected",
                      "Kernel panic - not syncing: x", "UBSAN: shift-out-of-bounds in x.c:1:2"):
            rc, last = summarise(CONSOLE_OK, KERNEL_OK + f"[    9.000000] {splat}\n")
            self.assertEqual(rc, 1, splat)

    def test_failed_subtest_fails(self):
        console = CONSOLE_OK.replace("# ok 1 first", "# not ok 1 first").replace(
            "ok 1 selftests: containers: a_test.sh", "not ok 1 selftests: containers: a_test.sh # exit=1")
        self.assertEqual(summarise(console, KERNEL_OK), (1, "1 passed, 1 failed, 3 skipped"))

    def test_crashed_test_without_results_fails(self):
        console = CONSOLE_OK.replace("# ok 1 first\n# ok 2 second # SKIP not here\n# not ok 3 third # TODO known\n", "").replace(
            "ok 1 selftests", "not ok 1 selftests")
        self.assertEqual(summarise(console, KERNEL_OK)[0], 1)

    def test_missing_end_marker_fails(self):
        console = CONSOLE_OK.split("ok 1 selftests")[0]
        self.assertEqual(summarise(console, KERNEL_OK)[0], 1)

    def test_failed_kunit_case_fails(self):
        kernel = KERNEL_OK.replace("    ok 1 case_a", "    not ok 1 case_a").replace(
            "] ok 1 suite_a", "] not ok 1 suite_a")
        self.assertEqual(summarise(CONSOLE_OK, kernel), (1, "1 passed, 1 failed, 3 skipped"))

    def test_guest_error_line_fails(self):
        console = CONSOLE_OK + "pc-error: kmemleak is not available\n"
        self.assertEqual(summarise(console, KERNEL_OK)[0], 1)

    def test_missing_kunit_suite_fails(self):
        kernel = KERNEL_OK.replace("] 1..1\n", "] 1..2\n", 1)
        self.assertEqual(summarise(CONSOLE_OK, kernel)[0], 1)

    def host_check(self, tap):
        with tempfile.TemporaryDirectory() as d:
            Path(d, "console.log").write_text(CONSOLE_OK)
            Path(d, "kernel.log").write_text(KERNEL_OK)
            Path(d, "host.tap").write_text(tap)
            out = io.StringIO()
            with redirect_stdout(out):
                rc = ks.main([f"t={d}", "--host", f"series={d}/host.tap"])
            return rc, out.getvalue().strip().splitlines()[-1]

    def test_host_check_counts(self):
        tap = "TAP version 13\nok 1 a\nok 2 b\n2 passed, 0 failed, 0 skipped\n"
        self.assertEqual(self.host_check(tap), (0, "4 passed, 0 failed, 3 skipped"))

    def test_failed_host_check_fails(self):
        tap = "ok 1 a\nnot ok 2 b\n1 passed, 1 failed, 0 skipped\n"
        self.assertEqual(self.host_check(tap)[0], 1)

    def test_unfinished_host_check_fails(self):
        self.assertEqual(self.host_check("ok 1 a\n")[0], 1)


if __name__ == "__main__":
    unittest.main()
