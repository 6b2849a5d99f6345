"""What the landing visitor keeps of a page: main content without menus, footers and cookie walls; forms."""

from __future__ import annotations

from auditor.collect.ads.landing_page import describe_landing
from auditor.html.content import main_text
from auditor.html.extract import parse_html


def _tree(body: str):
    return parse_html(f"<html><body>{body}</body></html>".encode(), "utf-8")


def test_main_element_without_nav_and_cookie_wall():
    tree = _tree("<header>Logo</header><main><nav>Op deze pagina</nav><h1>Warmtepompen</h1><p>Uitleg.</p>"
                 "<div class='cookie-banner'>Accepteer cookies</div><script>var x</script></main><footer>KvK</footer>")
    assert main_text(tree) == "Warmtepompen Uitleg."


def test_without_main_the_body_minus_header_footer_and_asides():
    tree = _tree("<header><a href='/'>Home</a></header><div id='content'><h1>Yoga</h1><p>Classes.</p></div>"
                 "<aside>Related</aside><footer>Bristol</footer>")
    assert main_text(tree) == "Yoga Classes."
    assert describe_landing(tree)["main_found_by"] == "body"


def test_forms_are_described_with_labels_and_required_fields():
    facts = describe_landing(_tree(
        "<main><h1>Proefrit</h1><form action='/p'><label for='n'>Naam *</label><input id='n' name='n' required>"
        "<label>E-mail <input name='e' type='email'></label><input type='hidden' name='t'>"
        "<button>Aanvragen</button></form></main><footer><form><input name='q'></form></footer>"))
    main_form, footer_form = facts["forms"]
    assert main_form["fields"] == [{"name": "n", "type": "text", "required": True, "label": "Naam"},
                                   {"name": "e", "type": "email", "required": False, "label": "E-mail"}]
    assert (main_form["in_main"], main_form["submit"], main_form["heading"]) == (True, "Aanvragen", "Proefrit")
    assert footer_form["in_main"] is False and footer_form["search"] is True
    assert facts["main_words_outside_forms"] == 1
