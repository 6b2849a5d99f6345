"""`make demo`: serve the bundled demo site on 127.0.0.1, audit it, say where the report is.

Everything the demo site links to is served here too, so the audit needs no internet:
the site itself (http, a random port), its external hosts (examples/demo-extern/, one
folder per host name) and, when examples/demo-profiles/ exists, stand-ins for the social
profiles over https with a throw-away CA passed as --ca-bundle. All of them are reached
through --resolve, the same code path a real audit takes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

from auditor.cli import main as cli_main
from auditor.devserver import serve

HERE = Path(__file__).resolve().parent
SITE = HERE / "demo-site"
EXTERN = HERE / "demo-extern"
PROFILES = HERE / "demo-profiles"
CLOSED_HOSTS = ("oud-kennisplatform.demo-extern.test",)


def _port(base_url: str) -> int:
    return int(base_url.rstrip("/").rsplit(":", 1)[1])


def _folders(root: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir()} if root.is_dir() else {}


def run(out: Path, extra: list[str]) -> int:
    with ExitStack() as stack:
        extern = _folders(EXTERN)
        site = stack.enter_context(serve(SITE, vhosts=extern))
        base = site.base_url.rstrip("/")
        args = ["audit", site.base_url, "--out", str(out), "--config", str(HERE / "demo.toml")]
        for host in extern:
            args += ["--resolve", f"{host}:80:127.0.0.1:{_port(site.base_url)}"]
        args += [a for host in CLOSED_HOSTS for a in ("--resolve", f"{host}:80:127.0.0.1:1")]
        profiles = _folders(PROFILES)
        if profiles:
            first = next(iter(profiles.values()))
            tls = stack.enter_context(serve(first, vhosts=profiles, tls_names=list(profiles)))
            args += [a for host in profiles for a in ("--resolve", f"{host}:443:127.0.0.1:{_port(tls.base_url)}")]
            args += ["--ca-bundle", str(tls.ca_file)]
        if (out / "run.sqlite").exists():  # the previous demo's run (another port): start afresh
            shutil.rmtree(out)
        out.mkdir(parents=True, exist_ok=True)
        ads = out / "ads.csv"
        ads.write_text((SITE / "ads.csv").read_text("utf-8").replace("{SITE}", base), "utf-8")
        args += ["--ads", str(ads), *extra]
        print(f"demo site served at {site.base_url} (planted defects: {SITE / 'DEFECTS.md'})")
        code = cli_main(args)
        report = out / "report.html"
        if report.is_file():
            print(f"\nreport: {report.resolve()}")
        return code


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("demo-output"))
    options, rest = parser.parse_known_args()
    sys.exit(run(options.out, rest))
