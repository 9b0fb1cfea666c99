"""The tests' build server answers exactly as a process of its own would (tests/buildserver.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BUILDS, PY, child_env, copy_project, files_of, run

BAD = "- id: broken\n  text: [unclosed\n"


@pytest.mark.parametrize("args, setup, ok", [
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], None, True),
    (["-m", "mkdocs", "build", "--strict", "-q", "-d", "out"], "bad data", False),
    (["-m", "macros", "check", "--annotations"], "bad data", False),
    (["-m", "macros.sitebuild", "online", "site"], None, True),
    (["-m", "macros.sitebuild", "offline", "site-offline"], "bad data", False),
    (["-m", "mkdocs", "no-such-command"], None, False),
    (["-c", "import sys; from macros.sitebuild import build_site; sys.exit(build_site('online', "
            "__import__('pathlib').Path('out')))"], None, True),
    (["-c", "import sys; print(sys.argv, sys.path[0] == '', file=sys.stderr); raise SystemExit('no')", "a"], None,
     False),
], ids=["build", "build with bad data", "check with annotations", "sitebuild", "sitebuild with bad data",
        "usage error", "code", "code that exits with a message"])
def test_forked_command_answers_as_a_process_of_its_own(tmp_path: Path, args: list[str], setup: str | None,
                                                       ok: bool) -> None:
    """Same exit status, standard output and standard error from the server's fork as from a new process, and the
    same site, byte for byte (the fork's theme templates were compiled by the server)."""
    project = copy_project(tmp_path / "p")
    if setup == "bad data":
        (project / "data" / "facts" / "zz-broken.yaml").write_text(BAD, encoding="utf-8")
    command = [PY, *args]
    assert BUILDS.fits(command, child_env())
    forked = run(command, cwd=project)
    outputs = [name for name in ("out", "site", "site-offline") if (project / name).is_dir()]
    for name in outputs:
        (project / name).rename(tmp_path / f"forked-{name}")
    fresh = run(command, cwd=project, fresh=True)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert (forked.returncode == 0) == ok, forked.stderr
    assert bool(outputs) == ok, outputs
    for name in outputs:
        assert files_of(tmp_path / f"forked-{name}") == files_of(project / name), name


#: Run in a fork: which of a theme environment's templates Jinja compiles, first as installed, then one of Material's
#: templates changed (a custom_dir's copy with a line added, the installed file read with a line added) or loaded by an
#: environment with other settings (trim_blocks).
COMPILED = """
import json, tempfile, jinja2
from pathlib import Path
from mkdocs.theme import Theme
compiled = []
original = jinja2.Environment.compile
def counting(self, source, name=None, filename=None, *args, **kwargs):
    compiled.append(name)
    return original(self, source, name, filename, *args, **kwargs)
jinja2.Environment.compile = counting
out = {}
env = Theme(name='material', locale='en').get_env()
env.get_template('main.html'); env.get_template('partials/footer.html')
out['installed'] = compiled[:]
compiled.clear()
custom = Path(tempfile.mkdtemp()) / 'partials'
custom.mkdir()
footer = Path(env.get_template('partials/footer.html').filename)
(custom / 'footer.html').write_text(footer.read_text() + '<!-- changed -->')
Theme(name='material', locale='en', custom_dir=str(custom.parent)).get_env().get_template('partials/footer.html')
out['custom_dir'] = compiled[:]
compiled.clear()
env = Theme(name='material', locale='en').get_env()
env.loader.get_source = lambda e, n, _g=env.loader.get_source: (lambda s: (s[0] + '<!-- changed -->', *s[1:]))(_g(e, n))
env.get_template('partials/footer.html')
out['edited'] = compiled[:]
compiled.clear()
env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(footer.parent.parent)), trim_blocks=True)
env.get_template('partials/footer.html')
out['other settings'] = compiled[:]
print(json.dumps(out))
"""


def test_forks_compile_no_installed_theme_template_and_every_changed_one(tmp_path: Path) -> None:
    """A fork compiles none of Material's templates as installed (the server compiled them), and compiles one that
    differs: from another folder, edited, or in an environment with other settings."""
    command = [PY, "-c", COMPILED]
    assert BUILDS.fits(command, child_env())
    got = json.loads(run(command, cwd=tmp_path).stdout)
    assert got == {"installed": [], "custom_dir": ["partials/footer.html"], "edited": ["partials/footer.html"],
                   "other settings": ["partials/footer.html"]}, got
    fresh = json.loads(run(command, cwd=tmp_path, fresh=True).stdout)
    assert fresh["installed"] == ["main.html", "partials/footer.html"], fresh  # a process of its own compiles them
