"""A tiny reader of the report's HTML (standard library), for the report tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Dom:
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    tables: dict[str, dict] = field(default_factory=dict)  # id -> {"head", "rows", "keys"}
    figures: list[dict] = field(default_factory=list)  # {"id", "src", "caption"}
    scripts: list[str] = field(default_factory=list)
    title: str = ""
    h1: str = ""
    body_attrs: dict[str, str] = field(default_factory=dict)

    def attr_values(self, name: str) -> list[str]:
        return [a[name] for _, a in self.tags if name in a]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dom = Dom()
        self._table = None
        self._row = None
        self._cell = None
        self._in_head = False
        self._figure = None
        self._text_target = None
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.dom.tags.append((tag, a))
        if tag == "body":
            self.dom.body_attrs = a
        elif tag == "table":
            self._table = {"head": [], "rows": [], "keys": []}
            self.dom.tables[a.get("id", f"table{len(self.dom.tables)}")] = self._table
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr" and self._table is not None:
            self._row = []
            if not self._in_head:
                self._table["keys"].append(a.get("data-key"))
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "figure":
            self._figure = {"id": a.get("id"), "src": None, "caption": ""}
            self.dom.figures.append(self._figure)
        elif tag == "img" and self._figure is not None:
            self._figure["src"] = a.get("src")
            self._figure["data-figure"] = a.get("data-figure")
        elif tag == "figcaption":
            self._text_target = "caption"
        elif tag in ("title", "h1"):
            self._text_target = tag
        elif tag == "script":
            self._script = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self._table["head"] if self._in_head else self._table["rows"]).append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None
        elif tag in ("figcaption", "title", "h1"):
            self._text_target = None
        elif tag == "script":
            self.dom.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script is not None:
            self._script.append(data)
        if self._text_target == "caption" and self._figure is not None:
            self._figure["caption"] += data
        elif self._text_target == "title":
            self.dom.title += data
        elif self._text_target == "h1":
            self.dom.h1 += data


def read(text: str) -> Dom:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.dom
