#!/usr/bin/env bash
# Fetches the LanguageTool HTTP server with only the Dutch and English modules from Maven
# Central into .cache/languagetool/VERSION/lib (git-ignored), for the spelling checks.
#
# Why Maven and not language-tool-python's own download: these machines reach package
# registries only, and the full LanguageTool zip carries ~30 languages we do not need.
# languagetool-server depends on language-all; it is excluded and language-nl/language-en
# are added, which keeps the download to what the audit uses. The server's language
# identifier needs the Spanish, Catalan and Portuguese classes to exist (it looks them up
# by code at start-up), so their small module jars come along without their dictionaries.
#
# Idempotent and quiet when done already. Without Java or Maven it says so and exits 0:
# the audit then falls back to Hunspell (spelling only) and says why in the report.
# Usage: scripts/setup-languagetool.sh  (env: LANGUAGETOOL_VERSION, LANGUAGETOOL_CACHE)
set -euo pipefail
VERSION="${LANGUAGETOOL_VERSION:-6.7}"  # 6.x needs Java 17, the machine image's Java
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${LANGUAGETOOL_CACHE:-$ROOT/.cache/languagetool}"
DEST="$CACHE/$VERSION"
[ -f "$DEST/.complete" ] && exit 0
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "setup-languagetool: no java or mvn on PATH; spelling falls back to Hunspell (no grammar)" >&2
  exit 0
fi
echo "fetching LanguageTool $VERSION (server, nl, en) from Maven Central into $DEST"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.touchpoint-auditor</groupId>
  <artifactId>languagetool-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.languagetool</groupId>
      <artifactId>languagetool-server</artifactId>
      <version>$VERSION</version>
      <exclusions>
        <exclusion><groupId>org.languagetool</groupId><artifactId>language-all</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.languagetool</groupId><artifactId>language-nl</artifactId><version>$VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.languagetool</groupId><artifactId>language-en</artifactId><version>$VERSION</version>
    </dependency>
$(for lang in es ca pt; do cat <<DEP
    <dependency>
      <groupId>org.languagetool</groupId><artifactId>language-$lang</artifactId><version>$VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
DEP
done)
  </dependencies>
</project>
POM
rm -rf "$DEST.partial"
if ! mvn -q -B -f "$WORK/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DEST.partial/lib" >"$WORK/mvn.log" 2>&1; then
  cat "$WORK/mvn.log" >&2
  echo "setup-languagetool: Maven could not fetch LanguageTool $VERSION (log above)" >&2
  exit 1
fi
# The local Maven repository only served this copy: drop it to halve the disk use.
rm -rf "$CACHE/m2" "$DEST"
mv "$DEST.partial" "$DEST"
echo "$VERSION" >"$DEST/.complete"
