#!/usr/bin/env bash
# Debian packages the tests need: Debian's Chromium (browser tests; never a downloaded
# browser) and poppler-utils (PDF checks). Installs only what is missing.
set -euo pipefail
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v pdftotext >/dev/null 2>&1 || needed+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || needed+=(fonts-dejavu-core)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${needed[*]} (run as root: apt-get install -y ${needed[*]})." >&2
  echo "Browser and PDF tests will be skipped locally." >&2
  exit 0
fi
echo "Installing Debian packages: ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
