"""The example plugin's own tests: hand-built pages with auditor.testing."""

from tpa_nl_business.checks import KvkNumberMissing, PrivacyLinkMissing

from auditor.testing import make_page, run_check

FOOTER = '<footer>Groenhuis B.V. · KvK 12345678 · <a href="/privacy">Privacyverklaring</a></footer>'


def test_footer_with_both_passes():
    pages = [make_page("https://ex.nl/", f"<p>Welkom</p>{FOOTER}")]
    assert run_check(KvkNumberMissing, pages).findings == []
    assert run_check(PrivacyLinkMissing, pages).findings == []


def test_missing_footer_is_one_finding_listing_every_page():
    pages = [make_page(f"https://ex.nl/{p}", "<p>Welkom</p>") for p in ("", "a", "b")]
    [kvk] = run_check(KvkNumberMissing, pages).findings
    assert kvk.occurrences == 3
    [privacy] = run_check(PrivacyLinkMissing, pages).findings
    assert {loc.url for loc in privacy.locations} == {"https://ex.nl/", "https://ex.nl/a", "https://ex.nl/b"}


def test_kvk_number_forms():
    for text in ("KvK-nummer: 1234 5678", "Kamer van Koophandel 12345678", "CoC 12.34.56.78"):
        assert run_check(KvkNumberMissing, [make_page("https://ex.nl/", f"<p>{text}</p>")]).findings == []


def test_link_words_option():
    page = make_page("https://ex.nl/", '<a href="/gegevens">Uw gegevens</a>')
    assert run_check(PrivacyLinkMissing, [page]).findings
    assert run_check(PrivacyLinkMissing, [page], options={"link_words": ["gegevens"]}).findings == []
