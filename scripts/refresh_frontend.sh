#!/usr/bin/env bash
# Refresh the vendored NHS.UK frontend (static/vendor/nhsuk-frontend) and the axe-core
# script the browser tests inject (tests/browser/vendor), from the npm registry.
#   scripts/refresh_frontend.sh            # the versions pinned below
#   NHSUK_VERSION=10.7.0 scripts/refresh_frontend.sh
set -euo pipefail
NHSUK_VERSION=${NHSUK_VERSION:-10.6.1}
AXE_VERSION=${AXE_VERSION:-4.14.1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "nhsuk-frontend@${NHSUK_VERSION}" "axe-core@${AXE_VERSION}" >/dev/null
mkdir nhsuk axe
tar -xzf nhsuk-frontend-*.tgz -C nhsuk
tar -xzf axe-core-*.tgz -C axe

dest="$root/static/vendor/nhsuk-frontend"
rm -rf "$dest"
mkdir -p "$dest"
dist=nhsuk/package/dist/nhsuk
cp "$dist/nhsuk-frontend.min.js" "$dest/"
cp -r "$dist/assets" "$dest/assets"
rm -f "$dest/assets/manifest.json"
# The stock CSS points at /assets/...; make those URLs relative to the CSS file so they
# resolve under STATIC_URL wherever the site is served (and survive hashed file names).
sed 's#url(/assets/#url(assets/#g' "$dist/nhsuk-frontend.min.css" | sed 's#/\*\# sourceMappingURL=[^*]*\*/##' >"$dest/nhsuk-frontend.min.css"
sed -i 's#//\# sourceMappingURL=.*$##' "$dest/nhsuk-frontend.min.js"
cp nhsuk/package/LICENSE* "$dest/" 2>/dev/null || true
printf 'nhsuk-frontend %s (MIT licence), from the npm registry by scripts/refresh_frontend.sh\n' "$NHSUK_VERSION" >"$dest/VERSION"

mkdir -p "$root/tests/browser/vendor"
cp axe/package/axe.min.js "$root/tests/browser/vendor/axe.min.js"
printf 'axe-core %s (MPL-2.0 licence), from the npm registry by scripts/refresh_frontend.sh\n' "$AXE_VERSION" >"$root/tests/browser/vendor/VERSION"
echo "Vendored nhsuk-frontend $NHSUK_VERSION and axe-core $AXE_VERSION"
