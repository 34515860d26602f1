"""Read and check the joint evaluation questionnaire (data, like the maturity referential)."""

from pathlib import Path

import yaml
from django.conf import settings

from alliances.common.errors import DataFileError

from .crossviews import Question

QUESTIONNAIRE_FILE = Path(settings.PACKAGE_DIR) / "data" / "evaluation" / "questionnaire.yaml"


def load_questionnaire(path: Path = QUESTIONNAIRE_FILE) -> dict:
    """The questionnaire as a dict, checked: every question on a declared axis, unique keys."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(path, "fichier introuvable") from None
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise DataFileError(
            path, f"YAML invalide : {error}", None if line is None else line + 1
        ) from error
    axes = {axis["key"] for axis in data.get("axes", [])}
    seen = set()
    for index, question in enumerate(data.get("questions", []), start=1):
        if question.get("axis") not in axes:
            raise DataFileError(path, f"question {index} : axe inconnu {question.get('axis')!r}")
        if question["key"] in seen:
            raise DataFileError(path, f"question {index} : clé en double {question['key']!r}")
        seen.add(question["key"])
    if not seen:
        raise DataFileError(path, "aucune question")
    return data


def questions_of(questionnaire: dict) -> list[Question]:
    scale = questionnaire["scale"]
    return [
        Question(q["key"], q["axis"], scale["min"], scale["max"])
        for q in questionnaire["questions"]
    ]
