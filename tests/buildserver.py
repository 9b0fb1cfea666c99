"""Run `python -m MODULE ...` and `python -c CODE` for the tests in a child forked from a process that has imported MkDocs already.

Most tests build a copy of the site, or check its data, in a process of its own; about a fifth of each such
build was Python starting and importing MkDocs, Material, Markdown, pydantic, PyYAML and mkdocs-macros. This
server imports those third-party packages once, never the project's own `macros` package or hooks (each test's
copy has its own, possibly altered), and forks a child per command. The child runs the module as `python -m`
would: in the requested folder (first on sys.path), with the requested environment, stdin from /dev/null,
stdout and stderr captured, in a process group of its own (killed whole on timeout).

The server also compiles Material's templates once (`theme_templates_compiled`): each child's Jinja environments
find them compiled, in memory, for the exact file, source and settings, and compile anything else themselves.

What a fork cannot change is fixed when the interpreter starts: the hash seed and the variables that Python
reads at start-up (PYTHON*). The client sends a command here only when those match its own environment
(see conftest.run); a test that needs a process of its own (a seed of its own, say) asks for one.

Protocol: one JSON request per line on stdin ({"module" or "code", "args", "cwd", "env", "timeout"}), one JSON reply per
line on stdout ({"returncode", "stdout", "stderr"}, the outputs as latin-1 text of their bytes, "timeout": true
when the child was killed).
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import select
import signal
import sys
import tempfile
import traceback

#: Imported once here; whatever a build imports beyond these, its child imports itself. Only speed depends on
#: this list: a module missing from it, or one that fails to import here, is imported by the child as usual.
PRELOAD = (
    "mkdocs.__main__", "mkdocs.commands.build", "mkdocs.commands.serve", "mkdocs.config.defaults",
    "mkdocs.structure.pages", "mkdocs.structure.nav", "mkdocs.livereload",
    "material.plugins.search.plugin", "material.plugins.offline.plugin", "material.extensions.emoji",
    "mkdocs_macros.plugin", "markdown", "markdown.extensions.abbr", "markdown.extensions.attr_list",
    "markdown.extensions.md_in_html", "markdown.extensions.admonition", "markdown.extensions.toc",
    "pymdownx.details", "pydantic", "pydantic_core", "yaml", "jinja2", "babel.dates", "pygments",
    "requests", "json", "html.parser", "zipfile", "csv", "gzip", "hashlib", "difflib", "email.utils",
)


def child(request: dict, out: int, err: int) -> int:
    """In the forked child: run the module; its exit status."""
    os.setpgid(0, 0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    code = 0
    try:
        if "code" in request:  # python -c CODE ARGS
            sys.path[0] = ""
            sys.argv = ["-c", *request["args"]]
            exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
        else:
            sys.path[0] = os.getcwd()  # `python -m` puts the current folder first
            sys.argv = [request["module"], *request["args"]]
            sys.modules.pop(f"{request['module']}.__main__", None)  # preloaded: run afresh, as `python -m` runs it
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - reported as the interpreter would
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    return code & 0xFF


def theme_templates_compiled() -> None:
    """Compile Material's templates here, once, for every child's Jinja environments to inherit.

    A build compiled Material's templates afresh (about 0.2 s of a 2 s build, 30 of them). Every
    environment a child makes without a bytecode cache of its own gets this one: it holds code compiled here, in
    memory, and nothing else. An entry is used only for the exact file, source text and compile settings it was
    made from (a template a test alters, or an environment set up otherwise, is compiled as usual), so a child
    builds exactly what a process of its own builds; no template of the project's is ever kept."""
    import hashlib

    import jinja2
    import material
    from jinja2.bccache import Bucket, BytecodeCache
    from mkdocs.theme import Theme

    root = os.path.join(os.path.dirname(material.__file__), "templates") + os.sep
    compiled: dict[str, bytes] = {}

    def settings(env: jinja2.Environment) -> str:
        """What the code Jinja generates for a template depends on, besides its source."""
        autoescape = env.autoescape
        if callable(autoescape):
            autoescape = getattr(autoescape, "__qualname__", "?") + repr(
                [c.cell_contents for c in getattr(autoescape, "__closure__", None) or ()])
        finalize = None if env.finalize is None else getattr(env.finalize, "__qualname__", repr(env.finalize))
        return repr((sorted(env.extensions), env.block_start_string, env.block_end_string,
                     env.variable_start_string, env.variable_end_string, env.comment_start_string,
                     env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                     env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
                     env.is_async, autoescape, finalize, jinja2.__version__))

    class Inherited(BytecodeCache):
        def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
            key = ""
            if filename and os.path.abspath(filename).startswith(root):
                key = hashlib.sha256("\0".join((settings(environment), filename, source)).encode()).hexdigest()
            bucket = Bucket(environment, key, self.get_source_checksum(source))
            if key in compiled:
                bucket.bytecode_from_string(compiled[key])
            return bucket

        def set_bucket(self, bucket: Bucket) -> None:
            if bucket.key:
                compiled[bucket.key] = bucket.bytecode_to_string()

    shared = Inherited()
    original = jinja2.Environment.__init__

    def with_inherited(self: jinja2.Environment, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        if self.bytecode_cache is None:
            self.bytecode_cache = shared

    jinja2.Environment.__init__ = with_inherited  # type: ignore[method-assign]
    env = Theme(name="material", locale="en").get_env()
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html") and "languages/" not in n):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - a template that does not compile on its own is compiled by the child
            pass
    env.get_template("partials/languages/en.html")


def serve() -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the child imports it, or reports its error, itself
            pass
    if os.environ.get("SCO_TEST_THEME_COMPILED", "1") == "1":  # 0: children compile them, to compare
        try:
            theme_templates_compiled()
        except Exception:  # noqa: BLE001 - as with the imports: a child compiles what is missing, or reports the error
            pass
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            pid = os.fork()
            if pid == 0:
                status = 1
                try:
                    status = child(request, out.fileno(), err.fileno())
                finally:
                    os._exit(status)
            pidfd = os.pidfd_open(pid)
            ready, _, _ = select.select([pidfd], [], [], request["timeout"])
            timed_out = not ready
            if timed_out:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _, status = os.waitpid(pid, 0)
            os.close(pidfd)
            out.seek(0)
            err.seek(0)
            answer = {"returncode": os.waitstatus_to_exitcode(status), "timeout": timed_out,
                      "stdout": out.read().decode("latin-1"), "stderr": err.read().decode("latin-1")}
        reply.write(json.dumps(answer) + "\n")
        reply.flush()


if __name__ == "__main__":
    serve()
