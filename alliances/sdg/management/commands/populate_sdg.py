"""Load the 17 SDGs and their 169 targets (alliances/data/sdg/), French and English.

Idempotent: a second run changes nothing; a changed text updates its goal or target in place;
nothing is deleted. Everything is read and checked first, then stored in one transaction.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.common.datasets import file_checksum, record_dataset
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.sdg.source import Goal, goal_files, read_sdg, target_files

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "sdg"
# The commit of open-sdg/sdg-translations the files were taken from (see SOURCES.md).
SOURCE_VERSION = "sdg-translations@0cda585"


def _save_if_changed(obj: object, values: dict[str, object]) -> bool:
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    for field in changed:
        setattr(obj, field, values[field])
    if changed or obj.pk is None:  # type: ignore[attr-defined]
        obj.save()  # type: ignore[attr-defined]
        return True
    return False


def store(goals: list[Goal]) -> int:
    """Create or update goals and targets; return how many rows changed."""
    changed = 0
    existing_goals = {g.number: g for g in SdgGoal.objects.all()}
    existing_targets = {t.code: t for t in SdgTarget.objects.all()}
    for goal in goals:
        row = existing_goals.get(goal.number) or SdgGoal(number=goal.number)
        changed += _save_if_changed(
            row,
            {
                "short_fr": goal.short_fr,
                "short_en": goal.short_en,
                "title_fr": goal.title_fr,
                "title_en": goal.title_en,
            },
        )
        for target in goal.targets:
            target_row = existing_targets.get(target.code) or SdgTarget(code=target.code)
            changed += _save_if_changed(
                target_row,
                {
                    "goal_id": row.pk,
                    "position": target.position,
                    "title_fr": target.title_fr,
                    "title_en": target.title_en,
                },
            )
    return changed


class Command(BaseCommand):
    help = "Load the 17 SDGs and 169 targets in French and English (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder holding global_goals.<lang>.yml and global_targets.<lang>.yml.",
        )

    def handle(self, *args: object, **options: object) -> None:
        data_dir = Path(options["data_dir"])  # type: ignore[arg-type]
        goals = read_sdg(data_dir)
        targets = sum(len(g.targets) for g in goals)
        files = goal_files(data_dir) + target_files(data_dir)
        with transaction.atomic():
            changed = store(goals)
            record_dataset("sdg", SOURCE_VERSION, file_checksum(*files), len(goals) + targets)
        if int(options["verbosity"]) > 0:  # type: ignore[call-overload]
            self.stdout.write(
                f"populate_sdg: {len(goals)} goals, {targets} targets, {changed} changed"
            )
