"""Atomic builds: build into a temporary folder and replace the output only on success.

`python -m macros.sitebuild online site` is `make build`; `offline site-offline`
is `make offline`, which also writes a zip. A failed build leaves the previous
output exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def build_site(mode: str, out: Path, config_file: Path = ROOT / "mkdocs.yml") -> int:
    """Build the site in `mode` ('online' or 'offline') into `out`; return an exit code."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)-7s -  %(message)s")
    os.environ["SCO_OFFLINE"] = "true" if mode == "offline" else "false"
    os.environ.setdefault("SOURCE_DATE_EPOCH", commit_time())  # sitemap dates: the commit's, not today's
    out = out if out.is_absolute() else ROOT / out
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        config = load_config(str(config_file), site_dir=str(tmp), strict=True)
        build(config)
    except (exceptions.MkDocsException, exceptions.Abort) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"Build failed; {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} was left unchanged.\n{exc}",
              file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    if mode == "offline":
        write_zip(out, out.parent / "sco-explainer-offline.zip")
    print(f"Built {mode} site in {out}")
    return 0


def _git(args: list[str], default: str) -> str:
    """One line of git output about HEAD, or `default` outside a checkout."""
    import subprocess

    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip() or default
    except (OSError, subprocess.CalledProcessError):
        return default


def commit_time() -> str:
    """The HEAD commit's time (seconds), so two builds of one commit carry the same dates."""
    return _git(["log", "-1", "--format=%ct"], "0")


def commit_id() -> str:
    """The HEAD commit id, or 'unknown' outside a git checkout."""
    return _git(["rev-parse", "HEAD"], "unknown")


def write_zip(folder: Path, target: Path) -> None:
    """A byte-identical zip for identical input: sorted entries, fixed dates."""
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    tmp.replace(target)


if __name__ == "__main__":
    mode, out = sys.argv[1], Path(sys.argv[2])
    sys.exit(build_site(mode, out))
