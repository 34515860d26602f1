#!/usr/bin/env bash
# Extract and compile the English catalogues. Each app that has its own locale/ folder owns
# its catalogue; the project catalogue (alliances/locale) covers the rest (layout, home, API).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
admin="$PWD/.venv/bin/django-admin"
export DJANGO_SETTINGS_MODULE=alliances.settings PYTHONPATH="$PWD"
ignores=()
for dir in alliances/*/locale; do
  app=$(dirname "$dir")
  ignores+=(--ignore "$(basename "$app")/*")
  (cd "$app" && "$admin" makemessages --locale en --no-location --no-obsolete --verbosity 0)
  (cd "$app" && "$admin" compilemessages --locale en --verbosity 0)
done
cd alliances
"$admin" makemessages --locale en --no-location --no-obsolete --verbosity 0 \
  --ignore 'test_settings.py' "${ignores[@]}"
"$admin" compilemessages --locale en --verbosity 0
