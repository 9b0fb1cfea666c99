"""Atomic builds without leftovers: published folders readable by a web server, the swap inside the error
handling, the offline folder and its zip published as a pair, and what killed builds leave removed by the next.

Failures of the file system (a previous site that cannot be deleted, a rename or a zip that cannot be written)
are simulated in a child process that wraps the one call; the build itself is real.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PY, copy_project, run

ZIP = "sco-explainer-offline.zip"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("atomic") / "p")


def sitebuild(project: Path, mode: str, out: str, before: str = "", umask: int = 0o022
              ) -> subprocess.CompletedProcess[str]:
    """`python -m macros.sitebuild MODE OUT` with `before` run first in the same process (to break something)."""
    code = (f"import os, sys; os.umask({umask}); {before}\n"
            f"from pathlib import Path; from macros.sitebuild import build_site\n"
            f"sys.exit(build_site({mode!r}, Path({out!r})))")
    return run([PY, "-c", code], cwd=project)


def snapshot(project: Path) -> dict[str, str]:
    """Hashes of the published outputs and of every entry beside them (leftovers included)."""
    out = {}
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project).as_posix()
        if rel.split("/")[0] in ("site", "site-offline") or rel.startswith(".site") or rel.endswith(".zip") \
                or ".tmp" in rel or rel.startswith("site"):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return out


def previous(project: Path, mode: str, out: str) -> None:
    """Make sure a published `out` is there to be replaced: the one an earlier test of this module left, else a new
    build (when the test runs alone)."""
    if not (project / out / "index.html").is_file() or (mode == "offline" and not (project / ZIP).is_file()):
        result = sitebuild(project, mode, out)
        assert result.returncode == 0, result.stderr[-2000:]


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site") or p.name.endswith((".old", ".tmp"))
                  or (p.name.startswith(".sco-explainer") and p.name.endswith(".tmp")))


@pytest.mark.parametrize("umask,folders,files", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_folders_have_the_umasks_permissions(project: Path, umask: int, folders: int, files: int) -> None:
    """site/, site-offline/ and the zip get the modes the umask gives (a web server running as another user got
    403: the temporary folder's 0700 was published as it was)."""
    for mode, out in (("online", "site"), ("offline", "site-offline")):
        result = sitebuild(project, mode, out, umask=umask)
        assert result.returncode == 0, result.stderr[-2000:]
        root = project / out
        assert stat.S_IMODE(root.stat().st_mode) == folders
        assert {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_dir()} == {folders}
        assert {stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file()} == {files}
    assert stat.S_IMODE((project / "sco-explainer-offline.zip").stat().st_mode) == files
    assert leftovers(project) == []


def test_what_killed_builds_left_is_removed_by_the_next(project: Path) -> None:
    """A build killed mid-way leaves the published site as it was and its hidden folder behind; the next build
    removes that, and what older builds left (`.site-XXXXXXXX`, `site.old`, `*.zip.tmp`)."""
    previous(project, "online", "site")
    before = {k: v for k, v in snapshot(project).items() if k.startswith("site/")}
    proc = subprocess.Popen([PY, "-m", "macros.sitebuild", "online", "site"], cwd=project,
                            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while not any(p.name.startswith(".site.build-") for p in project.iterdir()):
        assert proc.poll() is None and time.time() < deadline, "the build never started its folder"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {k: v for k, v in snapshot(project).items() if k.startswith("site/")} == before
    assert [n for n in leftovers(project) if n.startswith(".site.build-")]
    (project / ".site-abcd1234").mkdir()  # what earlier versions left
    (project / "site.old").mkdir()
    (project / "sco-explainer-offline.zip.tmp").write_bytes(b"partial")
    result = sitebuild(project, "online", "site")
    assert result.returncode == 0, result.stderr[-2000:]
    assert leftovers(project) == []


def test_a_previous_site_that_cannot_be_removed_does_not_block_later_builds(project: Path) -> None:
    """If the previous site cannot be deleted, the build still publishes, says where the old one is, and the builds
    after it succeed too (a stuck site.old made every later build fail after building)."""
    previous(project, "online", "site")
    stuck = ("import shutil; real = shutil.rmtree\n"
             "def rmtree(path, *a, **k):\n"
             "    if '.old' in str(path): return\n"
             "    return real(path, *a, **k)\n"
             "shutil.rmtree = rmtree")
    for n in range(2):
        (project / "docs" / "about.md").write_text((project / "docs" / "about.md").read_text(encoding="utf-8")
                                                   + f"\n\nBuild {n}.\n", encoding="utf-8")
        result = sitebuild(project, "online", "site", before=stuck)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Could not remove the previous site" in result.stderr
        assert f"Build {n}." in (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert sitebuild(project, "online", "site").returncode == 0
    assert leftovers(project) == []


def test_a_failed_swap_leaves_the_previous_site(project: Path) -> None:
    """If moving the new site into place fails, the previous site is put back, the build says so and exits 1,
    and no temporary folder remains (the swap was outside the error handling: a traceback and a leftover)."""
    previous(project, "online", "site")
    before = snapshot(project)
    failing = ("real = os.rename\n"
               "def rename(src, dst, *a, **k):\n"
               "    if '.build-' in str(src): raise OSError(28, 'No space left on device')\n"
               "    return real(src, dst, *a, **k)\n"
               "os.rename = rename")
    result = sitebuild(project, "online", "site", before=failing)
    assert result.returncode == 1
    assert "Build failed; site was left unchanged." in result.stderr and "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project) == before


def test_offline_folder_and_zip_are_published_as_a_pair(project: Path) -> None:
    """A zip that cannot be written leaves both the previous site-offline/ and the previous zip, and no temporary
    file (the new folder was published beside the old zip, and a .zip.tmp remained)."""
    previous(project, "offline", "site-offline")
    before = snapshot(project)
    (project / "docs" / "about.md").write_text((project / "docs" / "about.md").read_text(encoding="utf-8")
                                               + "\n\nA change that must not be published alone.\n", encoding="utf-8")
    failing = ("import zipfile\n"
               "def writestr(self, *a, **k): raise OSError(28, 'No space left on device')\n"
               "zipfile.ZipFile.writestr = writestr")
    result = sitebuild(project, "offline", "site-offline", before=failing)
    assert result.returncode == 1
    assert "Build failed; site-offline and sco-explainer-offline.zip were left unchanged." in result.stderr
    assert snapshot(project) == before
    replace = ("real = os.replace\n"
               "def failing(src, dst, *a, **k):\n"
               "    if str(dst).endswith('.zip'): raise OSError(13, 'Permission denied')\n"
               "    return real(src, dst, *a, **k)\n"
               "os.replace = failing")
    result = sitebuild(project, "offline", "site-offline", before=replace)
    assert result.returncode == 1 and "Permission denied" in result.stderr
    assert snapshot(project) == before
    result = sitebuild(project, "offline", "site-offline")
    assert result.returncode == 0
    assert "A change that must not be published alone." in (project / "site-offline" / "about.html").read_text(
        encoding="utf-8")
    assert leftovers(project) == []
