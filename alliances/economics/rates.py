"""Reference rates as dated data: read the shipped file, keep the table current, look up the
rate in force on a date, and the default valuation of a volunteer hour with its source."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alliances.common.errors import DataFileError
from alliances.common.i18n import current_language

from .models import ReferenceRate

RATES_FILE = Path(settings.PACKAGE_DIR) / "data" / "economics" / "reference_rates.yaml"
SMIC = "smic_hourly_gross"


@dataclass(frozen=True)
class RateRow:
    key: str
    label_fr: str
    label_en: str
    unit: str
    valid_from: date
    value: Decimal
    source: str
    source_url: str


@dataclass(frozen=True)
class DefaultRate:
    """The value of a volunteer hour when a partner gives none, and why."""

    value: Decimal
    rate: ReferenceRate
    convention: str  # the rule, in the reader's language
    convention_source: str
    convention_url: str

    @property
    def source(self) -> str:
        """One line stored with a contribution: the rate, its decree and the convention."""
        return (
            f"{self.rate.label_fr} au {self.rate.valid_from:%d/%m/%Y} ({self.rate.source}) ; "
            f"convention : {self.convention_source}"
        )


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(path, "fichier introuvable") from None
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise DataFileError(
            path, f"YAML invalide : {error}", None if line is None else line + 1
        ) from error
    if not isinstance(data, dict) or not data.get("rates"):
        raise DataFileError(path, "aucun taux (clé « rates »)")
    return data


def _row(path: Path, rate: dict, value: dict) -> RateRow:
    where = f"{rate.get('key')} {value.get('valid_from')}"
    if not value.get("source"):
        raise DataFileError(path, f"{where} : une valeur doit citer sa source")
    if not isinstance(value.get("valid_from"), date):
        raise DataFileError(path, f"{where} : date « valid_from » invalide (AAAA-MM-JJ)")
    try:
        amount = Decimal(str(value["value"]))
    except (KeyError, InvalidOperation):
        raise DataFileError(path, f"{where} : valeur manquante ou non numérique") from None
    if amount <= 0:
        raise DataFileError(path, f"{where} : une valeur est positive")
    return RateRow(
        key=rate["key"],
        label_fr=rate["label_fr"],
        label_en=rate.get("label_en") or rate["label_fr"],
        unit=rate["unit"],
        valid_from=value["valid_from"],
        value=amount,
        source=value["source"],
        source_url=value.get("source_url") or "",
    )


def load_rates(path: Path = RATES_FILE) -> list[RateRow]:
    """Every dated value of the file, checked (a source, a date, a positive number)."""
    data = _read(path)
    rows = []
    for rate in data["rates"]:
        for field in ("key", "label_fr", "unit", "values"):
            if not rate.get(field):
                raise DataFileError(path, f"taux {rate.get('key')!r} : « {field} » manquant")
        rows.extend(_row(path, rate, value) for value in rate["values"])
    return rows


@cache
def conventions(path: Path = RATES_FILE) -> dict:
    return _read(path).get("conventions") or {}


def sync_rates(rows: list[RateRow]) -> dict[str, int]:
    """Write the rows into the table (all or nothing); returns what was created or changed."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            fields = {
                "label_fr": row.label_fr,
                "label_en": row.label_en,
                "unit": row.unit,
                "value": row.value,
                "source": row.source,
                "source_url": row.source_url,
            }
            existing = ReferenceRate.objects.filter(key=row.key, valid_from=row.valid_from).first()
            if existing is None:
                ReferenceRate.objects.create(key=row.key, valid_from=row.valid_from, **fields)
                counts["created"] += 1
            elif any(getattr(existing, k) != v for k, v in fields.items()):
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def rate_in_force(key: str, on: date) -> ReferenceRate | None:
    return ReferenceRate.objects.filter(key=key, valid_from__lte=on).order_by("-valid_from").first()


def reference_day(year: int, today: date | None = None) -> date:
    """The day whose rate values a contribution of `year`: 31 December, or today."""
    today = today or timezone.localdate()
    return min(date(year, 12, 31), today)


def default_volunteer_rate(year: int, today: date | None = None) -> DefaultRate | None:
    """The value of a volunteer hour in `year` by the shipped convention; None when no
    reference rate was in force then (the partner must then give its own rate)."""
    convention = conventions().get("volunteer_hour")
    if not convention:
        return None
    rate = rate_in_force(convention["rate"], reference_day(year, today))
    if rate is None:
        return None
    lang = current_language()
    return DefaultRate(
        value=rate.value.quantize(Decimal("0.01")),
        rate=rate,
        convention=convention.get(f"description_{lang}") or convention["description_fr"],
        convention_source=convention["source"],
        convention_url=convention.get("source_url", ""),
    )


def current_rates() -> list[ReferenceRate]:
    """The rate in force today for every key (the page shows them with their sources)."""
    today = timezone.localdate()
    keys = ReferenceRate.objects.values_list("key", flat=True).distinct()
    return [rate for key in sorted(set(keys)) if (rate := rate_in_force(key, today))]
