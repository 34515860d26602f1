"""Read the shipped SDG texts (open-sdg/sdg-translations YAML files), in plain Python.

Each file is a flat YAML mapping: `N-short`/`N-title` for goals, `G-T-title` for targets.
Everything is checked before anything is stored, and every problem names its file and line,
so that a corrupt file never leaves the database half-loaded.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from alliances.common.errors import DataFileError

LANGUAGES = ("fr", "en")
GOAL_COUNT = 17
GOAL_KEY = re.compile(r"^(\d{1,2})-(short|title)$")
TARGET_KEY = re.compile(r"^(\d{1,2})-(\d{1,2}|[a-z])-title$")


@dataclass(frozen=True)
class Target:
    code: str  # "17.17", "4.a"
    goal: int
    position: int  # 1-based, numeric targets first, then lettered ones
    title_fr: str
    title_en: str


@dataclass(frozen=True)
class Goal:
    number: int
    short_fr: str
    short_en: str
    title_fr: str
    title_en: str
    targets: tuple[Target, ...]


def goal_files(data_dir: Path) -> list[Path]:
    return [data_dir / f"global_goals.{lang}.yml" for lang in LANGUAGES]


def target_files(data_dir: Path) -> list[Path]:
    return [data_dir / f"global_targets.{lang}.yml" for lang in LANGUAGES]


def read_flat_mapping(path: Path) -> dict[str, tuple[str, int]]:
    """Key -> (text, line) of a flat YAML mapping of strings; lines count from 1."""
    if not path.is_file():
        raise DataFileError(path, "fichier introuvable")
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"le fichier n'est pas en UTF-8 ({error.reason})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(path, f"YAML invalide : {problem}", line) from error
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1 if node is not None else None
        raise DataFileError(path, "un dictionnaire « clé: texte » est attendu", line)
    values: dict[str, tuple[str, int]] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = str(key_node.value)
        if not isinstance(value_node, yaml.ScalarNode):
            raise DataFileError(path, f"« {key} » : un texte est attendu", line)
        if key in values:
            raise DataFileError(path, f"« {key} » apparaît deux fois", line)
        text = " ".join(str(value_node.value).split())
        if not text:
            raise DataFileError(path, f"« {key} » : texte vide", line)
        values[key] = (text, line)
    return values


def _goal_texts(path: Path) -> dict[int, dict[str, str]]:
    texts: dict[int, dict[str, str]] = {}
    for key, (text, line) in read_flat_mapping(path).items():
        match = GOAL_KEY.match(key)
        if not match:
            raise DataFileError(path, f"clé inattendue « {key} » (N-short ou N-title)", line)
        number = int(match.group(1))
        if not 1 <= number <= GOAL_COUNT:
            raise DataFileError(path, f"« {key} » : objectif hors de 1 à {GOAL_COUNT}", line)
        texts.setdefault(number, {})[match.group(2)] = text
    for number in range(1, GOAL_COUNT + 1):
        for part in ("short", "title"):
            if part not in texts.get(number, {}):
                raise DataFileError(path, f"« {number}-{part} » manque")
    return texts


def _target_texts(path: Path) -> dict[tuple[int, str], tuple[str, int]]:
    texts: dict[tuple[int, str], tuple[str, int]] = {}
    for key, (text, line) in read_flat_mapping(path).items():
        match = TARGET_KEY.match(key)
        if not match:
            raise DataFileError(path, f"clé inattendue « {key} » (G-T-title)", line)
        number = int(match.group(1))
        if not 1 <= number <= GOAL_COUNT:
            raise DataFileError(path, f"« {key} » : objectif hors de 1 à {GOAL_COUNT}", line)
        texts[(number, match.group(2))] = (text, line)
    return texts


def target_order(suffix: str) -> tuple[int, int, str]:
    """Official order inside a goal: 1, 2, ... 10, then a, b, c."""
    return (0, int(suffix), "") if suffix.isdigit() else (1, 0, suffix)


def read_sdg(data_dir: Path) -> list[Goal]:
    """The 17 goals with their targets, both languages; DataFileError on any problem."""
    goals_fr, goals_en = (_goal_texts(p) for p in goal_files(data_dir))
    targets_fr_path, targets_en_path = target_files(data_dir)
    targets_fr = _target_texts(targets_fr_path)
    targets_en = _target_texts(targets_en_path)
    # A target present in one language only is an error of the other file.
    for (number, suffix), (_, line) in targets_fr.items():
        if (number, suffix) not in targets_en:
            raise DataFileError(
                targets_en_path,
                f"la cible {number}.{suffix} manque (présente dans {targets_fr_path.name}, "
                f"ligne {line})",
            )
    for (number, suffix), (_, line) in targets_en.items():
        if (number, suffix) not in targets_fr:
            raise DataFileError(
                targets_fr_path,
                f"la cible {number}.{suffix} manque (présente dans {targets_en_path.name}, "
                f"ligne {line})",
            )
    goals = []
    for number in range(1, GOAL_COUNT + 1):
        suffixes = sorted((s for n, s in targets_fr if n == number), key=target_order)
        targets = tuple(
            Target(
                code=f"{number}.{suffix}",
                goal=number,
                position=position,
                title_fr=targets_fr[(number, suffix)][0],
                title_en=targets_en[(number, suffix)][0],
            )
            for position, suffix in enumerate(suffixes, start=1)
        )
        goals.append(
            Goal(
                number=number,
                short_fr=goals_fr[number]["short"],
                short_en=goals_en[number]["short"],
                title_fr=goals_fr[number]["title"],
                title_en=goals_en[number]["title"],
                targets=targets,
            )
        )
    return goals
