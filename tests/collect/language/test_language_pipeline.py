"""Text to issues without LanguageTool: de-duplication, per-block language, the cache,
the Hunspell engine and its Dutch compounds, settings. LanguageTool itself is tested
against a real server in test_language_languagetool.py."""

from __future__ import annotations

import pytest

from auditor.collect.language.cache import MatchCache
from auditor.collect.language.collector import LanguageCollector, LanguageSettings
from auditor.collect.language.engines import HunspellEngine, Lexicon, RawMatch, one_edit
from auditor.collect.language.pipeline import TextChecker
from auditor.collect.language.server import find_jars, jar_version
from auditor.errors import ConfigError
from auditor.testing import make_page

FOOTER = "<footer><p>Alle rechten voorbehoudem.</p></footer>"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(["nl", "en-US", "en-GB"])


class Counting(HunspellEngine):
    """The real Hunspell engine, counting the texts it is given."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon)
        self.texts: list[str] = []

    def check_many(self, lang, texts):
        self.texts.extend(texts)
        return super().check_many(lang, texts)


def page(path: str, body: str, lang: str | None = "nl") -> object:
    attr = f' lang="{lang}"' if lang else ""
    return make_page(f"https://ex.nl/{path}", f"<html{attr}><body><main>{body}</main>{FOOTER}</body></html>")


def checker(engine, tmp_path, **kw) -> TextChecker:
    return TextChecker(engine, MatchCache(tmp_path / "cache.sqlite"), max_locations=100, **kw)


def issues_by_word(result) -> dict[str, dict]:
    return {i["text"]: i for i in result["issues"]}


def test_template_text_is_checked_once_and_lists_every_page(lexicon, tmp_path):
    engine = Counting(lexicon)
    tc = checker(engine, tmp_path)
    for i in range(30):
        tc.add_page(page(f"p{i}", f"<p>Pagina nummer {i} over warmtepompen.</p>"))
    result = tc.finish()
    assert engine.texts.count("Alle rechten voorbehoudem.") == 1
    footer = issues_by_word(result)["voorbehoudem"]
    assert footer["occurrences"] == 30 and len(footer["pages"]) == 30 and footer["where"] == "text"
    assert footer["element"] == "footer p" and footer["suggestions"][0] == "voorbehouden"
    assert result["stats"]["blocks"] == 60 and result["stats"]["blocks_unique"] == 31


def test_a_second_run_is_served_from_the_cache(lexicon, tmp_path):
    pages = [page("a", "<p>Een gratiss adviesgesprek.</p>"), page("b", "<p>Wij zijn betrouwbaar.</p>")]
    first = Counting(lexicon)
    tc = checker(first, tmp_path)
    for p in pages:
        tc.add_page(p)
    one = tc.finish()
    second = Counting(lexicon)
    tc = checker(second, tmp_path)
    for p in pages:
        tc.add_page(p)
    two = tc.finish()
    assert first.texts and second.texts == []
    assert two["stats"]["words_cached"] == one["stats"]["words_unique"] and "words_sent" not in two["stats"]
    assert [i["text"] for i in two["issues"]] == [i["text"] for i in one["issues"]]


def test_the_cache_key_includes_the_engine_and_its_dictionaries(tmp_path):
    cache = MatchCache(tmp_path / "c.sqlite")
    from auditor.collect.language.cache import text_key

    cache.put_many({text_key("languagetool 6.7", "nl", "tekst"): [[0, 5, "R", "TYPOS", "misspelling", "m", []]]})
    assert cache.get_many([text_key("languagetool 6.8", "nl", "tekst")]) == {}
    assert len(cache.get_many([text_key("languagetool 6.7", "nl", "tekst")])) == 1


def test_each_block_is_checked_in_its_own_language(lexicon, tmp_path):
    body = ("<p>Wij installeren warmtepompen voor u.</p>"
            "<blockquote lang=\"en\">We recieved a great service.</blockquote>"
            "<p>Our team is here to help you and we deliever your order to the door of your home.</p>"
            "<p>Wir liefern Ihnen das Gerät und es ist nicht teuer, aber wir sind schnell.</p>")
    tc = checker(Counting(lexicon), tmp_path)
    tc.add_page(page("a", body))
    result = tc.finish()
    found = issues_by_word(result)
    assert found["recieved"]["lang"] == "en-US" and found["deliever"]["lang"] == "en-US"
    assert "voorbehoudem" in found and found["voorbehoudem"]["lang"] == "nl"
    assert result["stats"]["other_language_words"]["de"] > 5
    assert not any(i["lang"].startswith("de") for i in result["issues"])


def test_a_wrongly_declared_page_language_is_corrected_by_detection(lexicon, tmp_path):
    tc = checker(Counting(lexicon), tmp_path)
    tc.add_page(page("a", "<p>Wij zijn sinds 1952 een echt familiebedrijff uit Amersfoort en dat is te zien.</p>",
                     lang="en"))
    result = tc.finish()
    assert issues_by_word(result)["familiebedrijff"]["lang"] == "nl"
    assert result["language_corrections"] == [{"url": "https://ex.nl/a", "declared": "en", "detected": "nl"}]


def test_a_page_without_language_takes_the_sites(lexicon, tmp_path):
    tc = checker(Counting(lexicon), tmp_path)
    tc.add_page(page("a", "<p>Wij installeren warmtepompen in de regio en zijn er ook voor u.</p>"))
    tc.add_page(page("b", "<p>Bel ons.</p>", lang=None))
    result = tc.finish()
    assert result["stats"]["pages"] == 2 and result["stats"]["languages"] == {"nl": 2}


def test_non_pages_and_errors_are_skipped(lexicon, tmp_path):
    tc = checker(Counting(lexicon), tmp_path)
    tc.add_page(make_page("https://ex.nl/x.pdf", b"%PDF", content_type="application/pdf"))
    tc.add_page(make_page("https://ex.nl/gone", "<p>Pagina niet gevonnden</p>", status=404))
    assert tc.finish()["issues"] == []


def test_hunspell_accepts_dutch_compounds_of_known_words_but_not_typos(lexicon):
    engine = HunspellEngine(lexicon)
    text = ("lagetemperatuurradiatoren warmteverliesberekening kaneelkrakeling Eén e-mailadres collega's "
            "verschill betrouwbar teamvergadring warmtepopm vr")
    flagged = [text[m.offset:m.offset + m.length] for m in engine.check_many("nl", [text])[0]]
    assert flagged == ["verschill", "betrouwbar", "teamvergadring", "warmtepopm"]


def test_hunspell_knows_both_english_spellings(lexicon):
    matches = HunspellEngine(lexicon).check_many("en-US", ["The harbour and the harbor, colour and color."])
    assert matches == [[]]


def test_suggestions_put_the_likeliest_first(lexicon):
    assert lexicon.suggest("nl", "verschill")[0] == "verschil"
    assert lexicon.suggest("nl", "woonhius")[0] == "woonhuis"
    assert lexicon.suggest("en-US", "Experiance")[0] == "Experience"


@pytest.mark.parametrize(("a", "b", "near"), [
    ("verschill", "verschil", True), ("woonhius", "woonhuis", True), ("gratis", "gratiss", True),
    ("warmtepopm", "warmtepomp", True), ("lage", "laag", False), ("same", "same", False), ("ab", "ba", True)])
def test_one_edit(a, b, near):
    assert one_edit(a, b) is near


def test_raw_matches_survive_the_cache_and_say_their_kind():
    m = RawMatch(3, 4, "MORFOLOGIK_RULE_NL_NL", "TYPOS", "misspelling", "Spelfout.", ("gratis",))
    assert RawMatch.from_list(m.to_list()) == m and m.kind == "spelling" and m.dictionary
    assert RawMatch(0, 3, "TM", "VOLUIT_SCHRIJVEN", "style", "x").kind == "style"
    assert RawMatch(0, 3, "NL_CHECKCASE_PDF", "CASING", "typographical", "x").kind == "style"
    assert RawMatch(0, 3, "THEIR_IS", "CONFUSED_WORDS", "misspelling", "x").kind == "grammar"
    assert not RawMatch(0, 3, "WORD_ZONDER_IK", "TYPOS", "misspelling", "x").dictionary


def test_settings_are_validated():
    assert LanguageSettings.parse({"languagetool_url": "http://lt:8010"}).languagetool_url == "http://lt:8010"
    with pytest.raises(ConfigError, match="unknown setting 'languagetool'"):
        LanguageCollector({"languagetool": "x"})
    with pytest.raises(ConfigError, match="engine must be"):
        LanguageCollector({"engine": "word"})
    with pytest.raises(ConfigError, match="'de' is not supported"):
        LanguageCollector({"languages": ["nl", "de"]})


def test_jar_folders(tmp_path):
    assert find_jars(tmp_path) is None
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "languagetool-server-6.7.jar").write_bytes(b"")
    assert find_jars(tmp_path) == lib and find_jars(lib) == lib
    assert jar_version(lib) == "6.7"


def test_engine_choice_falls_back_to_hunspell_with_the_reason(lexicon, tmp_path):
    collector = LanguageCollector({"languagetool_dir": str(tmp_path)})  # no jars there
    engine, reason = collector._engine(None, lexicon, "")
    assert engine.name == "hunspell" and not engine.grammar and "not set up" in reason
    engine, reason = LanguageCollector({"languagetool_dir": str(tmp_path), "java": "/no/java"})._engine(
        None, lexicon, "")
    assert engine.name == "hunspell"


def test_without_languagetool_or_hunspell_the_collector_is_unavailable(tmp_path):
    from auditor.collector import CollectorUnavailable

    collector = LanguageCollector({"languagetool_dir": str(tmp_path)})
    with pytest.raises(CollectorUnavailable, match=r"no LanguageTool \(.*not set up.*\) and no Hunspell \(no dict\)"):
        collector._engine(None, None, "no dict")
    with pytest.raises(CollectorUnavailable, match="not set up"):
        LanguageCollector({"languagetool_dir": str(tmp_path), "engine": "languagetool"})._engine(None, None, "")


def test_a_cache_file_of_another_layout_is_started_anew(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE checked (key TEXT PRIMARY KEY, matches TEXT NOT NULL)")
        db.execute("INSERT INTO checked VALUES ('k', '[]')")
    cache = MatchCache(path)
    assert cache.get_many(["k"]) == {}
    cache.put_many({"k": []})
    assert cache.get_many(["k"]) == {"k": []}


def test_dutch_on_a_belgian_site_is_checked_as_belgian_dutch(lexicon, tmp_path):
    langs: list[str] = []

    class Recording(HunspellEngine):
        def check_many(self, lang, texts):
            langs.append(lang)
            return super().check_many(lang, texts)

    tc = checker(Recording(lexicon), tmp_path, host="www.gilde.be")
    tc.add_page(make_page("https://www.gilde.be/", '<html lang="nl"><body><p>Een plezante avond van de gilde '
                          "met muziek en dans voor iedereen.</p></body></html>"))
    tc.add_page(make_page("https://www.gilde.be/en", '<html lang="en"><body><p>A pleasant evening of the guild '
                          "with music and dance for everyone.</p></body></html>"))
    tc.finish()
    assert sorted(set(langs)) == ["en-US", "nl-BE"]
    langs.clear()
    tc = checker(Recording(lexicon), tmp_path, host="www.gilde.nl")
    tc.add_page(make_page("https://www.gilde.nl/", '<html lang="nl-BE"><body><p>Een avond.</p></body></html>'))
    tc.add_page(make_page("https://www.gilde.nl/b", '<html lang="nl"><body><p>Een andere avond.</p></body></html>'))
    tc.finish()
    assert sorted(set(langs)) == ["nl", "nl-BE"]


def test_issues_carry_the_facts_the_checks_weigh(lexicon, tmp_path):
    tc = checker(HunspellEngine(lexicon), tmp_path, lexicon=lexicon)
    tc.add_page(page("a", "<p>Een verassend mooie film, <em>Kimitachi Ikiru</em>, met Yakusho in de hoofdrol "
                          "en een gratiss kaartje voor de crowd.</p>"))
    found = issues_by_word(tc.finish())
    assert found["Kimitachi"]["name"] == "italic" and found["Yakusho"]["name"] == "capitalised mid-sentence"
    assert found["gratiss"]["name"] is None and found["gratiss"]["before"].endswith("een ")
    assert found["gratiss"]["after"].startswith(" kaartje")
    assert found["crowd"]["known_in"] in ("en-US", "en-GB") and found["gratiss"]["known_in"] is None


class _LimitedServer:
    """Stands in for a remote LanguageTool with a text limit (the public API's 20,000
    characters), which cannot run here: refuses a longer text as that server does."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sizes: list[int] = []

    def check(self, text: str) -> list:
        if len(text) > self.limit:
            raise RuntimeError(f"Error: 413 text exceeds the limit of {self.limit} characters")
        self.sizes.append(len(text))
        return []


def test_batches_keep_every_worker_busy_and_shrink_to_a_servers_limit():
    from auditor.collect.language.engines import LanguageToolEngine

    engine = LanguageToolEngine("http://127.0.0.1:9/", "test", workers=4, batch_chars=12_000)
    server = _LimitedServer(limit=5_000)
    engine._tools["nl"] = server
    texts = [f"Tekst nummer {i} " + "woord " * 300 for i in range(20)]  # about 36,000 characters
    assert engine.check_many("nl", texts) == [[] for _ in texts]
    assert sum(server.sizes) == sum(len(t) for t in texts) + 2 * (len(texts) - len(server.sizes))
    assert max(server.sizes) <= 5_000 and engine.batch_chars <= 5_000  # learned from the refusal
    server.sizes.clear()
    engine.check_many("nl", texts[:4])  # a small flush still goes out as one request per worker
    assert len(server.sizes) == 4
    engine.close()


def test_the_checker_tells_how_many_texts_it_has_checked(lexicon, tmp_path):
    """The progress view's "language: 300/800 texts" (issue 21): before and after each batch
    the checker says how many unique texts it has checked of those found so far."""
    tc = checker(HunspellEngine(lexicon), tmp_path)
    told: list[tuple[int, int | None, str]] = []
    tc.on_progress = lambda done, total, unit: told.append((done, total, unit))
    for i in range(12):
        tc.add_page(page(f"p{i}", f"<p>Pagina nummer {i} over warmtepompen.</p>"))
    tc.finish()
    assert told and {unit for *_, unit in told} == {"texts"}
    assert told[-1] == (13, 13, "texts")  # 12 page texts and the one footer, all checked
    counts = [done for done, _total, _unit in told]
    assert counts[0] == 0 and counts == sorted(counts)
