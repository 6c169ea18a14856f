#!/usr/bin/env bash
# staticcheck.sh: run staticcheck (every check, see staticcheck.conf) on the
# whole module, natively and with -tags purego, and for linux/arm64 so the NEON
# stubs are checked too. staticcheck is a tool, not a module dependency: a
# pinned version is installed into a temporary GOBIN (or $STATICCHECK is used).
set -euo pipefail
cd "$(dirname "$0")/.."
sc=${STATICCHECK:-}
if [[ -z "$sc" ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	GOBIN="$tmp/bin" GOFLAGS= go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	sc="$tmp/bin/staticcheck"
fi
"$sc" ./...
"$sc" -tags purego ./...
GOOS=linux GOARCH=arm64 "$sc" ./...
echo "staticcheck: clean"
