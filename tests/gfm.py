"""Render Markdown as github.com does, and read back what a reader would see.

cmark-gfm (GitHub's fork, through the ``cmarkgfm`` bindings) turns the Markdown into
HTML with GitHub's extensions (tables, autolinks, strikethrough, tag filter). GitHub
then links ``@mentions``, ``#123`` references and commit SHAs in text that is not
inside ``code``/``pre``/``a`` (github/markup#1168, github/cmark-gfm#181: a backslash
does not stop it); :attr:`Page.bare_text` is that text, where nothing SBOM-provided
may look like one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


def to_html(markdown: str) -> str:
    # UNSAFE keeps raw HTML as GitHub's sanitiser then sees it (<details> survives there).
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@dataclass
class Page:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the text of each code span
    bare_text: list[str] = field(default_factory=list)  # text outside code and links
    text: list[str] = field(default_factory=list)  # all text, in order
    tables: list[list[int]] = field(default_factory=list)  # per table, cells in each row

    def hrefs(self) -> list[str]:
        return [a.get("href") or "" for t, a in self.tags if t == "a"]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._code: list[str] | None = None
        self._in_a = 0
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, dict(attrs)))
        if tag == "code":
            self._code = []
        elif tag == "a":
            self._in_a += 1
        elif tag == "table":
            self.page.tables.append([])
        elif tag == "tr":
            self._cells = 0
        elif tag in ("td", "th"):
            self._cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._code is not None:
            self.page.codes.append("".join(self._code))
            self._code = None
        elif tag == "a":
            self._in_a -= 1
        elif tag == "tr" and self.page.tables:
            self.page.tables[-1].append(self._cells)

    def handle_data(self, data: str) -> None:
        self.page.text.append(data)
        if self._code is not None:
            self._code.append(data)
        elif not self._in_a:
            self.page.bare_text.append(data)


def read(markdown: str) -> Page:
    reader = _Reader()
    reader.feed(to_html(markdown))
    reader.close()
    return reader.page
