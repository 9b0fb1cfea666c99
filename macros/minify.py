"""The site's own stylesheets and scripts, published minified, one file of each kind.

docs/assets/sco.css, sco-reader.css, sco.js and sco-reader.js are written to be read and stay so; what the
site publishes is their minified text, each reader file joined to the file it follows (BUNDLES): one
stylesheet and one script, so a page makes two requests fewer. The hook (reader_hooks.on_files) gives MkDocs
the minified text as each file's content before anything is written, so MkDocs writes it in place of a copy
of the source: the build writes nothing twice, the atomic build (sitebuild.py) publishes the minified files
with the rest of the site or not at all, and `make offline` and `mkdocs serve` publish the same files as
`make build`. The pages link sco.css and sco.js at the addresses mkdocs.yml gives them.

rcssmin and rjsmin remove comments and the whitespace CSS and JavaScript do not need, and nothing else:
no renaming, no rewriting of values or selectors. Their output is deterministic (their C and pure-Python
versions give the same bytes), so two builds stay byte-identical.
"""

from __future__ import annotations

from typing import Any, Callable

import rcssmin
import rjsmin

#: File types minified, by suffix.
MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
#: Files published as one: a stylesheet or script listed in mkdocs.yml, then the readable files it takes in,
#: which are not published on their own. Measured on 2026-12-05 (economy, gzip): 4,510 + 2,911 bytes in four
#: files, 4,098 + 2,670 in two.
BUNDLES = {"assets/sco.css": ("assets/sco-reader.css",), "assets/sco.js": ("assets/sco-reader.js",)}
#: What goes between two parts: a script's semicolon ends a part that ends in `})()`, which the next part's
#: opening parenthesis would otherwise call.
JOINS = {".css": "\n", ".js": ";\n"}


def joined(name: str, read: Callable[[str], str]) -> str:
    """The readable text the site publishes (minified) as `name`: its own, then its BUNDLES parts', each
    read by `read` from its path under docs/."""
    parts = (name, *BUNDLES.get(name, ()))
    return JOINS.get(name[name.rfind("."):], "\n").join(read(part) for part in parts)


def minify(name: str, text: str) -> str:
    """`text` of the file `name` (.css or .js) minified; other files unchanged."""
    suffix = name[name.rfind("."):] if "." in name else ""
    minifier = MINIFIERS.get(suffix)
    return text if minifier is None else minifier(text)


def listed(config: Any) -> list[str]:
    """The paths mkdocs.yml lists in extra_css and extra_javascript."""
    # extra_javascript entries are objects with a path
    return [str(getattr(entry, "path", entry)) for entry in [*config["extra_css"], *config["extra_javascript"]]]


def own_assets(config: Any, files: Any) -> list[Any]:
    """The site's own stylesheets and scripts: the extra_css and extra_javascript entries that are files in
    docs/ (not addresses elsewhere) and not minified already (`*.min.css`, `*.min.js`)."""
    out = []
    for path in listed(config):
        file = files.get_file_from_path(path)
        if file is None:
            continue
        if path.endswith(tuple(MINIFIERS)) and not path.endswith((".min.css", ".min.js")):
            out.append(file)
    return out


def minify_assets(config: Any, files: Any) -> list[str]:
    """Give each of the site's own stylesheets and scripts its minified text, its BUNDLES parts joined to it, as
    its content, and take the parts out of the site; return the published paths. Every problem with BUNDLES (a
    part listed in mkdocs.yml on its own, a part missing from docs/) is reported at once, before anything changes."""
    from mkdocs.exceptions import PluginError

    paths = set(listed(config))
    problems = [f"mkdocs.yml lists {part}, which is published joined to {name} (macros/minify.py, BUNDLES), not on "
                "its own: take it out of extra_css or extra_javascript"
                for name, parts in BUNDLES.items() for part in parts if part in paths]
    own = [(file, [files.get_file_from_path(part) for part in BUNDLES.get(file.src_uri, ())])
           for file in own_assets(config, files)]
    problems += [f"docs/{part} is missing: {file.src_uri} is published with it joined (macros/minify.py, BUNDLES); "
                 "restore it, or take it out of BUNDLES"
                 for file, found in own for part, f in zip(BUNDLES.get(file.src_uri, ()), found) if f is None]
    if problems:
        raise PluginError("\n".join(problems))
    for file, parts in own:
        texts = {f.src_uri: f.content_string for f in [file, *parts]}
        file.content_string = minify(file.src_uri, joined(file.src_uri, lambda path: texts[path]))
        for part in parts:
            files.remove(part)
    return [file.src_uri for file, _ in own]
