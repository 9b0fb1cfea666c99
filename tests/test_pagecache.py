"""Compiled page templates are reused only for the same source under the same Jinja settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from macros import pagecache

PAGE = "# {{ title }}\n\n{% for x in items %}- {{ x }}\n{% endfor %}{# a comment #}"


def _counting(env: jinja2.Environment, folder: Path) -> list[str]:
    """Install the cache over a compile that records each source it really compiles."""
    compiled: list[str] = []
    original = env.compile

    def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source)
        return original(source, *args, **kwargs)

    env.compile = counted  # type: ignore[method-assign]
    pagecache.install(env, folder)
    return compiled


def test_second_compile_is_read_back_and_renders_the_same(tmp_path: Path) -> None:
    """A page compiled once is not compiled again, in this build or the next, and renders identically."""
    expected = jinja2.Environment().from_string(PAGE).render(title="T", items=[1, "<b>"])
    env = jinja2.Environment()
    compiled = _counting(env, tmp_path)
    assert env.from_string(PAGE).render(title="T", items=[1, "<b>"]) == expected
    later = jinja2.Environment()  # the next build's environment
    compiled_later = _counting(later, tmp_path)
    assert later.from_string(PAGE).render(title="T", items=[1, "<b>"]) == expected
    assert compiled == [PAGE] and compiled_later == []


@pytest.mark.parametrize("settings", [
    {"variable_start_string": "[[", "variable_end_string": "]]"},
    {"trim_blocks": True},
    {"autoescape": True},
    {"extensions": ["jinja2.ext.loopcontrols"]},
], ids=["delimiters", "trim_blocks", "autoescape", "extension"])
def test_other_settings_compile_afresh(tmp_path: Path, settings: dict[str, Any]) -> None:
    """The same source under other settings compiles to other code, so it is not shared."""
    plain = jinja2.Environment()
    _counting(plain, tmp_path)
    plain.from_string(PAGE)
    assert len(list(tmp_path.glob("*.code"))) == 1
    other = jinja2.Environment(**settings)
    compiled = _counting(other, tmp_path)
    other.from_string(PAGE)
    assert compiled == [PAGE]


def test_edited_page_is_compiled_again(tmp_path: Path) -> None:
    """A changed source gets its own entry."""
    env = jinja2.Environment()
    compiled = _counting(env, tmp_path)
    env.from_string(PAGE)
    env.from_string(PAGE + " edited")
    assert compiled == [PAGE, PAGE + " edited"]


def test_damaged_entry_is_compiled_again(tmp_path: Path) -> None:
    """A truncated or foreign file in the cache is ignored, not executed."""
    env = jinja2.Environment()
    _counting(env, tmp_path)
    env.from_string(PAGE)
    (entry,) = tmp_path.glob("*.code")
    entry.write_bytes(b"\x00not marshal data")
    again = jinja2.Environment()
    compiled = _counting(again, tmp_path)
    assert again.from_string(PAGE).render(title="T", items=[]) == "# T\n\n"
    assert compiled == [PAGE]


def test_syntax_error_is_raised_and_not_stored(tmp_path: Path) -> None:
    """A page with a template error fails as before, and leaves nothing in the cache."""
    env = jinja2.Environment()
    pagecache.install(env, tmp_path)
    with pytest.raises(jinja2.TemplateSyntaxError):
        env.from_string("{{ unclosed ")
    assert list(tmp_path.iterdir()) == []


def test_loader_templates_bypass_the_cache(tmp_path: Path) -> None:
    """Templates from a loader (named) keep Jinja's own handling."""
    env = jinja2.Environment(loader=jinja2.DictLoader({"t.html": PAGE}))
    pagecache.install(env, tmp_path / "pages")
    assert env.get_template("t.html").render(title="T", items=[]) == "# T\n\n"
    assert not (tmp_path / "pages").exists()
