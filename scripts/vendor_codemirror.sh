#!/usr/bin/env bash
# Vendors the SPARQL editor's assets (CodeMirror 5, MIT) from the npm registry into the package, so
# the editor works offline and no page loads anything from a CDN. The output is committed.
set -euo pipefail
VERSION=5.65.18
OUT="$(dirname "$0")/../kmgraph/web/static/vendor/codemirror"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "codemirror@$VERSION" >/dev/null 2>&1 && tar xzf "codemirror-$VERSION.tgz")
mkdir -p "$OUT"
cp "$WORK/package/lib/codemirror.js" "$WORK/package/lib/codemirror.css" "$WORK/package/mode/sparql/sparql.js" \
   "$WORK/package/LICENSE" "$OUT/"
echo "codemirror@$VERSION" > "$OUT/VERSION"
