"""Markdown rendering: features editors use, and nothing dangerous gets through."""

from html.parser import HTMLParser

import pytest

from kb.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onmouseover="alert(1)">x</p>',
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '![x](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
]
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "meta", "base",
                  "style", "link", "svg", "math", "details"}  # fmt: skip


class DangerFinder(HTMLParser):
    """Collect what a browser would execute or load: tags, event handlers, URL schemes."""

    def __init__(self):
        super().__init__()
        self.dangers = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.dangers.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.dangers.append(name)
            if name in {"href", "src"} and value:
                scheme = value.strip().lower().split(":", 1)[0]
                if ":" in value and scheme not in {"http", "https", "mailto"}:
                    self.dangers.append(value)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_sanitises_xss_payload(payload):
    finder = DangerFinder()
    finder.feed(render_markdown(f"Texte\n\n{payload}\n\nsuite").html)
    assert finder.dangers == []


@pytest.mark.parametrize("payload", [*XSS_PAYLOADS, 'a" onmouseover="alert(1)'])
def test_markdown_heading_links_carry_no_payload(payload):
    finder = DangerFinder()
    finder.feed(render_markdown(f"## {payload}\n\nsuite", permalink_label="Lien : %(title)s").html)
    assert finder.dangers == []


def test_markdown_tables_use_align_attributes_not_styles():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |").html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_markdown_code_is_highlighted_on_the_server():
    html = render_markdown("```bash\nsrun --gres=gpu:1 --pty bash\n```").html
    assert '<div class="highlight"><pre tabindex="0">' in html
    assert '<span class="o">=</span>' in html


def test_markdown_code_blocks_can_be_reached_with_the_keyboard():
    html = render_markdown("```bash\nsrun --gres=gpu:1 --x11 --pty bash\n```").html
    assert '<pre tabindex="0">' in html
    assert 'tabindex="0"' not in render_markdown("<pre tabindex='5'>x</pre>").html.replace(
        '<pre tabindex="0">', ""
    )


def test_markdown_admonitions_keep_their_kind():
    html = render_markdown('!!! danger "Pas de sauvegarde"\n    Rien n’est sauvegardé.').html
    assert '<div class="admonition danger">' in html
    assert '<p class="admonition-title">Pas de sauvegarde</p>' in html


def test_markdown_unknown_classes_are_dropped():
    html = render_markdown('<div class="skip-link admonition">x</div>').html
    assert 'class="admonition"' in html
    assert "skip-link" not in html


def test_markdown_headings_get_anchors_and_a_table_of_contents():
    rendered = render_markdown("## Accès au cluster\n\ntexte\n\n### Clé SSH\n")
    assert '<h2 id="acces-au-cluster">' in rendered.html
    assert rendered.toc == [
        {"level": 2, "id": "acces-au-cluster", "title": "Accès au cluster"},
        {"level": 3, "id": "cle-ssh", "title": "Clé SSH"},
    ]


def test_markdown_headings_link_to_themselves_when_asked():
    html = render_markdown(
        "## Clé `ssh`\n\ntexte\n\n> #### Dans une citation\n",
        permalink_label="Lien vers « %(title)s »",
    ).html
    assert html.startswith(
        '<div class="heading"><h2 id="cle-ssh">Clé <code>ssh</code></h2>'
        '<a aria-label="Lien vers « Clé ssh »" class="headerlink" href="#cle-ssh"'
    )
    assert "<p>texte</p>" in html
    assert '<blockquote>\n<div class="heading"><h4 id="dans-une-citation">' in html
    assert 'href="#dans-une-citation"' in html


def test_markdown_headings_have_no_links_by_default():
    html = render_markdown("## Programme\n").html
    assert html == '<h2 id="programme">Programme</h2>'


def test_markdown_heading_ids_are_unique_and_leave_the_page_its_own():
    rendered = render_markdown("# Main\n\n## Main\n\n## Page title\n\n## Étapes\n\n## Etapes\n")
    assert [entry["id"] for entry in rendered.toc] == [
        "main-section_1",
        "page-title-section",
        "etapes",
        "etapes_1",
    ]
    assert '<h1 id="main-section">' in rendered.html


def test_markdown_internal_links_resolve_or_show_as_broken():
    urls = {"cluster/acces": "/docs/cluster/acces/"}
    html = render_markdown(
        "[accès](doc:cluster/acces#cle) et [perdu](doc:nulle-part)",
        resolve_internal_link=urls.get,
    ).html
    assert 'href="/docs/cluster/acces/#cle"' in html
    assert 'class="broken-link"' in html
    assert 'title="doc:nulle-part"' in html


def test_markdown_plain_text_for_search():
    assert render_markdown("## Titre\n\nUn **mot** <b>gras</b>.").text == "Titre · Un mot gras."


def test_plain_text_marks_block_ends_and_keeps_inline_words_whole():
    source = (
        "Lancez `nvidia-smi`: la [carte](https://example.org) (**GPU-Util**).\n\n"
        "## À faire\n\n- un\n- deux\n\n| Carte | Mémoire |\n|---|---|\n| RTX | 11 Go |\n\n"
        "Fin &lt;p&gt;"
    )
    assert render_markdown(source).text == (
        "Lancez nvidia-smi: la carte (GPU-Util). À faire · un · deux · "
        "Carte · Mémoire · RTX · 11 Go · Fin <p>"
    )


def test_plain_text_keeps_french_no_break_spaces():
    text = render_markdown("Se connecter : `ssh`\n\n- Pourquoi ?", language="fr").text
    assert text == "Se connecter\u202f: ssh · Pourquoi\u202f?"


def test_markdown_empty_text():
    rendered = render_markdown("")
    assert rendered.html == ""
    assert rendered.toc == []


def test_inline_code_words_with_a_hyphen_or_slash_are_kept_whole():
    source = (
        "Run `srun --gres=gpu:1 --pty bash` then `ls`, `module load cuda/10.0`.\n\n    a-b c-d\n"
    )
    html = render_markdown(source).html
    assert (
        '<code><span class="code-word">srun</span> <span class="code-word">--gres=gpu:1</span> '
        '<span class="code-word">--pty</span> <span class="code-word">bash</span></code>'
    ) in html
    assert "<code>ls</code>" in html  # nothing to break inside
    assert '<span class="code-word">cuda/10.0</span>' in html
    assert "<code>a-b c-d\n</code></pre>" in html  # blocks keep their lines
    # What readers read and copy is the same text.
    assert render_markdown(source).text.startswith("Run srun --gres=gpu:1 --pty bash then ls,")


def test_an_inline_code_word_longer_than_a_phone_line_may_still_break():
    long_word = "https://example.org/" + "a" * 40
    html = render_markdown(f"`see {long_word} here-now`").html
    assert (
        f'<span class="code-word">see</span> {long_word} <span class="code-word">here-now' in html
    )


def test_french_text_gets_its_no_break_spaces_but_code_and_english_do_not():
    source = "Se connecter : `ssh -X hal` ; vraiment ? « oui » !\n\n    a ? b : c\n"
    french = render_markdown(source, language="fr").html
    assert "Se connecter\u202f: <code>" in french
    assert "</code>\u202f; vraiment\u202f? «&nbsp;oui&nbsp;»\u202f!" in french
    assert "<code>a ? b : c\n</code>" in french  # what is to be typed stays as written
    assert "Se connecter : <code>" in render_markdown(source, language="en").html
    assert "Se connecter : <code>" in render_markdown(source).html
