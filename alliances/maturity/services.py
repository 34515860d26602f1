"""Storing referential versions: validate first, write in one transaction, keep history."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from . import engine
from .models import ReferentialVersion


class VersionInUse(Exception):
    """A changed referential reuses a version number that diagnoses already refer to."""

    def __init__(self, key: str, version: int, count: int) -> None:
        self.key, self.version, self.count = key, version, count
        super().__init__(
            f"la version {version} du référentiel « {key} » est déjà utilisée par {count} "
            "autodiagnostic(s) : augmentez « version » pour publier un changement."
        )


@dataclass
class Installed:
    version: ReferentialVersion
    status: str  # "created", "updated", "unchanged"


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def install_referential(text: str, source: str = "", activate: bool = True) -> Installed:
    """Validate YAML text and store it as a referential version.

    Raises engine.ReferentialError (every problem, with its line) or VersionInUse; nothing is
    written then, so the version active before stays active. A valid new version becomes the
    active one unless a higher version of the same key is already active.
    """
    raw, lines = engine.parse_yaml(text)
    referential = engine.build(raw, lines)
    digest = checksum(text)
    with transaction.atomic():
        existing = (
            ReferentialVersion.objects.select_for_update()
            .filter(key=referential.key, version=referential.version)
            .first()
        )
        if existing and existing.checksum == digest:
            return Installed(existing, "unchanged")
        if existing:
            used = existing.diagnoses.count()
            if used:
                raise VersionInUse(referential.key, referential.version, used)
        fields = {
            "target": referential.target,
            "title_fr": referential.title_fr,
            "title_en": referential.title_en,
            "content": raw,
            "source_text": text,
            "source": source,
            "checksum": digest,
        }
        if existing:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            stored, status = existing, "updated"
        else:
            stored = ReferentialVersion.objects.create(
                key=referential.key, version=referential.version, **fields
            )
            status = "created"
        if activate:
            highest_active = (
                ReferentialVersion.objects.filter(key=stored.key, active=True)
                .exclude(pk=stored.pk)
                .aggregate(v=Max("version"))["v"]
            )
            if highest_active is None or highest_active < stored.version:
                activate_version(stored)
        return Installed(stored, status)


def activate_version(version: ReferentialVersion) -> None:
    """Make this version the active one of its key (the others are kept, inactive)."""
    with transaction.atomic():
        ReferentialVersion.objects.filter(key=version.key, active=True).exclude(
            pk=version.pk
        ).update(active=False)
        if not version.active:
            version.active = True
            version.save(update_fields=["active", "loaded_at"])
