"""Atomic builds: build into a temporary folder and replace the output only on success.

`python -m macros.sitebuild online site` is `make build`; `offline site-offline` is
`make offline`, which also writes sco-explainer-offline.zip. Everything is built beside
the output first (a hidden `.NAME.build-PID-…` folder, the zip as a hidden temporary
file); only when all of it succeeded is it renamed into place, the folder and then the
zip, and if either rename fails the previous pair is put back. A failed or interrupted
build leaves the previous output exactly as it was; what a killed build leaves behind
(its hidden folder) is removed by the next build. Published folders get the permissions
the umask gives (0755 and 0644 with the usual 022), not the temporary folder's 0700.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_NAME = "sco-explainer-offline.zip"
STALE_AFTER = 24 * 3600  # seconds; no build takes a day, so an older leftover's owner is gone even if its pid lives


def build_site(mode: str, out: Path, config_file: Path = ROOT / "mkdocs.yml") -> int:
    """Build the site in `mode` ('online' or 'offline') into `out`; return an exit code."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)-7s -  %(message)s")
    os.environ["SCO_OFFLINE"] = "true" if mode == "offline" else "false"
    os.environ.setdefault("SOURCE_DATE_EPOCH", commit_time())  # sitemap dates: the commit's, not today's
    out = out if out.is_absolute() else ROOT / out
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    zip_target = out.parent / ZIP_NAME if mode == "offline" else None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # `kill`: clean up as for Ctrl-C
    clean_leftovers(out.parent, out.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=out.parent))
    zip_tmp: Path | None = None
    try:
        build(load_config(str(config_file), site_dir=str(tmp), strict=True))
        os.chmod(tmp, 0o777 & ~_umask())
        if zip_target is not None:
            zip_tmp = write_zip(tmp, zip_target, name=out.name, publish=False)
        old = publish(tmp, out, zip_tmp, zip_target)
    except (exceptions.MkDocsException, exceptions.Abort, SystemExit, OSError) as exc:
        _remove(tmp, zip_tmp)
        what = f"{shown} and {ZIP_NAME} were" if zip_target is not None else f"{shown} was"
        reason = f"exit status {exc.code}" if isinstance(exc, SystemExit) else str(exc)
        print(f"Build failed; {what} left unchanged.\n{reason}", file=sys.stderr)
        return 1
    except BaseException:
        _remove(tmp, zip_tmp)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        if old.exists():
            print(f"Could not remove the previous site, now in {old}: the next build tries again.", file=sys.stderr)
    print(f"Built {mode} site in {out}" + (f" and {zip_target}" if zip_target is not None else ""))
    return 0


def publish(new: Path, out: Path, zip_tmp: Path | None = None, zip_target: Path | None = None) -> Path | None:
    """Rename `new` to `out` (and `zip_tmp` to `zip_target`), moving the current `out` aside first; return where
    the previous output went (for the caller to delete), or None. If a rename fails, the previous output is put
    back and the error raised: both are published or neither."""
    old = None
    if os.path.lexists(out):
        old = out.with_name(f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(out, old)
    try:
        os.rename(new, out)
        if zip_tmp is not None and zip_target is not None:
            try:
                os.replace(zip_tmp, zip_target)
            except OSError:
                os.rename(out, new)
                raise
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    return old


def clean_leftovers(parent: Path, name: str) -> None:
    """Remove what killed builds of `name` left in `parent`: their temporary folders, previous outputs they had
    moved aside and temporary zips, once their process is gone (or a day has passed); and what earlier versions
    of this module left (`.NAME-XXXX`, `NAME.old`, `*.zip.tmp`)."""
    ours = re.compile(rf"\.{re.escape(name)}\.(?:build|old)-(\d+)-.+|\.{re.escape(ZIP_NAME)}-(\d+)-.+\.tmp")
    legacy = re.compile(rf"\.{re.escape(name)}-[A-Za-z0-9_]{{8}}|{re.escape(name)}\.old|{re.escape(ZIP_NAME)}\.tmp")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        match = ours.fullmatch(entry.name)
        if match:
            pid = int(match.group(1) or match.group(2))
            try:
                fresh = time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER
            except OSError:
                continue
            if fresh and _alive(pid):
                continue
        elif not legacy.fullmatch(entry.name):
            continue
        _remove(Path(entry.path))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(*paths: Path | None) -> None:
    for path in paths:
        if path is None:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


def write_zip(folder: Path, target: Path, name: str | None = None, publish: bool = True) -> Path:
    """A byte-identical zip of `folder` for identical input (sorted entries, fixed dates), its entries under `name`
    (the folder's name by default). Written to a temporary file beside `target`, with the umask's permissions;
    renamed to `target` when `publish` (else the temporary file is returned for the caller to publish)."""
    name = name or folder.name
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}-{os.getpid()}-", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(f"{name}/{path.relative_to(folder).as_posix()}", ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
        os.chmod(tmp, 0o666 & ~_umask())
        if publish:
            os.replace(tmp, target)
            return target
        return tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    mode, out = sys.argv[1], Path(sys.argv[2])
    sys.exit(build_site(mode, out))
