"""The one main-content finder (``auditor.html.content``), as every reader of page regions uses it."""

from __future__ import annotations

from lxml import html

from auditor.html.content import main_element, main_landmark, main_text, region
from auditor.html.lines import content_root


def _tree(body: str):
    return html.document_fromstring(f"<html><body>{body}</body></html>")


def test_regions_by_tag_and_by_role():
    tree = _tree("<header>a</header><div role='Navigation'>b</div><div role='contentinfo'>c</div>"
                 "<aside>d</aside><div role='main'>e</div><div>f</div>")
    assert [region(el) for el in tree.find("body")] == ["header", "nav", "footer", "aside", "main", None]


def test_main_before_role_main_before_one_article_before_body():
    assert main_element(_tree("<div role='main'>x</div><main>y</main>"))[1] == "main"
    assert main_element(_tree("<div role='main'>x</div><article>y</article>"))[1] == "role=main"
    assert main_element(_tree("<article>x</article>"))[1] == "article"
    assert main_element(_tree("<article>x</article><article>y</article>"))[1] == "body"
    assert main_landmark(_tree("<article>x</article>")) is None


def test_main_text_leaves_out_chrome_hidden_text_and_cookie_walls():
    body = ("<header>Menu</header><nav>Home</nav><p>Eigen tekst.</p><footer>Adres</footer>"
            "<div id='cookie-bar'>Accepteer</div><p hidden>Verborgen</p><script>x=1</script>")
    assert main_text(_tree(body)) == "Eigen tekst."
    assert main_text(_tree("<main><nav>Home</nav><p>In main.</p></main><p>Daarbuiten.</p>")) == "In main."


def test_freshness_falls_back_to_the_same_main_landmark():
    tree = _tree("<nav>x</nav><div role='main'><p>Nieuws</p></div>")
    assert content_root(tree)[0] is main_landmark(tree)
