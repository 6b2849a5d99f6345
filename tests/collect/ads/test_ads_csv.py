"""The ads CSV: our columns, Google Ads and Meta exports as they come, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.collect.ads.csv_file import load_ads, parse_ads
from auditor.errors import InputError

DATA = Path(__file__).resolve().parents[2] / "data" / "ads"


def test_native_format_keeps_quoted_commas_and_extra_columns():
    ads = load_ads(DATA / "native.csv")
    assert len(ads) == 11
    first = ads[0]
    assert (first.ad_id, first.headlines, first.source_format) == ("B-01", ("Koffiebonen vanaf € 24,95",), "native")
    assert first.final_url == "http://shop.example.test/koffiebonen.html?utm_source=google&utm_medium=cpc"
    assert first.extra == {"campaign": "bonen"}
    assert first.row == 2


def test_google_ads_export_with_bom_semicolons_preamble_and_totals():
    ads = load_ads(DATA / "google.csv")
    assert [a.source_format for a in ads] == ["google-ads", "google-ads"]  # the removed ad and totals are skipped
    one, two = ads
    assert one.headlines == ("Verse koffiebonen", "Huismelange € 24,95", "Vers uit Deventer")
    assert one.descriptions == ("Elke week vers gebrand.", "Bonen uit Ethiopië en Colombia.")
    assert one.final_url == "http://shop.example.test/koffiebonen.html?utm_source=google&utm_medium=cpc"
    assert (one.ad_id, one.row, one.id_given) == ("Bonen / Huismelange", 4, False)
    assert one.extra["Clicks"] == "120"
    assert two.headlines == ("Lelit Anna", "Espressomachine € 1.299")
    assert one.identity != two.identity


def test_meta_export_names_ads_by_ad_name():
    ads = load_ads(DATA / "meta.csv")
    assert [(a.ad_id, a.source_format) for a in ads] == [("Bonen voorjaar", "meta"), ("Latte art", "meta")]
    assert ads[0].headlines == ("Koffiebonen 20% korting",)
    assert ads[0].descriptions == ("Alleen deze maand met code BOON20.",)
    assert ads[0].extra == {"Ad name": "Bonen voorjaar", "Ad set name": "Voorjaar"}


def test_headline_columns_are_read_in_number_order():
    text = "Final URL,Headline 10,Headline 2,Headline 1\nhttps://ex.nl/a,ten,two,one\n"
    assert parse_ads(text)[0].headlines == ("one", "two", "ten")


def test_utf16_export_is_read(tmp_path):
    path = tmp_path / "editor.csv"
    path.write_bytes("Final URL\tHeadline 1\nhttps://ex.nl/a\tKoffie\n".encode("utf-16"))
    assert load_ads(path)[0].headlines == ("Koffie",)


@pytest.mark.parametrize(("text", "expected"), [
    ("id,title,url\n1,x,https://ex.nl/\n", "row 1: the header"),
    ("ad_id,headline,description,final_url\nA1,Koffie,Vers,ftp://ex.nl/\n",
     "row 2, column 'final_url': not an http(s) URL"),
    ("ad_id;headline;description;final_url\nA1;Koffie;Vers;https://ex.nl/\nA2;Thee;Los;\n",
     "row 3, column 'final_url': empty"),
    ("ad_id,headline,description,final_url\nA1,Koffie € 24,95,Vers,https://ex.nl/\n",
     "row 2: 5 fields but the header has 4 (a comma inside a text that is not in quotes?)"),
    ("ad_id,headline,description,final_url\nA1,Koffie,Vers,https://ex.nl/\nA1,Thee,Los,https://ex.nl/t\n",
     "row 3, column 'ad_id': id 'A1' is used for row 2 too"),
    ("ad_id,headline,description,final_url\n,Koffie,Vers,https://ex.nl/\n", "row 2, column 'ad_id': empty"),
    ("ad_id,headline,description,final_url\nA1,,,https://ex.nl/\n", "row 2, column 'headline': the ad has no headline"),
    ("ad_id,headline,description,final_url\n", "no ads in the file"),
])
def test_malformed_file_names_row_and_column(text, expected):
    with pytest.raises(InputError) as err:
        parse_ads(text, "ads.csv")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_bytes(b"ad_id,headline,description,final_url\nA1,Caf\xe9,x,https://ex.nl/\n")
    with pytest.raises(InputError, match=r"ads.csv: line 2: not UTF-8"):
        load_ads(path)
