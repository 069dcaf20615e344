"""Markdown to safe HTML, for every text that editors or members write.

Pure: text in, HTML out. Rendering happens when a text is saved, not when it is
read, so callers store ``RenderedMarkdown.html`` next to the source.
"""

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

INTERNAL_SCHEME = "doc:"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "kbd", "li", "ol", "p", "pre",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "aria-label"},
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
    "div": {"admonition", "note", "tip", "warning", "danger", "highlight", "heading"},
    "p": {"admonition-title"},
    "a": {"broken-link", "headerlink"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Python-Markdown marks stashed HTML with STX/ETX around "klzzwxh:N" or "wzxhzdk:N";
# such markers in the input (or left over by the converter) must never reach a page.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PLACEHOLDERS = re.compile(r"\x02?(?:klzzwxh|wzxhzdk):\d+\x03?")
HEADINGS = {f"h{level}" for level in range(1, 7)}
BREAKS_INSIDE_WORDS = re.compile(r"[-/]")
SPACES = re.compile(r"( +)")
# About the width of a phone's text column in code type: a longer word may break.
LONGEST_WHOLE_CODE_WORD = 32
# Ids the page around a text already uses (templates/base.html, kb/docs/page.html):
# a heading whose slug is one of them takes another, so that links reach the heading.
PAGE_IDS = {"main", "page-title", "toc-title"}


@dataclass
class RenderedMarkdown:
    html: str
    toc: list = field(default_factory=list)  # [{"level": 2, "id": "...", "title": "..."}]

    @property
    def text(self):
        """Plain text, for search indexes and their passages (``html_text``)."""
        return html_text(self.html)


# The end of a block that search passages mark with " · " (a heading, a list item, a
# table cell…), so that "What you need · To be part of…" does not read as one sentence.
BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|dt|dd|th|td|pre|blockquote|caption|figcaption)>", re.I)
LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
TAG = re.compile(r"<[^>]*>")
# Runs of ASCII white space only: the no-break spaces of French typography stay, so a
# search passage never starts a line with ":" or "?".
ASCII_SPACES = re.compile(r"[ \t\n\r\f\v]+")
SENTENCE_END = tuple(".:;!?…")


def html_text(fragment):
    """The plain text of an HTML fragment, blocks that do not end a sentence followed by
    " · "; inline tags (code, links, emphasis) go without a trace."""
    text = ""
    for block in BLOCK_END.split(LINE_BREAK.sub(" ", fragment)):
        words = ASCII_SPACES.sub(" ", html.unescape(TAG.sub("", block))).strip()
        if words:
            text += ("" if not text else " " if text.endswith(SENTENCE_END) else " · ") + words
    return text


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


class HeadingPermalinks(Treeprocessor):
    """Follow each heading with a link to itself, for readers to share a section.

    The heading and its link share a ``div.heading``: a link inside the heading would
    add its name to the heading's, which screen readers list.
    """

    def __init__(self, md, label):
        super().__init__(md)
        self.label = label

    def run(self, root):
        for parent in list(root.iter()):
            for index, heading in enumerate(list(parent)):
                if heading.tag not in HEADINGS or not heading.get("id"):
                    continue
                title = " ".join(PLACEHOLDERS.sub("", "".join(heading.itertext())).split())
                wrapper = etree.Element("div", {"class": "heading"})
                wrapper.tail, heading.tail = heading.tail, None
                wrapper.append(heading)
                link = etree.SubElement(wrapper, "a", {"class": "headerlink"})
                link.set("href", f"#{heading.get('id')}")
                link.set("aria-label", self.label % {"title": title})
                parent[index] = wrapper


class HeadingPermalinksExtension(Extension):
    def __init__(self, label):
        super().__init__()
        self.label = label

    def extendMarkdown(self, md):
        # After the table of contents (priority 5), which gives the headings their ids.
        md.treeprocessors.register(HeadingPermalinks(md, self.label), "heading_permalinks", 4)


class WholeCodeWords(Treeprocessor):
    """Inline code breaks only between its words: a phone cut ``srun --gres=gpu:1`` after
    its first hyphen, and "srun -" over "-gres" reads as another command.

    Each word of an inline code with a hyphen or a slash becomes a ``span.code-word``
    (kept on one line by site.css), unless it is longer than a phone's line; the text,
    as read and as copied, is unchanged.
    """

    def run(self, root):
        for parent in root.iter():
            if parent.tag == "pre":
                continue  # code blocks keep their lines
            for code in parent.findall("code"):
                if len(code) or not BREAKS_INSIDE_WORDS.search(code.text or ""):
                    continue
                words, code.text = SPACES.split(code.text), None
                # split() with a group: words at even places, the spaces between at odd.
                for word, space in zip(words[::2], [*words[1::2], ""], strict=True):
                    if len(word) > LONGEST_WHOLE_CODE_WORD:  # may break, rather than overflow
                        last = code[-1] if len(code) else None
                        if last is None:
                            code.text = AtomicString((code.text or "") + word + space)
                        else:
                            last.tail = AtomicString((last.tail or "") + word + space)
                        continue
                    span = etree.SubElement(code, "span", {"class": "code-word"})
                    span.text, span.tail = AtomicString(word), space or None


class WholeCodeWordsExtension(Extension):
    def extendMarkdown(self, md):
        # After the table of contents (5), whose entries take the headings' text.
        md.treeprocessors.register(WholeCodeWords(md), "whole_code_words", 3)


class FrenchSpacing(Treeprocessor):
    """French text: a narrow no-break space before ``: ; ? !`` and a no-break space
    inside « », where the writer typed a plain one, so a line never starts with the sign.

    Code (inline or block) keeps its spaces: ``a ? b`` there is what is to be typed.
    """

    def run(self, root):
        self._space(root)

    def _space(self, element):
        if element.tag in ("code", "pre", "kbd"):
            return  # its tail is prose again: the parent spaces it
        element.text = _french_spaces(element.text)
        for child in element:
            self._space(child)
            child.tail = _french_spaces(child.tail)


FRENCH_SPACES = (
    (re.compile(r"[ \u00a0]+(?=[:;?!](?:\s|$))"), "\u202f"),
    (re.compile(r"«[ \u00a0]+"), "«\u00a0"),
    (re.compile(r"[ \u00a0]+»"), "\u00a0»"),
)


def _french_spaces(text):
    if not text:
        return text
    spaced = text
    for pattern, space in FRENCH_SPACES:
        spaced = pattern.sub(space, spaced)
    return AtomicString(spaced) if isinstance(text, AtomicString) else spaced


class FrenchSpacingExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(FrenchSpacing(md), "french_spacing", 2)


def heading_slug(value, separator):
    slug = slugify(value) or "section"
    return f"{slug}-section" if slug in PAGE_IDS else slug


def _flatten_toc(tokens):
    for token in tokens:
        yield {"level": token["level"], "id": token["id"], "title": token["name"]}
        yield from _flatten_toc(token["children"])


def render_markdown(text, *, resolve_internal_link=None, permalink_label=None, language=None):
    """Render Markdown (tables, fenced code, admonitions, heading anchors) to safe HTML.

    ``resolve_internal_link(path)`` returns the URL of a ``doc:path`` link, or None.
    ``permalink_label`` (``"Link to this section: %(title)s"``, translated) gives every
    heading a link to itself, named with it; without it headings have ids only.
    ``language="fr"`` spaces French punctuation (``FrenchSpacing``).
    """
    extensions = [
        "tables",
        "fenced_code",
        "admonition",
        "sane_lists",
        "codehilite",
        "toc",
        InternalLinksExtension(resolve_internal_link),
        WholeCodeWordsExtension(),
    ]
    if permalink_label:
        extensions.append(HeadingPermalinksExtension(permalink_label))
    if language == "fr":
        extensions.append(FrenchSpacingExtension())
    converter = markdown.Markdown(
        extensions=extensions,
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
