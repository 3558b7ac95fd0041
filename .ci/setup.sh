#!/usr/bin/env bash
# Installs what a fresh Debian bookworm machine (with Rust and Node already there) needs to
# build, run and test Plansmith. Idempotent and quiet: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# Debian packages: WebKitGTK/GTK build files for Tauri, Xvfb and WebKitWebDriver for the
# end-to-end tests, x11-utils for reading window titles there.
APT_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev
  xvfb xauth x11-utils webkit2gtk-driver
  # The window's and the diagrams' first font (launch figures and screenshots assume it).
  fonts-dejavu-core
  # Tools we did not write that the tests check our output with: rsvg-convert renders the
  # diagrams, chromium the build sheet, unzip/minisign/python3-jsonschema verify bundles;
  # sqlite3, zip and openssl are the benchmarks' reference pipelines.
  librsvg2-bin chromium unzip zip minisign python3-jsonschema sqlite3 openssl
  # pdftotext and pdftoppm read the client's proposal PDF back (core/tests/it/proposal.rs).
  poppler-utils
)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required but not installed" >&2; exit 1; }
done

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver"
  cargo install --quiet --locked tauri-driver
fi

# npm projects: `npm ci` only when the lock file changed since the last install.
for project in ui tests/e2e; do
  stamp="$project/node_modules/.plansmith-lock.sha256"
  wanted=$(sha256sum "$project/package-lock.json" | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
    say "npm ci in $project"
    (cd "$project" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    mkdir -p "$project/node_modules"
    echo "$wanted" >"$stamp"
  fi
done
