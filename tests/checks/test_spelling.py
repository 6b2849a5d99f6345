"""TP301/TP302 judge what the language collector stored: tested on hand-built artifacts
(no LanguageTool here; the collector and the real server are tested in tests/collect)."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.errors import ConfigError
from auditor.testing import make_page, run_check
from checks.spelling import GrammarError, Misspelling, WorthALook, edit_distance

PAGE = make_page("https://ex.nl/", "<p>x</p>")


def issue(text: str, *, kind: str = "spelling", rule: str = "MORFOLOGIK_RULE_NL_NL", sentence: str | None = None,
          pages: tuple[str, ...] = ("https://ex.nl/",), block: str = "b1", where: str = "text",
          suggestions: tuple[str, ...] | None = None, parts: list[list[Any]] | None = None, lang: str = "nl",
          category: str | None = None, dictionary: bool = True) -> dict[str, Any]:
    return {"kind": kind, "lang": lang, "rule": rule, "category": category or ("TYPOS" if kind == "spelling" else "X"),
            "issue_type": "misspelling", "message": "Mogelijke fout.", "text": text,
            # By default a suggestion one keystroke away, as for most real typos.
            "suggestions": list(suggestions if suggestions is not None else (text[:-1],)),
            "sentence": sentence or f"Een zin met {text} erin.", "where": where,
            "element": "main p", "block": block, "pages": [[p, "main p"] for p in pages],
            "occurrences": len(pages), "dictionary": dictionary, "parts": parts}


def artifact(*issues: dict[str, Any], grammar: bool = True, names: dict[str, list[str]] | None = None,
             pages: int = 3) -> dict[str, Any]:
    return {"language_issues": {
        "engine": "languagetool" if grammar else "hunspell", "grammar": grammar,
        "grammar_reason": "" if grammar else "no Java runtime", "languages": ["nl", "en"],
        "site_names": names or {"names": [], "handles": [], "domains": []},
        "stats": {"pages": pages}, "issues": list(issues)}}


def run(check: type, *issues: dict[str, Any], options: dict[str, Any] | None = None, **kw: Any):
    return run_check(check, [PAGE], artifacts=artifact(*issues, **kw), options=options)


def words(result) -> list[str]:
    return sorted(f.evidence["word"] for f in result.findings)


def test_a_misspelling_is_reported_with_its_sentence_suggestions_and_rule():
    result = run(Misspelling, issue("gratiss", suggestions=("gratis",), sentence="Plan een gratiss gesprek."))
    [finding] = result.findings
    assert finding.evidence["suggestions"] == ["gratis"] and finding.evidence["rule"] == "MORFOLOGIK_RULE_NL_NL"
    assert finding.evidence["sentence"] == "Plan een gratiss gesprek."
    assert "gratis" in finding.message and finding.locations[0].text == "Plan een gratiss gesprek."


def test_a_footer_typo_on_many_pages_is_one_finding_listing_them():
    pages = tuple(f"https://ex.nl/p{i}" for i in range(40))
    result = run(Misspelling, issue("voorbehoudem", pages=pages, block="footer"))
    [finding] = result.findings
    assert finding.occurrences == 40 and {loc.url for loc in finding.locations} == set(pages)


def test_the_same_word_in_two_texts_is_one_finding():
    result = run(Misspelling, issue("instalatie", block="a", pages=("https://ex.nl/a",)),
                 issue("instalatie", block="b", pages=("https://ex.nl/b",)))
    assert len(result.findings) == 1 and result.findings[0].occurrences == 2


def test_the_organisations_names_are_not_errors():
    names = {"names": ["Groenhuis Installatietechniek B.V."], "handles": ["groenhuisinstallatie"],
             "domains": ["zoetelief-bakkerij"]}
    result = run(Misspelling, issue("Groenhuis"), issue("Installatietechniek", block="c"),
                 issue("Zoetelief", block="d"), issue("Groenhius", block="e"), names=names)
    assert words(result) == ["Groenhius"]


def test_dictionary_file_and_ignore_words(tmp_path):
    dic = tmp_path / "words.txt"
    dic.write_text("# eigen woorden\nKnapperdam\n\n", "utf-8")
    options = {"dictionary": str(dic), "ignore_words": ["spelthoorn"]}
    result = run(Misspelling, issue("Knapperdam"), issue("Spelthoorn", block="c"), issue("gratiss", block="d"),
                 options=options)
    assert words(result) == ["gratiss"]


def test_a_missing_dictionary_file_is_a_config_error(tmp_path):
    from auditor.errors import ConfigError

    with pytest.raises(ConfigError, match="does not exist"):
        Misspelling({"dictionary": str(tmp_path / "nope.txt")})


def test_abbreviations_and_model_numbers_are_left_out_unless_asked():
    found = [issue("ISDE"), issue("X200", block="c"), issue("PDF", block="d")]
    assert words(run(Misspelling, *found)) == []
    assert words(run(Misspelling, *found, options={"ignore_uppercase": False, "ignore_with_digits": False})) == [
        "ISDE", "PDF", "X200"]


def test_hyphenated_words_whose_parts_are_known_or_exempt_pass():
    ok = issue("HR-combiketel", parts=[["HR", False], ["combiketel", True]])
    bad = issue("HR-combikettel", block="c", parts=[["HR", False], ["combikettel", False]])
    assert words(run(Misspelling, ok, bad)) == ["HR-combikettel"]


def test_second_opinion_of_the_dictionary_can_be_switched_off():
    compound = issue("lagetemperatuurradiatoren", parts=[["lagetemperatuurradiatoren", True]])
    assert words(run(Misspelling, compound)) == []
    assert words(run(Misspelling, compound, options={"second_opinion": False})) == ["lagetemperatuurradiatoren"]


def test_a_recurring_capitalised_product_name_is_the_organisations_own():
    product = [issue("Spelthoorn", block="a", pages=("https://ex.nl/a",), sentence="De Spelthoorn is lekker."),
               issue("Spelthoorn", block="b", pages=("https://ex.nl/b",), sentence="Proef de Spelthoorn.")]
    assert words(run(Misspelling, *product)) == []
    assert words(run(Misspelling, *product, options={"own_terms_min_pages": 3})) == ["Spelthoorn"]


def test_a_template_typo_or_a_lowercase_word_is_never_taken_for_a_name():
    footer = issue("Voorbehoudem", block="footer", pages=("https://ex.nl/a", "https://ex.nl/b"),
                   sentence="Alle rechten Voorbehoudem.")
    lowercase = [issue("gratiss", block="a", pages=("https://ex.nl/a",)),
                 issue("gratiss", block="b", pages=("https://ex.nl/b",))]
    at_start = [issue("Instalatie", block="c", pages=("https://ex.nl/c",), sentence="Instalatie is gratis."),
                issue("Instalatie", block="d", pages=("https://ex.nl/d",), sentence="Instalatie door ons.")]
    assert words(run(Misspelling, footer, *lowercase, *at_start)) == ["Instalatie", "Voorbehoudem", "gratiss"]


def test_a_context_rule_in_the_typos_category_is_one_finding_per_section():
    found = [issue("word", rule="WORD_ZONDER_IK", dictionary=False, block="a", pages=("https://ex.nl/nieuws/a",)),
             issue("word", rule="WORD_ZONDER_IK", dictionary=False, block="b", pages=("https://ex.nl/nieuws/b",)),
             issue("word", rule="WORD_ZONDER_IK", dictionary=False, block="c", pages=("https://ex.nl/agenda/c",))]
    assert sorted(f.occurrences for f in run(Misspelling, *found).findings) == [1, 2]


def test_ignored_rules_are_not_reported():
    assert run(Misspelling, issue("gratiss"), options={"ignore_rules": ["MORFOLOGIK_RULE_NL_NL"]}).findings == []


def test_grammar_is_reported_and_style_only_when_asked():
    grammar = issue("hij word", kind="grammar", rule="NL_SIMPLE_REPLACE_HIJ_WORD", suggestions=("hij wordt",))
    style = issue("t/m", kind="style", rule="TM", block="c", suggestions=("tot en met",))
    result = run(GrammarError, grammar, style)
    assert [f.evidence["rule"] for f in result.findings] == ["NL_SIMPLE_REPLACE_HIJ_WORD"]
    assert "hij wordt" in result.findings[0].message
    with_style = run(GrammarError, grammar, style, options={"style": True})
    assert sorted((f.evidence["rule"], f.severity) for f in with_style.findings) == [
        ("NL_SIMPLE_REPLACE_HIJ_WORD", "warning"), ("TM", "info")]


def test_a_name_written_its_owners_way_is_not_a_grammar_error():
    name = issue("El Amrani", kind="grammar", rule="NL_SIMPLE_REPLACE_EL_AMRANI", suggestions=("El-Amrani",))
    assert run(GrammarError, name).findings == []


def test_grammar_in_a_template_is_one_finding_with_every_page():
    pages = ("https://ex.nl/a", "https://ex.nl/b", "https://ex.nl/c")
    result = run(GrammarError, issue("a", kind="grammar", rule="EN_A_VS_AN", lang="en-GB", pages=pages))
    assert [f.occurrences for f in result.findings] == [3]


def test_without_grammar_service_tp302_is_unverifiable_and_says_why():
    result = run(GrammarError, issue("gratiss"), grammar=False)
    assert result.status == "unverifiable" and "no Java runtime" in result.reason
    assert "Hunspell" in result.reason
    assert run(Misspelling, issue("gratiss"), grammar=False).codes == ["TP301"]


def test_no_page_in_a_checked_language_is_not_applicable():
    result = run(Misspelling, pages=0)
    assert result.status == "not_applicable"


def test_fingerprints_are_stable_across_runs_and_pages():
    one = run(Misspelling, issue("gratiss", pages=("https://ex.nl/a",))).findings[0]
    two = run(Misspelling, issue("gratiss", pages=("https://ex.nl/b", "https://ex.nl/c"))).findings[0]
    assert one.fingerprint == two.fingerprint


def test_a_capped_page_list_still_counts_every_page():
    capped = issue("voorbehoudem", pages=("https://ex.nl/a", "https://ex.nl/b"))
    capped["occurrences"] = 500
    assert [f.occurrences for f in run(Misspelling, capped).findings] == [500]


# -- confidence: only what the checks are sure of is TP301/TP302, the rest TP303 -------------

def test_edit_distance_counts_keystrokes_with_swaps():
    assert [edit_distance("gratiss", "gratis"), edit_distance("begeleidnig", "begeleiding"),
            edit_distance("spektakulair", "spectaculair"), edit_distance("usb-stick", "USB-stick"),
            edit_distance("Yakusho", "Caruso")] == [1, 1, 2, 0, 3]


@pytest.mark.parametrize(("found", "doubt"), [
    (issue("Yakusho", suggestions=("Takeshi",)), "keystrokes away"),
    (issue("crowdpleaser", suggestions=()), "no suggestion"),
    (issue("usb-stick", suggestions=("USB-stick",)), "only the capitals differ"),
    ({**issue("Thonny", suggestions=("Tonny",)), "name": "capitalised mid-sentence"}, "name or title"),
    ({**issue("Behind", suggestions=("Bevind",)), "name": "link", "known_in": "en-US"}, "a word in English"),
])
def test_an_uncertain_misspelling_is_worth_a_look_not_an_error(found, doubt):
    assert run(Misspelling, found).findings == []
    [look] = run(WorthALook, found).findings
    assert look.code == "TP303" and look.severity == "info"
    assert look.evidence["confidence"] < 0.8 and any(doubt in d for d in look.evidence["doubts"])


def test_a_close_suggestion_is_confident_and_never_also_worth_a_look():
    found = issue("instalatie", suggestions=("installatie",))
    [finding] = run(Misspelling, found).findings
    assert finding.evidence["confidence"] >= 0.8 and finding.evidence["doubts"] == []
    assert run(WorthALook, found).findings == []


def test_the_confidence_threshold_is_configurable():
    found = issue("spektakulair", suggestions=("spectaculair",))  # two keystrokes: 0.6, or 0.85 when allowed
    assert run(Misspelling, found).findings == []
    two = {"max_edit_distance": 2}
    assert len(run(Misspelling, found, options=two).findings) == 1
    assert run(Misspelling, found, options={**two, "min_confidence": 0.9}).findings == []
    assert len(run(WorthALook, found, options={**two, "min_confidence": 0.9}).findings) == 1
    with pytest.raises(ConfigError, match="min_confidence"):
        run(Misspelling, found, options={"min_confidence": 2})


def test_a_word_the_site_writes_in_many_texts_is_its_vocabulary():
    found = [issue("flexibeams", suggestions=("flexibeam",), block=b, pages=(f"https://ex.nl/{b}",)) for b in "abc"]
    assert run(Misspelling, *found).findings == []
    assert "3 different texts" in run(WorthALook, *found).findings[0].evidence["doubts"][0]
    assert len(run(Misspelling, *found[:2]).findings) == 1


def test_standard_flemish_on_a_belgian_page_is_not_an_error():
    flemish = [issue("om 20u", kind="grammar", rule="NL_SIMPLE_REPLACE_OM___U", lang="nl-BE"),
               issue("de gilde", kind="grammar", rule="NL_SIMPLE_REPLACE_DE_GILDE", lang="nl-BE"),
               {**issue("plezant", kind="grammar", rule="NL_SIMPLE_REPLACE_PLEZANT", lang="nl-BE"),
                "message": "Kies liever een alternatief dat in het hele taalgebied te begrijpen is."}]
    assert run(GrammarError, *flemish).findings == [] and run(WorthALook, *flemish).findings == []
    dutch = [{**f, "lang": "nl"} for f in flemish]
    assert len(run(GrammarError, *dutch).findings) == 3


def test_agreement_rules_across_a_phrase_boundary_need_a_second_opinion():
    across = {**issue("het", kind="grammar", rule="DE_ONVERWACHT"), "before": "Bij NOC hoort meestal ",
              "after": " De Telegraaf."}
    participle = {**issue("gilde", kind="grammar", rule="DE_WKWVLT3EP"), "before": "De ", "after": " organiseert"}
    real = {**issue("de meisje", kind="grammar", rule="DE_ONVERWACHT"), "before": "Ik zie ", "after": " lopen."}
    assert [f.evidence["text"] for f in run(GrammarError, across, participle, real).findings] == ["de meisje"]
    looks = run(WorthALook, across, participle, real).findings
    assert sorted(f.evidence["text"] for f in looks) == ["gilde", "het"]
    assert all("second opinion" in f.evidence["doubts"][0] for f in looks)


def test_grammar_in_a_name_or_quote_is_worth_a_look():
    quoted = {**issue("vermakelijke maar", kind="grammar", rule="KOMMA_MAAR"), "name": "quoted"}
    assert run(GrammarError, quoted).findings == []
    assert [f.code for f in run(WorthALook, quoted).findings] == ["TP303"]


def test_a_lowercase_word_close_only_to_names_is_worth_a_look():
    found = issue("asyncio", suggestions=("Asencio",))
    assert run(Misspelling, found).findings == []
    assert run(WorthALook, found).findings[0].evidence["doubts"] == ["only names are close to it"]
    assert len(run(Misspelling, issue("gratiss", suggestions=("Gratis", "gratis"))).findings) == 1


def test_a_compound_of_known_words_near_another_word_is_worth_a_look():
    compound = issue("sticktechniek", suggestions=("stiktechniek",), parts=[["sticktechniek", True]])
    assert run(Misspelling, compound).findings == []
    [look] = run(WorthALook, compound).findings
    assert "compound of known words" in look.evidence["doubts"][0]
    far = issue("warmteverliesberekening", suggestions=("warmteverliesberekeningen2x",), parts=[["x", True]])
    assert run(WorthALook, far).findings == [] and run(Misspelling, far).findings == []
