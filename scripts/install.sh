#!/usr/bin/env bash
# Install what the app and its tests need on a fresh Debian/Ubuntu machine:
# system libraries (Pango/HarfBuzz for WeasyPrint, a CJK font, poppler-utils for reading PDFs
# back, Chromium for browser tests), a virtualenv in .venv and the Python dependencies.
# Idempotent: a second run installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-venv python3-dev libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0 fonts-noto-cjk poppler-utils)
if [[ "${1:-}" == "--with-browser" ]]; then APT_PACKAGES+=(chromium); fi

# python3 may come from elsewhere (e.g. pyenv); ask apt for it only when no usable 3.11+ is there.
if command -v python3 >/dev/null && python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  APT_PACKAGES=("${APT_PACKAGES[@]:3}")
fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -x .venv/bin/python ]]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Compile every area's message catalogue (the .mo files are build products, not committed).
for dir in $(find mediation -type d -name translations); do
  .venv/bin/pybabel -q compile -d "$dir"
done
