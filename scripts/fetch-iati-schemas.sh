#!/usr/bin/env bash
# The IATI 2.03 activity schema, against which a test validates the registry export
# (/donnees/registre/iati.xml). It is taken once from the pyIATI distribution on PyPI (MIT),
# checked against a pinned digest, and kept under var/ (not in the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=var/iati-schemas/2.03
[ -f "$dest/iati-activities-schema.xsd" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
  -d "$tmp" pyIATI==0.4.1 2>&1 | grep -v "^WARNING: Location" || true
archive="$tmp/pyIATI-0.4.1.tar.gz"
echo "b6f8f0d596746bd774ed3e84cdad50dfa7dd501ac70e6399f2bb0244bfd5b0ef  $archive" | sha256sum --check --quiet
tar -xzf "$archive" -C "$tmp" pyIATI-0.4.1/iati/resources/standard/2-03/schemas
mkdir -p "$dest"
cp "$tmp"/pyIATI-0.4.1/iati/resources/standard/2-03/schemas/{iati-activities-schema,iati-common,xml}.xsd "$dest/"
echo "IATI 2.03 schemas in $dest"
