"""Markdown to safe HTML, for every text that editors or members write.

Pure: text in, HTML out. Rendering happens when a text is saved, not when it is
read, so callers store ``RenderedMarkdown.html`` next to the source.
"""

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

INTERNAL_SCHEME = "doc:"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "kbd", "li", "ol", "p", "pre",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    # Pygments token classes on code; admonition classes are filtered below.
    "span": {"class"},
    "code": {"class"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "danger", "highlight"},
    "p": {"admonition-title"},
    "a": {"broken-link", "headerlink"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Python-Markdown marks stashed HTML with STX/ETX around "klzzwxh:N" or "wzxhzdk:N";
# such markers in the input (or left over by the converter) must never reach a page.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PLACEHOLDERS = re.compile(r"\x02?(?:klzzwxh|wzxhzdk):\d+\x03?")


@dataclass
class RenderedMarkdown:
    html: str
    toc: list = field(default_factory=list)  # [{"level": 2, "id": "...", "title": "..."}]

    @property
    def text(self):
        """Plain text, for search indexes and summaries."""
        return re.sub(r"\s+", " ", html.unescape(strip_tags(self.html))).strip()


class InternalLinks(Treeprocessor):
    """Turn ``[text](doc:section/page)`` into the page's URL, or mark it broken."""

    def __init__(self, md, resolve):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root):
        for link in root.iter("a"):
            href = link.get("href", "")
            if not href.startswith(INTERNAL_SCHEME):
                continue
            target, _, anchor = href[len(INTERNAL_SCHEME) :].partition("#")
            url = self.resolve(target.strip("/")) if self.resolve else None
            if url:
                link.set("href", f"{url}#{anchor}" if anchor else url)
            else:
                link.set("href", "#")
                link.set("class", "broken-link")
                link.set("title", f"{INTERNAL_SCHEME}{target}")


class InternalLinksExtension(Extension):
    def __init__(self, resolve):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):
        md.treeprocessors.register(InternalLinks(md, self.resolve), "internal_links", 5)


def heading_slug(value, separator):
    return slugify(value) or "section"


def _flatten_toc(tokens):
    for token in tokens:
        yield {"level": token["level"], "id": token["id"], "title": token["name"]}
        yield from _flatten_toc(token["children"])


def render_markdown(text, *, resolve_internal_link=None):
    """Render Markdown (tables, fenced code, admonitions, heading anchors) to safe HTML.

    ``resolve_internal_link(path)`` returns the URL of a ``doc:path`` link, or None.
    """
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "admonition",
            "sane_lists",
            "codehilite",
            "toc",
            InternalLinksExtension(resolve_internal_link),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "codehilite": {"css_class": "highlight", "guess_lang": False},
            "toc": {"slugify": heading_slug, "toc_depth": "2-4"},
        },
        output_format="html",
    )
    text = CONTROL_CHARACTERS.sub("", PLACEHOLDERS.sub("", text or ""))
    raw_html = converter.convert(text)
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        # A long line scrolls the block sideways: keyboard users must be able to reach it.
        set_tag_attribute_values={"pre": {"tabindex": "0"}},
        strip_comments=True,
    )
    toc = [
        {**entry, "title": PLACEHOLDERS.sub("", entry["title"])}
        for entry in _flatten_toc(converter.toc_tokens)
    ]
    return RenderedMarkdown(html=PLACEHOLDERS.sub("", clean), toc=toc)
