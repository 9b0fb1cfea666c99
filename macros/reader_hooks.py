"""MkDocs hooks for the reader: abbreviations marked once per section, search ranking, and the site's own CSS and
JavaScript published minified (macros/minify.py).

Search: the theme pages are what a reader typing "docking" or "CSTO" is looking for, so their
sections weigh more in Material's search (its per-page `search.boost`, read from the page's meta);
reference pages (glossary, timeline, sources) stay in the index and rank after them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros.minify import minify_assets  # noqa: E402
from macros.reader import abbreviations_at_first_use, is_theme_page  # noqa: E402

#: Search weight of a theme page's sections, and of a theme's overview (the index page of its nav section, which
#: a search for the theme's name should open first); other pages keep Material's default of 1.
THEME_BOOST = 3
OVERVIEW_BOOST = 4


def on_files(files: Any, config: Any) -> Any:
    """docs/assets' stylesheets and scripts stay readable; the site publishes them minified."""
    minify_assets(config, files)
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if is_theme_page(page):
        search = page.meta.setdefault("search", {})
        if isinstance(search, dict):
            search.setdefault("boost", OVERVIEW_BOOST if page.file.name == "index" else THEME_BOOST)
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return abbreviations_at_first_use(html)
