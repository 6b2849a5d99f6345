"""The heart of nightly audits: three consecutive nights over a site that changes.

Night 1 (2026-12-01) is the baseline: four typos, nothing alerts yet (damping 2). Two are
then accepted: the footer typo until 2026-12-02, the contact-page typo until 2027-01-31.
Before night 2 an internal page is deleted (its link breaks) and the partner's offer, on
another host, starts answering 404. Before night 3 a typo is fixed, the partner's offer is
back (the external link flapped), and the news page disappears with its link.

Every night is checked exactly: which findings are new, persisting, suppressed or fixed
(findings.json), which alerts went out (the payload a real webhook endpoint received, the
e-mail a real SMTP server received: recipients, subject, attachment), and the exit status.
The flapping external link never alerts; the broken internal link alerts on its second
night; the footer typo alerts once its suppression has lapsed. On SQLite and on a real
PostgreSQL server.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest

from auditor.devserver import serve
from tests.conftest import SITES
from tests.nightly.conftest import PARTNER, Cli, write_portfolio
from tests.nightly.receivers import smtp_server, webhook_receiver
from tests.postgres import (
    free_port,
    postgres_database,  # noqa: F401  (fixture)
)

RECIPIENTS = ["jan@bureau.example", "ops@shop.example"]


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_database")


def key(finding: dict) -> str:
    """A readable name for a finding: the word of a typo, the host and path of a link."""
    if finding["code"] == "TP301":
        return f"TP301 {finding['evidence']['word']}"
    target = urlsplit(finding["target"])
    host = target.hostname if target.hostname == PARTNER else ""
    return f"{finding['code']} {host}{target.path}"


def by_change(doc: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"new": set(), "persisting": set(), "suppressed": set()}
    for f in doc["findings"]:
        out["suppressed" if f["suppressed"] else f["change"]].add(key(f))
    return out


def names(doc: dict, fingerprints: list[str]) -> set[str]:
    keys = {f["fingerprint"]: key(f) for f in doc["findings"]}
    return {keys[fp] for fp in fingerprints}


def webhook_alerts(post: dict) -> set[str]:
    return {f"{a['code']} {a['fingerprint']}" for a in post["alerts"]}


def test_three_nights_diff_damping_suppression_and_notifications(sites, tmp_path, cli, night, history_url):
    with webhook_receiver() as hook, smtp_server() as smtp:
        portfolio = write_portfolio(tmp_path, f"""
[clients.shop]
target = "{sites.shop.base_url}"
crawl.resolve = ["{sites.resolve}"]
report.brand.client = "Shop & Co"

[clients.shop.notify]
min_severity = "warning"
webhooks = [{{ url = "{hook.url}" }}]

[clients.shop.notify.email]
host = "{smtp.host}"
port = {smtp.port}
sender = "audits@bureau.example"
recipients = ["{RECIPIENTS[0]}", "{RECIPIENTS[1]}"]
""", portfolio=f'history = "{history_url}"')

        # -- Night 1: the baseline. Four typos, all new; nothing alerts before its second night.
        one = night(portfolio, "shop", "--as-of", "2026-12-01", "--fail-on", "error")
        assert one.exit_code == 0, one.stderr  # only warnings: below --fail-on error
        doc = one.doc
        assert by_change(doc) == {"new": {"TP301 reserverd", "TP301 accomodation", "TP301 recieve",
                                          "TP301 anouncement"}, "persisting": set(), "suppressed": set()}
        assert doc["previous_run"] is None and doc["fixed"] == [] and doc["alerts"] == []
        assert [f["streak"] for f in doc["findings"]] == [1, 1, 1, 1]
        assert doc["pages_crawled"] == 5
        assert one.stdout.splitlines()[0] == ("shop: 5 pages; 4 new, 0 fixed, 0 persisting, 0 suppressed; "
                                              f"0 alerts; report {one.run_dir / 'report.html'}")
        assert hook.posts == [] and smtp.mails == []
        fp = {key(f): f["fingerprint"] for f in doc["findings"]}
        run_ids = [doc["run_id"]]

        # Accept two typos: the footer's until night 2 (it lapses by night 3), the contact
        # page's for longer.
        theme = "the footer comes from the theme; fixed in its next release"
        accepted = cli("suppress", fp["TP301 reserverd"], "--until", "2026-12-02", "--reason", theme,
                       "--site", "shop", "--portfolio", str(portfolio), "--as-of", "2026-12-01")
        assert accepted.exit_code == 0, accepted.stderr
        assert accepted.stdout == f"suppressed {fp['TP301 reserverd']} until 2026-12-02 for shop: {theme}\n"
        assert cli("suppress", fp["TP301 recieve"], "--until", "2027-01-31", "--reason", "client's own spelling",
                   "--portfolio", str(portfolio), "--as-of", "2026-12-01").exit_code == 0

        # -- Night 2: an internal page is deleted (its link breaks); the partner's offer fails.
        (sites.shop_dir / "prices.html").unlink()
        offer = (sites.partner_dir / "offer.html").read_bytes()
        (sites.partner_dir / "offer.html").unlink()
        two = night(portfolio, "shop", "--as-of", "2026-12-02")
        assert two.exit_code == 0, two.stderr
        doc = two.doc
        assert by_change(doc) == {"new": {"TP101 /prices.html", f"TP102 {PARTNER}/offer.html"},
                                  "persisting": {"TP301 accomodation", "TP301 anouncement"},
                                  "suppressed": {"TP301 reserverd", "TP301 recieve"}}
        suppressed = {key(f): f["suppression"] for f in doc["findings"] if f["suppressed"]}
        assert suppressed == {"TP301 reserverd": {"until": "2026-12-02", "reason": theme},
                              "TP301 recieve": {"until": "2027-01-31", "reason": "client's own spelling"}}
        assert doc["fixed"] == [] and doc["previous_run"]["id"] == run_ids[0]
        # The previous run's folder reached the crawler: the four unchanged pages were taken over.
        assert doc["stats"]["unchanged"] == 4
        # Damping 2: the typos seen twice alert; the new broken links wait a night.
        assert names(doc, doc["alerts"]) == {"TP301 accomodation", "TP301 anouncement"}
        assert two.stdout.splitlines()[0] == ("shop: 4 pages; 2 new, 0 fixed, 2 persisting, 2 suppressed; "
                                              "2 alerts (2 findings confirmed after 2 nights); "
                                              f"report {two.run_dir / 'report.html'}")
        [post] = hook.posts
        assert webhook_alerts(post) == {f"TP301 {fp['TP301 accomodation']}", f"TP301 {fp['TP301 anouncement']}"}
        assert post["client"] == "shop" and post["total_alerts"] == 2 and post["run_id"] == str(doc["run_id"])
        # The same numbers as stdout and history: 0 new, 2 confirmed after the damping's 2 nights.
        assert (post["title"], post["new_alerts"], post["confirmed_alerts"], post["below_min_severity"]) == (
            "Shop & Co: 2 findings confirmed after 2 nights", 0, 2, 0)
        [mail] = smtp.mails
        assert mail.sender == "audits@bureau.example" and mail.recipients == RECIPIENTS
        assert mail.subject == "Shop & Co: 2 findings confirmed after 2 nights"
        assert mail.attachments() == {"report.html": (two.run_dir / "report.html").read_bytes()}
        run_ids.append(doc["run_id"])
        fp.update({key(f): f["fingerprint"] for f in doc["findings"]})

        # -- Night 3: a typo fixed, the partner's offer back (it flapped), the news page gone.
        about = sites.shop_dir / "about.html"
        about.write_text(about.read_text("utf-8").replace("accomodation", "accommodation"), "utf-8")
        (sites.partner_dir / "offer.html").write_bytes(offer)
        (sites.shop_dir / "news.html").unlink()
        index = sites.shop_dir / "index.html"
        index.write_text(index.read_text("utf-8").replace('<a href="/news.html">News</a>', ""), "utf-8")
        three = night(portfolio, "shop", "--as-of", "2026-12-03", "--fail-on", "error")
        assert three.exit_code == 1, three.stderr  # the broken internal link is an unsuppressed error
        doc = three.doc
        assert by_change(doc) == {"new": set(), "persisting": {"TP101 /prices.html", "TP301 reserverd"},
                                  "suppressed": {"TP301 recieve"}}
        assert {key(f) for f in doc["fixed"]} == {"TP301 accomodation", "TP301 anouncement",
                                                  f"TP102 {PARTNER}/offer.html"}
        assert doc["previous_run"]["id"] == run_ids[1] and doc["pages_crawled"] == 3
        assert doc["stats"]["unchanged"] == 1  # contact.html; index and about changed
        # The footer typo's suppression lapsed: it alerts (third night running); the broken
        # link alerts on its second night.
        assert names(doc, doc["alerts"]) == {"TP101 /prices.html", "TP301 reserverd"}
        streaks = {key(f): f["streak"] for f in doc["findings"]}
        assert streaks == {"TP101 /prices.html": 2, "TP301 reserverd": 3, "TP301 recieve": 3}
        assert three.stdout.splitlines()[0] == ("shop: 3 pages; 0 new, 3 fixed, 2 persisting, 1 suppressed; "
                                                "2 alerts (2 findings confirmed after 2 nights); "
                                                f"report {three.run_dir / 'report.html'}")
        assert len(hook.posts) == 2
        assert webhook_alerts(hook.posts[1]) == {f"TP101 {fp['TP101 /prices.html']}",
                                                 f"TP301 {fp['TP301 reserverd']}"}
        assert hook.posts[1]["counts"] == {"error": 1, "warning": 1}
        assert [m.subject for m in smtp.mails] == ["Shop & Co: 2 findings confirmed after 2 nights"] * 2
        assert smtp.mails[1].attachments() == {"report.html": (three.run_dir / "report.html").read_bytes()}

        # The flapping external link was never announced, on any channel.
        partner_fp = next(f["fingerprint"] for f in doc["fixed"] if f["code"] == "TP102")
        assert all(partner_fp not in str(post) for post in hook.posts)
        assert all(partner_fp not in m.message.as_string() and "offer.html" not in m.message.as_string()
                   for m in smtp.mails)

        # History lists the three runs, newest first, and the suppressions.
        listed = cli("history", "shop", "--portfolio", str(portfolio))
        assert listed.exit_code == 0, listed.stderr
        lines = listed.stdout.splitlines()
        assert lines[0] == "shop: 3 runs, newest first"
        rows = [line.split() for line in lines[2:5]]
        assert [r[:9] for r in rows] == [
            [str(run_ids[1] + 1), "2026-12-03", "3", "3", "0", "3", "1", "2", "yes"],
            [str(run_ids[1]), "2026-12-02", "4", "6", "2", "0", "2", "2", "yes"],
            [str(run_ids[0]), "2026-12-01", "5", "4", "4", "0", "0", "0", "yes"]]
        assert [r[9] for r in rows] == [str(three.run_dir), str(two.run_dir), str(one.run_dir)]
        assert lines[5:] == [f"suppressed {fp['TP301 reserverd']} until 2026-12-02: {theme}",
                             f"suppressed {fp['TP301 recieve']} until 2027-01-31: client's own spelling"]


def test_three_nights_a_site_goes_down_and_comes_back_up_in_dutch(tmp_path, cli, history_url):
    """Night 1 both clients are audited; night 2 the shop's server is gone (connection
    refused): a recorded ``unreachable`` night, a Dutch e-mail and a webhook notice on its
    first night, the other client audited all the same, exit 2; night 3 it is back on the
    same port: "back up" on every channel, and the comparison goes on from night 1."""
    shop_dir, other_dir = tmp_path / "site-shop", tmp_path / "site-other"
    shutil.copytree(SITES / "nightly-shop", shop_dir)
    shutil.copytree(SITES / "nightly-shop", other_dir)
    port = free_port()
    with webhook_receiver() as hook, smtp_server() as smtp, serve(other_dir) as other:
        portfolio = write_portfolio(tmp_path, f"""
[clients.shop]
target = "http://127.0.0.1:{port}/"
report.language = "nl"
report.brand.client = "Winkel Jansen"

[clients.shop.notify]
min_severity = "critical"
webhooks = [{{ url = "{hook.url}" }}]

[clients.shop.notify.email]
host = "{smtp.host}"
port = {smtp.port}
sender = "audits@bureau.example"
recipients = ["{RECIPIENTS[0]}"]

[clients.other]
target = "{other.base_url}"
""", portfolio=f'history = "{history_url}"')

        def run_all(day: str) -> Cli:
            return cli("run", "--all", "--portfolio", str(portfolio), "--as-of", day)

        with serve(shop_dir, port=port):
            one = run_all("2026-12-01")
        assert one.exit_code == 0, one.stderr
        assert hook.posts == [] and smtp.mails == []  # typos below critical, and nothing damped yet

        # -- Night 2: the shop's server is down.
        two = run_all("2026-12-02")
        assert two.exit_code == 2
        assert f"touchpoint-auditor: error: shop: unreachable: http://127.0.0.1:{port}/: " \
               "the server refused the connection\n" in two.stderr
        assert "other: " in two.stdout and "2 clients: 1 done, 1 unreachable" in two.stdout
        [post] = hook.posts
        assert (post["event"], post["client"], post["reason"], post["nights_down"]) == ("unreachable", "shop",
                                                                                        "refused", 1)
        assert post["title"] == "Winkel Jansen: de site is niet bereikbaar"
        [mail] = smtp.mails
        assert mail.subject == "Winkel Jansen: de site is niet bereikbaar"
        body = mail.message.get_body(("plain",)).get_content()
        assert "127.0.0.1 was bij de controle van 2026-12-02 niet bereikbaar: de server weigerde de verbinding." \
               in body
        assert "Errno" not in body and "refused" not in body  # no raw exception text, no English

        # -- Night 3: back on the same port.
        with serve(shop_dir, port=port):
            three = run_all("2026-12-03")
        assert three.exit_code == 0, three.stderr
        shop_line = next(line for line in three.stdout.splitlines() if line.startswith("shop: "))
        assert "; back up after 1 unreachable night;" in shop_line
        assert "0 new, 0 fixed, 5 persisting" in shop_line  # compared with night 1, streaks kept
        # Five alerts tonight, all under the client's minimum severity: counted apart, none sent.
        assert "; 5 alerts (5 below critical, not sent);" in shop_line
        assert [p.get("event") for p in hook.posts] == ["unreachable", "back_up"]
        assert smtp.mails[1].subject == "Winkel Jansen: de site is weer bereikbaar"
        assert "127.0.0.1 is weer bereikbaar, na 1 nacht onbereikbaar." in \
               smtp.mails[1].message.get_body(("plain",)).get_content()

        listed = cli("history", "shop", "--portfolio", str(portfolio))
        rows = [line.split() for line in listed.stdout.splitlines()[2:5]]
        assert [(r[1], r[8]) for r in rows] == [("2026-12-03", "yes"), ("2026-12-02", "unreachable"),
                                                ("2026-12-01", "yes")]
        assert listed.stdout.splitlines()[3].endswith("(refused: the server refused the connection)")
