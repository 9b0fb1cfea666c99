"""The site's own stylesheets and scripts, published minified.

docs/assets/sco.css, sco-reader.css, sco.js and sco-reader.js are written to be read and stay so; what the
site publishes is their minified text. The hook (reader_hooks.on_files) gives MkDocs the minified text as
each file's content before anything is written, so MkDocs writes it in place of a copy of the source: the
build writes nothing twice, the atomic build (sitebuild.py) publishes the minified files with the rest of
the site or not at all, and `make offline` and `mkdocs serve` publish the same files as `make build`. The
pages link them at the same addresses, so nothing else changes.

rcssmin and rjsmin remove comments and the whitespace CSS and JavaScript do not need, and nothing else:
no renaming, no rewriting of values or selectors. Their output is deterministic (their C and pure-Python
versions give the same bytes), so two builds stay byte-identical.
"""

from __future__ import annotations

from typing import Any

import rcssmin
import rjsmin

#: File types minified, by suffix.
MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def minify(name: str, text: str) -> str:
    """`text` of the file `name` (.css or .js) minified; other files unchanged."""
    suffix = name[name.rfind("."):] if "." in name else ""
    minifier = MINIFIERS.get(suffix)
    return text if minifier is None else minifier(text)


def own_assets(config: Any, files: Any) -> list[Any]:
    """The site's own stylesheets and scripts: the extra_css and extra_javascript entries that are files in
    docs/ (not addresses elsewhere) and not minified already (`*.min.css`, `*.min.js`)."""
    out = []
    for entry in [*config["extra_css"], *config["extra_javascript"]]:
        path = str(getattr(entry, "path", entry))  # extra_javascript entries are objects with a path
        file = files.get_file_from_path(path)
        if file is None:
            continue
        if path.endswith(tuple(MINIFIERS)) and not path.endswith((".min.css", ".min.js")):
            out.append(file)
    return out


def minify_assets(config: Any, files: Any) -> list[str]:
    """Give each of the site's own stylesheets and scripts its minified text as its content; return their paths."""
    done = []
    for file in own_assets(config, files):
        file.content_string = minify(file.src_uri, file.content_string)
        done.append(file.src_uri)
    return done
