"""The CI workflows run on today's GitHub: valid, pinned to listed releases, least-privileged, every check reported.

Linted offline: GitHub's workflow, action and Dependabot schemas bundled with check-jsonschema, and zizmor.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
PINS = GITHUB / "actions" / "pins" / "action.yml"
IMAGE_FILE = GITHUB / "ci-image" / "Dockerfile"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+?)(?:\s+#\s*(?P<tag>.*?))?\s*$", re.M)
PINNED = re.compile(r"(?P<action>[\w.-]+/[\w.-]+(?:/[\w.-]+)*)@(?P<sha>[0-9a-f]{40})")
RELEASE = re.compile(r"v(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)")

#: The oldest release of each action that GitHub still runs (upload-artifact v1-v3 and download-artifact v1-v3
#: fail since 30 January 2025; cache before v4.2.0 lost its service on 1 February 2025; upload-pages-artifact
#: before v3 uploads with artifact v3; deploy-pages before v4 deploys those; checkout v1-v3 run on retired Node).
OLDEST_RUNNING = {
    "actions/checkout": (4, 0, 0),
    "actions/cache": (4, 2, 0),
    "actions/cache/restore": (4, 2, 0),
    "actions/cache/save": (4, 2, 0),
    "actions/upload-artifact": (4, 0, 0),
    "actions/download-artifact": (4, 0, 0),
    "actions/upload-pages-artifact": (3, 0, 0),
    "actions/deploy-pages": (4, 0, 0),
    "actions/configure-pages": (4, 0, 0),
}


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays a string key


def uses_of(path: Path) -> list[tuple[str, str, str | None, int]]:
    """(action, sha or ref, tag comment, line) of every `uses:` in a file."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in USES.finditer(text):
        action, _, ref = match["ref"].partition("@")
        found.append((action, ref, match["tag"], text.count("\n", 0, match.start()) + 1))
    return found


def pins() -> dict[str, tuple[str, str]]:
    """The list of pins the workflows are checked against: action -> (sha, release tag)."""
    return {action: (sha, tag or "") for action, sha, tag, _ in uses_of(PINS)}


def tool(name: str) -> str:
    exe = shutil.which(name, path=str(Path(sys.executable).parent))
    assert exe, f"{name} is not installed in the venv (requirements.txt)"
    return exe


@pytest.mark.parametrize("schema,paths", [
    ("vendor.github-workflows", WORKFLOWS),
    ("custom.github-workflows-require-timeout", WORKFLOWS),
    ("vendor.github-actions", [PINS]),
    ("vendor.dependabot", [GITHUB / "dependabot.yml"]),
], ids=["workflows", "every job has a timeout", "action pins", "dependabot"])
def test_github_files_match_the_schemas(schema: str, paths: list[Path]) -> None:
    """Each file validates against the schema GitHub's tools use, bundled with check-jsonschema (no network)."""
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(WORKFLOWS) == 2


def test_zizmor_finds_nothing() -> None:
    """zizmor, offline and pedantic, over the workflows, the pins action and dependabot.yml: no finding."""
    result = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(GITHUB)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_the_pins_are_full_commits_of_release_tags() -> None:
    """Every entry of the pin list is an action at a 40-hex commit with its vX.Y.Z release tag in the comment."""
    listed = uses_of(PINS)
    assert len(listed) >= 6
    for action, sha, tag, line in listed:
        assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{PINS.name}:{line}: {action} is not pinned to a commit"
        assert tag and RELEASE.fullmatch(tag), f"{PINS.name}:{line}: {action} has no release tag comment (# vX.Y.Z)"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_every_action_is_pinned_to_a_listed_release(path: Path) -> None:
    """Each `uses:` is an action at the commit and tag .github/actions/pins lists (and Dependabot updates)."""
    listed = pins()
    found = uses_of(path)
    assert found
    for action, sha, tag, line in found:
        where = f"{path.name}:{line}: {action}@{sha}"
        assert action in listed, f"{where}: not in .github/actions/pins/action.yml (add it there, at a release)"
        assert (sha, tag) == listed[action], f"{where} # {tag}: the pin list has {listed[action][0]} # {listed[action][1]}"


@pytest.mark.parametrize("path", [*WORKFLOWS, PINS], ids=[p.name for p in [*WORKFLOWS, PINS]])
def test_no_retired_action_version(path: Path) -> None:
    """No action runs at a release GitHub has retired (upload-artifact v1-v3, cache before 4.2, ...)."""
    found = uses_of(path)
    assert len(found) >= 2
    for action, _, tag, line in found:
        release = RELEASE.fullmatch(tag or "")
        assert release, f"{path.name}:{line}: {action}: no release tag to check"
        version = tuple(int(release[k]) for k in ("major", "minor", "patch"))
        assert action in OLDEST_RUNNING, f"{path.name}:{line}: {action}: add its oldest running release to the test"
        assert version >= OLDEST_RUNNING[action], f"{path.name}:{line}: {action} {tag} is retired"


def test_the_container_is_pinned_by_digest_in_one_place() -> None:
    """Every job's container is the image .github/ci-image/Dockerfile names (Dependabot's), by sha256 digest."""
    image = re.search(r"^FROM\s+(\S+)", IMAGE_FILE.read_text(encoding="utf-8"), re.M)[1]
    assert re.fullmatch(r"python:3\.11-bookworm@sha256:[0-9a-f]{64}", image)
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            if "container" in job:
                got = job["container"]["image"] if isinstance(job["container"], dict) else job["container"]
                assert got == image, f"{path.name}: job {name} runs {got}, not {image} (copy it from {IMAGE_FILE.name})"


def test_dependabot_updates_actions_pins_pip_docker_and_npm() -> None:
    """Dependabot watches the workflows and the pin list together, requirements, the CI image and the npm tools."""
    updates = {u["package-ecosystem"]: u for u in load(GITHUB / "dependabot.yml")["updates"]}
    assert set(updates) == {"github-actions", "pip", "docker", "npm"}
    assert set(updates["github-actions"]["directories"]) == {"/", "/.github/actions/pins"}
    assert updates["github-actions"]["groups"]  # one pull request for the workflows and the pins
    assert updates["docker"]["directory"] == "/.github/ci-image"


def test_pip_installs_only_hashed_files() -> None:
    """The venv installs with --require-hashes from a lock in which every package carries its hashes."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes.* -r requirements\.txt", makefile)
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    packages = re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M)
    pinned = re.findall(r"^[A-Za-z0-9_.-]+==", lock, re.M)
    assert len(packages) == len(pinned) > 40


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_permissions_are_minimal(path: Path) -> None:
    """Read-only by default; the deploy build may read the Pages address; only deploy writes Pages and mints a token."""
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        perms = job.get("permissions")
        if perms is not None:
            assert (name, perms) in [("build", {"contents": "read", "pages": "read"}),
                                     ("deploy", {"pages": "write", "id-token": "write"})], (name, perms)


def steps(path: Path, job: str) -> list[dict]:
    return load(path)["jobs"][job]["steps"]


def test_pull_requests_run_every_check_and_each_even_after_a_failure() -> None:
    """Data and pages, style, quotes by fingerprint, workflows, build and tests: each runs unless cancelled or
    the install failed, so one run reports every problem."""
    path = GITHUB / "workflows" / "pull-request.yml"
    workflow = load(path)
    assert "pull_request" in workflow["on"]
    all_steps = steps(path, "check")
    install = next(i for i, s in enumerate(all_steps) if s.get("id") == "install")
    runs = [s.get("run", "") for s in all_steps]
    for needed in ("macros check --annotations --cited", "yamllint", "macros verify-quotes --annotations",
                   "zizmor", "make build", "make test"):
        assert any(needed in r for r in runs), needed
    for step in all_steps[install + 1:]:
        assert "!cancelled()" in step.get("if", "") and "steps.install.outcome == 'success'" in step["if"], step


def test_caches_are_saved_on_main_and_only_restored_by_pull_requests() -> None:
    """Pull requests restore what the deploy workflow (main only) saved, under the same keys and paths; the
    deploy restores them too, and saves each one it did not restore whole. pip's and npm's caches are keyed
    on their lock files."""
    pr = [s for s in steps(GITHUB / "workflows" / "pull-request.yml", "check") if "cache" in s.get("uses", "")]
    deploy = [s for s in steps(GITHUB / "workflows" / "deploy.yml", "build") if "cache" in s.get("uses", "")]
    assert {s["uses"].split("@")[0] for s in pr} == {"actions/cache/restore"}
    restored = {s["id"]: s for s in deploy if s["uses"].startswith("actions/cache/restore@")}
    saved = [s for s in deploy if s["uses"].startswith("actions/cache/save@")]
    assert len(restored) == len(saved) == len(pr) == 3
    for save in saved:
        step_id = save["if"].removeprefix("steps.").split(".")[0]
        assert save["if"] == f"steps.{step_id}.outputs.cache-hit != 'true'"
        assert (restored[step_id]["with"]["key"], restored[step_id]["with"]["path"]) == \
            (save["with"]["key"], save["with"]["path"])
    assert sorted((s["with"]["key"], s["with"]["path"]) for s in pr) == \
        sorted((s["with"]["key"], s["with"]["path"]) for s in saved)
    keys = {s["with"]["path"]: s["with"]["key"] for s in saved}
    assert keys["~/.cache/pip"] == "pip-${{ hashFiles('requirements.txt') }}"
    assert keys["~/.npm"] == "npm-${{ hashFiles('package-lock.json') }}"
    assert load(GITHUB / "workflows" / "deploy.yml")["on"]["push"]["branches"] == ["main"]


def test_main_deploys_the_site_with_its_own_address_and_the_offline_zip() -> None:
    """Pushes to main build with the Pages address and repository, publish the zip inside the site and as an
    artifact, then deploy."""
    path = GITHUB / "workflows" / "deploy.yml"
    workflow = load(path)
    build = steps(path, "build")
    run = next(s for s in build if "make offline" in s.get("run", ""))
    assert "cp sco-explainer-offline.zip site/download/" in run["run"]
    assert run["env"]["SCO_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert run["env"]["SCO_REPOSITORY"] == "${{ github.server_url }}/${{ github.repository }}"
    upload = [s for s in build if s.get("uses", "").startswith("actions/upload")]
    assert [s["with"]["path"] for s in upload] == ["site", "sco-explainer-offline.zip"]
    assert build.index(run) < build.index(upload[0])
    assert workflow["jobs"]["deploy"]["needs"] == "build"
