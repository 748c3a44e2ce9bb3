"""`make audit`: known vulnerabilities in the installed (pinned) dependencies, by pip-audit.

pip-audit looks each package up in PyPI's advisory data. Two outcomes must not read as a
clean bill of health: the service unreachable (pip-audit stops with a connection error)
and a service that knows none of the versions (every package "could not be audited",
and pip-audit still succeeds). Both are reported as such and succeed, so CI never fails
for lack of a network; a known vulnerability is listed and fails.

Run as `python -m core.audit`; it needs no database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PIP_AUDIT = [str(Path(sys.executable).with_name("pip-audit")), "--skip-editable",
             "--progress-spinner", "off", "--format", "json"]
TIMEOUT_SECONDS = 600
NETWORK_ERRORS = ("ConnectionError", "ProxyError", "ConnectTimeout", "ReadTimeout",
                  "NameResolutionError", "Max retries exceeded", "Temporary failure in name")


@dataclass
class AuditReport:
    lines: list[str] = field(default_factory=list)
    exit_code: int = 0


def audit_summarise(report: dict[str, Any]) -> AuditReport:
    """What pip-audit's JSON report says, for a person: each vulnerability with its fix,
    then how many packages could actually be checked."""
    dependencies = report.get("dependencies") or []
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    out = AuditReport()
    for dep in audited:
        for vuln in dep.get("vulns") or []:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases") or [])
            out.lines.append(f"VULNERABLE {dep['name']} {dep.get('version', '?')}: "
                             f"{vuln.get('id', '?')}{f' ({aliases})' if aliases else ''}; "
                             f"fixed in {fixes}")
            out.exit_code = 1
    if dependencies and not audited:
        out.lines.append(f"make audit: the advisory service knows none of the "
                         f"{len(dependencies)} installed packages, so none was audited.")
        return out
    out.lines.append(f"make audit: {len(audited)} packages audited, "
                     f"{sum(len(d.get('vulns') or []) for d in audited)} known "
                     "vulnerabilities.")
    if skipped:
        out.lines.append(f"  Not audited (unknown to the advisory service): "
                         f"{', '.join(sorted(skipped))}")
    return out


def audit_run(argv: list[str] | None = None) -> AuditReport:
    try:
        done = subprocess.run(argv or PIP_AUDIT, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return AuditReport([f"make audit: pip-audit got no answer within {TIMEOUT_SECONDS} s; "
                            "no dependency was audited."])
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = None
    if isinstance(report, dict):
        return audit_summarise(report)
    last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    if any(marker in done.stderr for marker in NETWORK_ERRORS):
        return AuditReport([f"make audit: the advisory service is not reachable, so no "
                            f"dependency was audited ({last[:300]})."])
    return AuditReport([f"make audit: pip-audit failed with code {done.returncode}:",
                        done.stderr.strip()], exit_code=2)


def main() -> int:
    result = audit_run()
    print("\n".join(result.lines), flush=True)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
