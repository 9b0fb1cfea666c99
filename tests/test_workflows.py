"""The CI workflows are valid, pinned to commits, least-privileged, and run the README's commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays a string key


def test_workflows_match_the_github_schema() -> None:
    """Each workflow validates against the GitHub workflow JSON Schema bundled with check-jsonschema."""
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    result = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 2


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_are_pinned_to_full_commit_shas(path: Path) -> None:
    """Every `uses:` names an action at a 40-character commit SHA, not a tag or branch."""
    uses = re.findall(r"uses:\s*(\S+)", path.read_text(encoding="utf-8"))
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_permissions_are_minimal(path: Path) -> None:
    """The workflow default is read-only; only the deploy job may write Pages and mint an id token."""
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        perms = job.get("permissions")
        if perms is not None:
            assert name == "deploy" and perms == {"pages": "write", "id-token": "write"}


def test_pull_requests_run_check_build_and_tests() -> None:
    """On pull requests CI checks the data with annotations, builds strictly and runs `make test`."""
    workflow = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    assert "pull_request" in workflow["on"]
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert any("macros check --annotations" in r for r in runs)
    assert "make build" in runs and "make test" in runs


def test_main_deploys_pages_and_keeps_the_offline_zip() -> None:
    """Pushes to main build, upload the Pages artifact and the offline zip, then deploy."""
    workflow = load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["build"]["steps"]
    assert any("make offline" in s.get("run", "") for s in steps)
    assert any(s.get("with", {}).get("path") == "sco-explainer-offline.zip" for s in steps)
    assert workflow["jobs"]["deploy"]["needs"] == "build"
