"""`make audit`: findings are shown and fail it; no network never does."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from core.audit import audit_summarise

# A report as `pip-audit --format json` writes it.
REPORT = {"dependencies": [
    {"name": "django", "version": "5.2.1", "vulns": [
        {"id": "PYSEC-2025-37", "fix_versions": ["4.2.22", "5.1.10", "5.2.2"],
         "aliases": ["CVE-2025-48432", "GHSA-7xr5-9hcq-chf9"], "description": "..."}]},
    {"name": "h11", "version": "0.16.0", "vulns": []},
    {"name": "torch", "skip_reason": "Dependency not found on PyPI and could not be "
                                     "audited: torch (2.13.0+cpu)"},
], "fixes": []}


def test_a_known_vulnerability_is_listed_with_its_fix_and_fails_the_audit():
    result = audit_summarise(REPORT)

    assert result.exit_code == 1
    assert result.lines == [
        "VULNERABLE django 5.2.1: PYSEC-2025-37 (CVE-2025-48432, GHSA-7xr5-9hcq-chf9); "
        "fixed in 4.2.22, 5.1.10, 5.2.2",
        "make audit: 2 packages audited, 1 known vulnerabilities.",
        "  Not audited (unknown to the advisory service): torch",
    ]


def test_a_service_that_knows_no_package_is_not_reported_as_a_clean_audit():
    result = audit_summarise({"dependencies": [REPORT["dependencies"][2]], "fixes": []})

    assert result.exit_code == 0
    assert result.lines == [
        "make audit: the advisory service knows none of the 1 installed packages, so none "
        "was audited."]


def test_make_audit_succeeds_and_says_so_when_the_advisory_service_is_unreachable():
    # Every HTTPS request goes to a proxy port where nothing listens.
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:1", "https_proxy":
           "http://127.0.0.1:1", "NO_PROXY": "", "no_proxy": ""}

    done = subprocess.run([sys.executable, "-m", "core.audit"], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(
        "make audit: the advisory service is not reachable, so no dependency was audited")
