"""What text the spelling checks see: blocks, spans that are never errors, languages."""

from __future__ import annotations

import pytest

from auditor.collect.language.context import name_reason
from auditor.collect.language.detect import detect, primary
from auditor.collect.language.names import SiteNames
from auditor.collect.language.pipeline import lang_tag, sentence_around
from auditor.collect.language.text import MAX_BLOCK_CHARS, Block, ignored_spans, page_blocks
from auditor.testing import make_page

HTML = """<html lang="nl"><head><title>Onze diensten | Groenhuis</title>
<meta name="description" content="Alles over warmtepompen."></head>
<body><header><nav><ul><li>Home</li><li>Contact</li></ul></nav></header>
<main><h1>Welkom</h1><p>Een <b>hybride</b> warmtepomp<br>bespaart gas.</p>
<img src="a.jpg" alt="Een woonhuis"><p>Tekst <code>foo_bar()</code> na code.</p>
<script>var fout = "geen tekst";</script><style>p {}</style><p hidden>Verborgen</p>
<div style="display: none">Ook verborgen</div><span aria-hidden="true">icoon_pijl</span>
<blockquote lang="en">A quote in English.</blockquote><button>Bestel nu</button>
<input type="submit" value="Verstuur"><textarea>invoer</textarea><pre>code blok</pre></main>
<footer><p>Alle rechten voorbehouden.</p></footer></body></html>"""


def test_blocks_are_what_a_visitor_reads_in_document_order():
    blocks = page_blocks(make_page("https://ex.nl/", HTML))
    assert [(b.where, b.element, b.text) for b in blocks] == [
        ("title", "title", "Onze diensten | Groenhuis"),
        ("description", "meta description", "Alles over warmtepompen."),
        ("text", "nav li", "Home"),
        ("text", "nav li", "Contact"),
        ("heading", "main h1", "Welkom"),
        ("text", "main p", "Een hybride warmtepomp"),
        ("text", "main p", "bespaart gas."),
        ("alt", "main img alt", "Een woonhuis"),
        ("text", "main p", "Tekst na code."),
        ("text", "main blockquote", "A quote in English."),
        ("button", "main button", "Bestel nu"),
        ("button", "main input button", "Verstuur"),
        ("text", "footer p", "Alle rechten voorbehouden."),
    ]
    assert [b.lang for b in blocks if b.lang] == ["en"]


def test_sizes_are_capped():
    page = make_page("https://ex.nl/", "<p>" + "woord " * 2000 + "</p>" + "<p>ja nee</p>" * 3000)
    blocks = page_blocks(page)
    assert max(len(b.text) for b in blocks) <= MAX_BLOCK_CHARS
    assert len(blocks) <= 1500


def test_a_deeply_nested_page_is_walked_without_recursion():
    page = make_page("https://ex.nl/", "<div>" * 200 + "diep genest" + "</div>" * 200)
    assert [b.text for b in page_blocks(page)] == ["diep genest"]


@pytest.mark.parametrize("text", [
    "https://www.groenhuis.nl/diensten", "www.groenhuis.nl", "groenhuis-installatie.nl/contact",
    "info@groenhuis-installatie.nl", "030-123 45 67", "+31 30 123 4567", "#warmtepomp", "@groenhuis_nl",
    "brochure.pdf", "foo_bar", "config=1", "Привет", "日本語",
])
def test_addresses_numbers_handles_code_and_other_scripts_are_ignored(text):
    sentence = f"Zie {text} voor meer."
    spans = ignored_spans(sentence)
    assert any(sentence[s:e] == text for s, e in spans), spans


def test_ordinary_words_are_not_ignored():
    assert ignored_spans("Het jaarlijkse onderhoud van uw cv-ketel, e-mail en collega's.") == []


@pytest.mark.parametrize(("text", "lang"), [
    ("Wij installeren warmtepompen en zonnepanelen in de regio Utrecht voor u.", "nl"),
    ("We install heat pumps and solar panels for homes in the area, and we are here to help.", "en"),
    ("Wir installieren Wärmepumpen und Solaranlagen für Sie, und das ist nicht teuer.", "de"),
    ("Contact", None),
])
def test_detect(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize(("tag", "expected"), [
    ("nl", "nl"), ("nl-NL", "nl"), ("nl-BE", "nl-BE"), ("en", "en-US"), ("en-GB", "en-GB"), ("en_us", "en-US"),
    ("de-DE", "de"), ("", None), (None, None), ("x!", None)])
def test_language_tags(tag, expected):
    assert lang_tag(tag) == expected
    assert primary(tag) == (expected.split("-")[0] if expected else None)


def test_sentence_around_a_word():
    text = "Eerste zin. Het jaarlijkse onderhoudt van uw ketel. Derde zin!"
    start = text.index("onderhoudt")
    assert sentence_around(text, start, len("onderhoudt")) == "Het jaarlijkse onderhoudt van uw ketel."


def test_site_names_from_meta_json_ld_titles_domain_and_profiles():
    html = """<html><head><title>Diensten | Groenhuis</title><meta property="og:site_name" content="Groenhuis">
    <script type="application/ld+json">{"@type": "HVACBusiness", "name": "Groenhuis B.V.",
      "address": {"@type": "PostalAddress", "streetAddress": "Atoomweg 52", "addressLocality": "Utrecht"}}</script>
    </head><body><a href="https://www.instagram.com/groenhuis_installatie/">i</a>
    <a href="https://www.facebook.com/sharer/sharer.php?u=x">share</a>
    <a href="https://www.linkedin.com/company/groenhuis-installatietechniek">li</a></body></html>"""
    names = SiteNames("https://www.groenhuis-installatie.nl/")
    for path in ("a", "b", "c"):
        names.add(make_page(f"https://www.groenhuis-installatie.nl/{path}", html))
    result = names.result()
    assert {"Groenhuis", "Groenhuis B.V.", "Atoomweg 52", "Utrecht"} <= set(result["names"])
    assert "Diensten" not in result["names"]  # the site states its name: titles are not needed
    untitled = SiteNames("https://ex.nl/")
    for path in ("a", "b", "c"):
        untitled.add(make_page(f"https://ex.nl/{path}", f"<title>Pagina {path} | Bakkerij Zoet</title>"))
    assert untitled.result()["names"] == ["Bakkerij Zoet"]  # the title part every page ends with
    assert result["handles"] == ["groenhuis-installatietechniek", "groenhuis_installatie"]
    assert result["domains"] == ["groenhuis-installatie"]


def test_layout_boundaries_as_a_browser_draws_them():
    html = """<html lang="nl"><body><main>
    <p><span style="display:inline-block;width:90px">wanneer:</span>zaterdag<br>
    <span style="DISPLAY: inline-flex">waar:</span>Filmhuis</p>
    <div style="display:flex"><span>een</span><span style="display: block">twee</span></div>
    <table><tr><td>Wicked</td><td>zaal 2</td></tr></table><p>Een <b>vet</b>woord blijft één woord.</p>
    </main></body></html>"""
    texts = [b.text for b in page_blocks(make_page("https://ex.nl/", html))]
    assert texts == ["wanneer: zaterdag", "waar: Filmhuis", "een", "twee", "Wicked", "zaal 2",
                     "Een vetwoord blijft één woord."]


def test_names_and_titles_are_marked_on_their_block():
    html = """<html lang="nl"><body><p>Na jaren draait <em>Aquaman and the Lost Kingdom</em> in de
    zalen; lees <a href="https://www.imdb.com/x">Wonka Behind the Scenes</a>, <a href="/intern">ons stuk</a>,
    <cite>Gojira</cite> en <q>een zeereis</q>.</p><p>Een \ue000vervalst\ue001 teken.</p></body></html>"""
    blocks = page_blocks(make_page("https://www.filmkrant.nl/", html))
    marked = [(blocks[0].text[s:e], kind) for s, e, kind in blocks[0].marks]
    assert marked == [("Aquaman and the Lost Kingdom", "italic"), ("Wonka Behind the Scenes", "link"),
                      ("Gojira", "title"), ("een zeereis", "quote")]
    assert blocks[1].text == "Een vervalst teken." and blocks[1].marks == ()  # a page cannot forge marks
    assert Block.from_list(blocks[0].as_list()) == blocks[0]
    assert Block.from_list(["oud record", "text", "main p", None]) == Block("oud record", "text", "main p")


@pytest.mark.parametrize("token", ["micro:bit", "display.scroll", "/home/pi/projecten", "score_speler1",
                                   "button_a.is_pressed", "~/public_html", "12:00"])
def test_tokens_joined_inside_a_word_are_left_alone(token):
    sentence = f"Gebruik {token} in de les."
    assert any(sentence[s:e].startswith(token.lstrip("~")) or sentence[s:e] == token
               for s, e in ignored_spans(sentence)), ignored_spans(sentence)


@pytest.mark.parametrize(("text", "word", "reason"), [
    ("Na jaren draait Aquaman and the Lost Kingdom vanaf woensdag.", "and", "capitalised run"),
    ("Kōji Yakusho won in Cannes de prijs.", "Kōji", "capitalised run"),
    ("Leer programmeren in Thonny op zaterdag.", "Thonny", "capitalised mid-sentence"),
    ('De recensent noemt het “een vermakelijke maar rommelige zeereis” vandaag.', "vermakelijke maar", "quoted"),
    ("Het is een verassend persoonlijke film.", "verassend", None),
    ("Vrijwiligers zijn welkom. Ook jij!", "Vrijwiligers", None),
    ("wanneer: Zaterdag om tien uur", "Zaterdag", None),
])
def test_what_reads_as_a_name(text, word, reason):
    start = text.index(word)
    assert name_reason(text, start, start + len(word)) == reason
