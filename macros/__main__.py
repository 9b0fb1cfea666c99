"""Command line: `python -m macros check | verify-quotes [DIR] | fingerprint SOURCE TEXT | schema [DIR]`.

`check` validates the data and prints every problem as `file:line: ...`
(or as GitHub annotations with --annotations); it exits 1 on any error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import errors
from .cache import cache_dir
from .errors import DataError, Problem, count_line, root_causes_first
from .factbase import load
from .pageerrors import PageErrors

ROOT = Path(__file__).resolve().parent.parent


def _print(problems: list[Problem], annotations: bool, where: str = "in the data") -> None:
    """Each problem on a line, root causes first; as GitHub annotations (with a summary) if asked."""
    for line in (errors.annotations(problems, where) if annotations else map(str, root_causes_first(problems))):
        print(line)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        fb = load(args.data, args.root, cache_dir(args.root))
    except DataError as exc:
        _print(exc.problems, args.annotations)
        print(count_line(exc.problems), file=sys.stderr)
        return 1
    warnings = list(fb.warnings)
    if args.cited:
        try:
            warnings += uncited_quotes(fb, args.root)
        except PageErrors as exc:
            _print(exc.problems, args.annotations, PAGES)
            print(count_line(exc.problems, PAGES), file=sys.stderr)
            return 1
        except BuildFailed as exc:
            print(exc, file=sys.stderr)
            if args.annotations:
                print("::error title=The site does not build::" + str(exc).replace("%", "%25").replace("\n", "%0A"))
            return 1
    _print(warnings, args.annotations)
    if args.verbose:
        print(", ".join(f"{n} {k}" for k, n in fb.counts().items()))
    return 0


class BuildFailed(Exception):
    """The strict build refused the site for a reason other than a page error (the log says which)."""


PAGES = "in the pages"


def uncited_quotes(fb, root: Path) -> list[Problem]:  # type: ignore[no-untyped-def]
    """Warnings for quotes that no page cites, found by building the site into a temporary folder."""
    from . import citations

    build_quietly(root)
    cited = {q for q, citers in citations.CURRENT.cited_on.items() if citers}
    return [Problem(fb.where[("quotes", q)].file, fb.where[("quotes", q)].line, "quote", q, "",
                    "no page cites this quote", "cite it from a fact shown on a page, or remove it", "warning")
            for q in fb.quotes if q not in cited]


def build_quietly(root: Path) -> None:
    """Build the site strictly into a temporary folder, printing nothing; the build's citation state stays in
    `citations.CURRENT`. A page error raises PageErrors (each at docs/FILE:LINE); any other failure of the
    strict build raises BuildFailed with what MkDocs logged, so that a failed check is never silent.
    """
    import logging
    import os
    import tempfile

    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from . import pageerrors

    logger = logging.getLogger("mkdocs")
    logged: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(f"{record.levelname}: {record.getMessage()}")

    handler = Collect(logging.WARNING)
    saved = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False  # nothing printed as it happens: a passing check stays quiet
    logger.addHandler(handler)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            build(load_config(str(root / "mkdocs.yml"), site_dir=tmp, strict=True))
    except (exceptions.MkDocsException, exceptions.Abort) as exc:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, PageErrors):
            cause = cause.__context__
        if cause is not None or pageerrors.PROBLEMS:
            raise cause if isinstance(cause, PageErrors) else PageErrors(list(pageerrors.PROBLEMS)) from None
        messages = [m for m in logged if not m.startswith("ERROR: Aborted")] or [str(exc)]
        raise BuildFailed("The site does not build (mkdocs build --strict):\n" + "\n".join(messages)) from None
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify

    try:
        fb = load(args.data, args.root)
    except DataError as exc:
        _print(exc.problems, args.annotations)
        return 1
    snapshots = args.snapshots if args.snapshots is not None and args.snapshots.is_dir() else None
    if args.snapshots is not None and snapshots is None:
        print(f"No folder {args.snapshots}: checking quotes against their sources' fingerprints.")
    used: dict[str, str] = {}
    problems, checked = verify(fb, snapshots, args.fingerprints, used)
    for source in sorted(used):
        print(f"{source}: checked against its {used[source]}")
    _print(problems, args.annotations, "in the quotes")
    errors = [p for p in problems if p.severity == "error"]
    print(f"{checked - len(errors)} of {len(fb.quotes)} quotes found verbatim "
          f"({_methods(used)}).")
    return 1 if errors else 0


def _methods(used: dict[str, str]) -> str:
    full = sum(v.startswith("full text") for v in used.values())
    prints = sum(v.startswith("fingerprint") for v in used.values())
    parts = [f"{n} source{'s' if n != 1 else ''} by {what}" for n, what in ((full, "full text"),
                                                                            (prints, "fingerprint")) if n]
    missing = len(used) - full - prints
    if missing:
        parts.append(f"{missing} with neither")
    return ", ".join(parts) or "no sources"


def cmd_fingerprint(args: argparse.Namespace) -> int:
    from . import fingerprint

    text = args.text.read_text(encoding="utf-8")
    path = fingerprint.write(args.out, args.source, text)
    fp = fingerprint.load(path)
    print(f"{path}: {len(fp.values)} runs of {fp.window} words from {fp.words} words, {fp.bits} bits each")
    try:
        fb = load(args.data, args.root)
    except DataError:
        return 0  # the data check reports its own problems
    if args.source not in fb.sources:
        print(f"note: no source {args.source!r} in data/sources.yaml yet: add it there too")
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    """Print, check or rewrite the table of where facts appear (CONTRIBUTING.md)."""
    from . import pagemap

    fb = load(args.root / "data", args.root)
    generated = pagemap.table(fb, pagemap.shown_facts(args.root), args.root / "docs")
    target = args.root / "CONTRIBUTING.md"
    if not (args.write or args.check):
        print(generated)
        return 0
    current = target.read_text(encoding="utf-8")
    updated = pagemap.rewrite(current, generated)
    if args.check:
        if updated != current:
            print("CONTRIBUTING.md: the table of where facts appear is out of date: run make pages-table",
                  file=sys.stderr)
            return 1
        return 0
    target.write_text(updated, encoding="utf-8")
    print(f"{target.name}: table of where facts appear {'updated' if updated != current else 'unchanged'}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema_export import write_schemas

    for path in write_schemas(args.out):
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (paths in messages are relative to it)")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the data")
    check.add_argument("--data", type=Path, default=ROOT / "data")
    check.add_argument("--annotations", action="store_true", help="print GitHub Actions ::error lines")
    check.add_argument("-v", "--verbose", action="store_true", help="print record counts")
    check.add_argument("--cited", action="store_true", help="also build the site and warn about quotes no page cites")
    check.set_defaults(func=cmd_check)
    ver = sub.add_parser("verify-quotes", help="check quotes against source texts, or their fingerprints")
    ver.add_argument("snapshots", type=Path, nargs="?", help="folder of <source-id>.txt full texts, if you have them")
    ver.add_argument("--fingerprints", type=Path, default=ROOT / "fingerprints")
    ver.add_argument("--data", type=Path, default=ROOT / "data")
    ver.add_argument("--annotations", action="store_true", help="print GitHub Actions ::error lines")
    ver.set_defaults(func=cmd_verify)
    fpr = sub.add_parser("fingerprint", help="write fingerprints/SOURCE.txt from a source's full text")
    fpr.add_argument("source")
    fpr.add_argument("text", type=Path)
    fpr.add_argument("--out", type=Path, default=ROOT / "fingerprints")
    fpr.add_argument("--data", type=Path, default=ROOT / "data")
    fpr.set_defaults(func=cmd_fingerprint)
    pages = sub.add_parser("pages", help="the table of which page shows the facts of which topic")
    pages.add_argument("--write", action="store_true", help="rewrite it in CONTRIBUTING.md")
    pages.add_argument("--check", action="store_true", help="exit 1 if CONTRIBUTING.md's table is out of date")
    pages.set_defaults(func=cmd_pages)
    schema = sub.add_parser("schema", help="write JSON Schemas")
    schema.add_argument("out", type=Path, nargs="?", default=ROOT / "schema")
    schema.set_defaults(func=cmd_schema)
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    if hasattr(args, "data"):
        args.data = args.data.resolve()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
