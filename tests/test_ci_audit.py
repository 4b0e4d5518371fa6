"""The dependency audit (.ci/audit) never looks clean when it checked nothing.

The script runs as CI runs it, against local fakes: a vulnerability source that answers (PyPI's
JSON API with its vulnerability data, or OSV), one that does not (nothing listening, a mirror's 404,
a mirror's JSON without vulnerability data), and a stand-in for pip-audit that writes the report
it is given and records how it was called. No request leaves the machine."""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "audit"
NOT_RUN = "the dependency audit did NOT run: "


def _load_audit():
    loader = SourceFileLoader("ci_audit", str(SCRIPT))
    spec = importlib.util.spec_from_loader("ci_audit", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["ci_audit"] = module  # its dataclass looks its module up
    loader.exec_module(module)
    return module


audit = _load_audit()


class FakeSources(BaseHTTPRequestHandler):
    """PyPI's JSON API under /pypi/ and OSV under /osv, each answering as ``server.answers`` says."""

    def log_message(self, *args) -> None:
        pass

    def _answer(self, kind: str) -> None:
        status, body = self.server.answers[kind]
        self.server.asked.append(kind)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._answer("pypi" if self.path.startswith("/pypi/django/") and self.path.endswith("/json") else "other")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._answer("osv" if self.path == "/osv" else "other")


@pytest.fixture
def sources() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSources)
    server.answers = {"pypi": (404, {"message": "Not Found"}), "osv": (404, {}), "other": (404, {})}
    server.asked = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def nowhere() -> str:
    """An address where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


PYPI_ANSWER = (200, {"info": {"name": "Django"}, "vulnerabilities": []})
CLEAN_REPORT = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {"name": "asgiref", "version": "3.13.0", "vulns": []},
    ],
    "fixes": [],
}
VULNERABLE_REPORT = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.19",
            "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": ["CVE-2099-1"]}],
        },
        {"name": "asgiref", "version": "3.13.0", "vulns": []},
    ],
    "fixes": [],
}
SKIPPED_REPORT = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.19)"},
        {"name": "asgiref", "version": "3.13.0", "vulns": []},
    ],
    "fixes": [],
}


def run_audit(tmp_path: Path, *, pypi: str, osv: str, report: dict | None = None, status: int = 0):
    """.ci/audit as CI runs it, with a stand-in pip-audit; its result, output and the calls made."""
    calls = tmp_path / "calls.json"
    fake = tmp_path / "pip-audit"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(calls)!r}, 'a') as log: log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "print('No known vulnerabilities found')\n"
        "report = os.environ.get('FAKE_REPORT')\n"
        "if report is not None:\n"
        "    open(sys.argv[sys.argv.index('-o') + 1], 'w').write(report)\n"
        "sys.exit(int(os.environ['FAKE_STATUS']))\n"
    )
    fake.chmod(0o755)
    env = {
        **os.environ,
        "AUDIT_PYPI_URL": pypi,
        "AUDIT_OSV_URL": osv,
        "AUDIT_PIP_AUDIT": str(fake),
        "FAKE_STATUS": str(status),
    }
    if report is not None:
        env["FAKE_REPORT"] = json.dumps(report)
    finished = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    made = [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []
    return finished.returncode, finished.stdout.splitlines(), made


def test_with_no_source_reachable_it_says_plainly_it_did_not_run_and_runs_nothing(tmp_path, nowhere):
    status, lines, calls = run_audit(tmp_path, pypi=nowhere, osv=f"{nowhere}/osv", report=CLEAN_REPORT)

    assert status == 2
    assert calls == []
    (line,) = lines
    assert line.startswith(NOT_RUN + "no vulnerability source is reachable: ")
    assert "PyPI's JSON API is unreachable" in line and "OSV is unreachable" in line
    assert "no known vulnerabilities" not in line.lower()


def test_a_mirror_without_pypis_vulnerability_data_is_no_source(tmp_path, sources, nowhere):
    """As on these machines: pypi.org answers 404 for the JSON API, and OSV cannot be resolved."""
    url = f"http://127.0.0.1:{sources.server_port}"

    status, lines, calls = run_audit(tmp_path, pypi=url, osv=f"{nowhere}/osv", report=CLEAN_REPORT)

    assert (status, calls) == (2, [])
    assert lines == [
        f"{NOT_RUN}no vulnerability source is reachable: PyPI's JSON API answered HTTP 404 for "
        f"{url}/pypi/django/5.2.19/json; OSV is unreachable ([Errno 111] Connection refused)"
    ]


def test_json_without_vulnerability_data_does_not_count_as_pypi(tmp_path, sources, nowhere):
    sources.answers["pypi"] = (200, {"info": {"name": "Django"}, "urls": []})
    url = f"http://127.0.0.1:{sources.server_port}"

    status, lines, calls = run_audit(tmp_path, pypi=url, osv=f"{nowhere}/osv", report=CLEAN_REPORT)

    assert (status, calls) == (2, [])
    assert f"PyPI's JSON API at {url}/pypi/django/5.2.19/json answered without vulnerability data" in lines[0]


def test_with_pypi_reachable_it_audits_against_pypi_and_reports_a_clean_result(tmp_path, sources, nowhere):
    sources.answers["pypi"] = PYPI_ANSWER

    status, lines, calls = run_audit(
        tmp_path, pypi=f"http://127.0.0.1:{sources.server_port}", osv=f"{nowhere}/osv", report=CLEAN_REPORT
    )

    assert status == 0
    assert lines == ["dependency audit: no known vulnerabilities in 2 packages (source: pypi)"]
    (call,) = calls
    assert call[:4] == ["-r", str(ROOT / "requirements.txt"), "-s", "pypi"]
    assert "--osv-url" not in call


def test_with_only_osv_reachable_it_audits_against_that_osv(tmp_path, sources, nowhere):
    sources.answers["osv"] = (200, {})
    osv = f"http://127.0.0.1:{sources.server_port}/osv"

    status, lines, calls = run_audit(tmp_path, pypi=nowhere, osv=osv, report=CLEAN_REPORT)

    assert status == 0
    assert lines == ["dependency audit: no known vulnerabilities in 2 packages (source: osv)"]
    (call,) = calls
    assert call[2:4] == ["-s", "osv"] and call[call.index("--osv-url") + 1] == osv


def test_a_known_vulnerability_fails_the_audit_and_names_the_fix(tmp_path, sources, nowhere):
    sources.answers["pypi"] = PYPI_ANSWER

    status, lines, _calls = run_audit(
        tmp_path, pypi=f"http://127.0.0.1:{sources.server_port}", osv=nowhere, report=VULNERABLE_REPORT, status=1
    )

    assert status == 1
    assert lines == [
        "dependency audit: 1 known vulnerabilities (source: pypi); upgrade these pins:",
        "  django 5.2.19: PYSEC-2099-1 (fixed in 5.2.20)",
    ]


def test_packages_pip_audit_could_not_audit_are_no_clean_result(tmp_path, sources, nowhere):
    """pip-audit itself passes and says "No known vulnerabilities found" then."""
    sources.answers["pypi"] = PYPI_ANSWER

    status, lines, _calls = run_audit(
        tmp_path, pypi=f"http://127.0.0.1:{sources.server_port}", osv=nowhere, report=SKIPPED_REPORT
    )

    assert status == 2
    assert lines == [
        "the dependency audit did NOT run for 1 of 2 packages: "
        "Dependency not found on PyPI and could not be audited: django (5.2.19)"
    ]


def test_a_pip_audit_that_fails_without_a_report_is_no_clean_result(tmp_path, sources, nowhere):
    sources.answers["pypi"] = PYPI_ANSWER

    status, lines, _calls = run_audit(
        tmp_path, pypi=f"http://127.0.0.1:{sources.server_port}", osv=nowhere, report=None, status=1
    )

    assert (status, lines) == (2, [f"{NOT_RUN}pip-audit failed (exit status 1)"])


@pytest.mark.parametrize(
    ("pypi", "osv", "source"),
    [(True, True, "pypi"), (True, False, "pypi"), (False, True, "osv"), (False, False, None)],
)
def test_pypi_first_then_osv(pypi, osv, source):
    assert audit.choose_source(audit.Probe(pypi), audit.Probe(osv)) == source


def test_an_empty_report_is_no_clean_result():
    assert audit.verdict({"dependencies": []}, "pypi") == (
        2,
        [NOT_RUN + "pip-audit found no packages to audit"],
    )


def test_the_sources_are_asked_about_the_first_pinned_requirement():
    assert audit.first_pin(ROOT / "requirements.txt") == ("django", "5.2.19")
