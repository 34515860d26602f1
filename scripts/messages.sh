#!/usr/bin/env bash
# Extract and compile the English catalogues. Each app that has its own locale/ folder owns
# its catalogue; the project catalogue (alliances/locale) covers the rest (layout, home, API).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
admin="$PWD/.venv/bin/django-admin"
export DJANGO_SETTINGS_MODULE=alliances.settings PYTHONPATH="$PWD"
# The project catalogue covers the shared layer only; every other app has its own.
shared="common home api apikit charts templates"
ignores=()
for app in alliances/*/; do
  name=$(basename "$app")
  case " $shared locale static data " in *" $name "*) continue ;; esac
  ignores+=(--ignore "$name/*")
done
for dir in alliances/*/locale; do
  app=$(dirname "$dir")
  (cd "$app" && "$admin" makemessages --locale en --no-location --no-obsolete --verbosity 0)
  (cd "$app" && "$admin" compilemessages --locale en --verbosity 0)
done
cd alliances
"$admin" makemessages --locale en --no-location --no-obsolete --verbosity 0 \
  --ignore 'test_settings.py' "${ignores[@]}"
"$admin" compilemessages --locale en --verbosity 0
