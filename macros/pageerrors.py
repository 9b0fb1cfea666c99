"""Mistakes in pages, reported as `docs/FILE:LINE: message (hint)`, every one of them, then the build fails.

mkdocs-macros renders each page as a Jinja template. On an error it prints a traceback
whose `<template>` line is counted without the page's front matter, and ends the process
(exit code 100): `make check` then said nothing at all. Here each page's template records
its error instead, with the page's own file and line (front matter counted) and a hint
(the closest known id or macro name), and renders empty; once every page has been
converted the build fails with the whole list (`hooks.on_env`).
"""

from __future__ import annotations

import inspect
import re
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from mkdocs.exceptions import PluginError

from .errors import Problem, count_line
from .hints import closest

#: The page errors of the build in progress (reset at the start of each build).
PROBLEMS: list[Problem] = []

#: Which record kind the id argument of a macro names.
MACRO_KINDS = {
    "fact": "facts", "facts": "facts", "cite_fact": "facts", "quote": "quotes", "cite": "quotes",
    "position": "positions", "positions": "topics", "figure": "figures", "figures": "metrics",
    "figure_chart": "metrics", "source_page": "sources", "source_date": "sources", "topic_label": "topics",
    "timeline": "topics", "count": "kinds", "download": "exports",
}

WHERE = "in the pages"


class PageErrors(PluginError):
    """One or more pages have errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("The pages have errors; nothing was built.\n" + "\n".join(map(str, self.problems))
                         + "\n" + count_line(self.problems, WHERE))


def reset() -> None:
    PROBLEMS.clear()


def fail_if_any() -> None:
    """Raise PageErrors if any page recorded an error in this build."""
    if PROBLEMS:
        raise PageErrors(list(PROBLEMS))


def known(kind: str) -> list[str]:
    """Names a page may use, by kind: macros, topics, record ids of the build's fact base, figure metrics."""
    from . import MACROS, citations
    from .schema import TOPICS

    if kind == "macros":
        return list(MACROS)
    if kind == "topics":
        return list(TOPICS)
    fb = citations.CURRENT.factbase
    if fb is None:
        return []
    if kind == "metrics":
        return list(fb.figures_by_metric)
    if kind == "kinds":
        return list(fb.counts())
    return list(getattr(fb, kind, None) or [])


def install(env: jinja2.Environment, plugin: Any, root: Path,
            candidates: Callable[[str], Iterable[str]] = known) -> None:
    """Make every page template of `env` record its errors at `docs/FILE:LINE` instead of ending the process.

    `plugin` is the mkdocs-macros plugin (its `page` is the page being rendered); `candidates(kind)` lists the
    known names of a kind, for "did you mean".
    """
    if getattr(env, "_sco_page_errors", False):
        return
    env._sco_page_errors = True  # type: ignore[attr-defined]
    original = env.from_string

    def where(source: str) -> tuple[str, int]:
        """The page's path from the project root, and how many lines precede `source` in its file."""
        page = plugin.page
        path = Path(page.file.abs_src_path)
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else page.file.src_uri
        try:
            text = page.file.content_string
        except Exception:  # noqa: BLE001 - a page that cannot be read again: count from its body
            text = source
        offset = text.rfind(source) if source else -1
        return rel, text.count("\n", 0, offset) if offset > 0 else 0

    class RecordingUndefined(env.undefined):  # type: ignore[misc,name-defined]
        """An unknown name in a page: called or printed, it is recorded and renders as nothing."""

        def __call__(self, *args: Any, **kwargs: Any) -> str:
            self._sco_record()
            return ""

        def __getattr__(self, name: str) -> Any:
            if name.startswith("jinja_"):  # Jinja asks a callable whether it wants the context
                raise AttributeError(name)
            return super().__getattr__(name)

        def __str__(self) -> str:
            self._sco_record()
            return ""

        def _sco_record(self) -> None:
            word = self._undefined_name or ""
            match = closest(word, candidates("macros"))
            if not record_here(f"unknown macro or variable {word!r}",
                               f"did you mean {match}()?" if match else "the Data page lists every macro"):
                self._fail_with_undefined_error()

    if issubclass(env.undefined, jinja2.StrictUndefined):
        env.undefined = RecordingUndefined

    class PageTemplate(jinja2.Template):
        _sco_source = ""

        def render(self, *args: Any, **kwargs: Any) -> str:
            try:
                return super().render(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every page error is reported, none ends the build here
                file, offset = where(self._sco_source)
                line, message, hint, needle = describe(exc, candidates)
                line = _line_of(needle, self._sco_source, line + offset, offset)
                PROBLEMS.append(Problem(file, line, message=message, hint=hint))
                return ""

    env.template_class = PageTemplate

    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Any:
        try:
            template = original(source, globals, template_class)
        except jinja2.TemplateSyntaxError as exc:
            file, offset = where(source)
            PROBLEMS.append(Problem(file, (exc.lineno or 1) + offset, message=f"macro syntax error: {exc.message}",
                                    hint='a macro call is written {{ name("id") }}; check its brackets and quotes'))
            template = original("", globals, template_class)
        text = source if isinstance(source, str) else ""
        template._sco_source = text
        template._sco_where = lambda: where(text)
        return template

    env.from_string = from_string  # type: ignore[method-assign]


def _page_line() -> tuple[str, int, str, int] | None:
    """The page, the line in its file, the template source and the lines before it (front matter) of the page
    template running on the stack right now, if a page is rendering."""
    frame = inspect.currentframe()
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if frame.f_code.co_filename == "<template>" and isinstance(template, jinja2.Template):
            locate = getattr(template, "_sco_where", None)
            if locate is None:
                return None
            file, offset = locate()
            line = template.get_corresponding_lineno(frame.f_lineno)
            return file, line + offset, getattr(template, "_sco_source", ""), offset
        frame = frame.f_back
    return None


def _line_of(needle: str, source: str, line: int, offset: int) -> int:
    """The line (counted in the page's file) of `needle` in a macro call starting at `line`: a call can span
    lines (a list of ids), and the line of the wrong id is the one to open."""
    if not needle:
        return line
    rows = source.split("\n")
    for n in range(line - offset - 1, min(len(rows), line - offset + 59)):
        row = rows[n] if n >= 0 else ""
        if f'"{needle}"' in row or f"'{needle}'" in row or re.search(rf"\b{re.escape(needle)}\s*\(", row):
            return n + 1 + offset
        if n >= line - offset - 1 and "}}" in row:
            break
    return line


def record_here(message: str, hint: str, needle: str = "") -> bool:
    """Record a page error at the page line being rendered; False if no page is rendering."""
    place = _page_line()
    if place is None:
        return False
    file, line, source, offset = place
    PROBLEMS.append(Problem(file, _line_of(needle, source, line, offset), message=message, hint=hint))
    return True


def macro_failed(exc: Exception, fn: Callable[..., Any]) -> Any:
    """A macro raised: record the error at the page line that called it and render nothing there,
    so that the rest of the page is checked too. Outside a page, the exception is raised again."""
    _, message, hint, needle = describe(exc, known, macro=fn)
    if not record_here(message, hint, needle):
        raise exc
    from markupsafe import Markup

    return Markup("")


def describe(exc: BaseException, candidates: Callable[[str], Iterable[str]],
             macro: Callable[..., Any] | None = None) -> tuple[int, str, str, str]:
    """The template line of a page error, what is wrong, a hint, and the unknown name (to find its line)."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    line = next((n for frame, n in reversed(frames) if frame.f_code.co_filename == "<template>"), 1)
    macro = macro or next((frame.f_locals["fn"] for frame, _ in reversed(frames)
                           if frame.f_code.co_name == "call" and callable(frame.f_locals.get("fn"))), None)
    name = getattr(macro, "__name__", "")
    if isinstance(exc, jinja2.UndefinedError):
        missing = re.match(r"'([^']+)' is undefined", str(exc.message or ""))
        word = missing.group(1) if missing else ""
        match = closest(word, candidates("macros"))
        return line, f"unknown macro or variable {word!r}" if word else str(exc.message), (
            f"did you mean {match}()?" if match else "the Data page lists every macro"), word
    unknown = _unknown(exc, name)
    if unknown is not None:
        kind, keys = unknown
        match = closest(keys[0], candidates(kind)) if kind else None
        what = kind.rstrip("s") if kind not in ("", "kinds") else "record kind" if kind else "record"
        ids = ", ".join(map(repr, keys))
        return line, f"{name}(): unknown {what} id{'s' if len(keys) > 1 else ''} {ids}", (
            f"did you mean {match!r}?" if match else f"no {kind or 'record'} with this id: check the spelling"), keys[0]
    if isinstance(exc, TypeError) and macro is not None:
        bad = re.search(r"unexpected keyword argument '([^']+)'", str(exc))
        params = list(inspect.signature(macro).parameters)
        usage = f"it takes {name}({', '.join(params)})"
        if bad:
            match = closest(bad.group(1), params, cutoff=0.6)  # short names: 'idz' for 'ids'
            return line, f"{name}(): no argument named {bad.group(1)!r}", (
                f"did you mean {match}=? {usage[0].upper()}{usage[1:]}" if match else usage), ""
        return line, f"{name}(): " + re.sub(r"^[\w.<>]*\(\) ", "", str(exc)), usage, ""
    prefix = f"{name}(): " if name else ""
    return line, f"{prefix}{type(exc).__name__}: {exc}", "see the macro list on the Data page", ""


def _unknown(exc: BaseException, name: str) -> tuple[str, list[str]] | None:
    """(kind, names) when a macro failed on names it does not know: a KeyError on a lookup, or the
    renderers' own "unknown fact ids: a, b" / "unknown topic 'x'" errors."""
    if not name:
        return None
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return MACRO_KINDS.get(name, ""), [exc.args[0]]
    if isinstance(exc, ValueError):
        text = str(exc)
        listed = re.match(r"unknown (\w+) ids?: (.+)$", text)
        if listed:
            return listed.group(1) + "s", [k.strip() for k in listed.group(2).split(",") if k.strip()]
        single = re.match(r"unknown (\w+) '([^']+)'", text)
        if single:
            return single.group(1) + "s", [single.group(2)]
    return None
