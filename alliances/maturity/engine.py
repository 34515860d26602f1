"""Maturity referentials: loading, validation and scoring, in plain Python (no Django).

A referential is data (YAML files in alliances/data/maturity/, or uploaded by curators):
axes, questions, points per answer, rules adapting the questionnaire to the respondent, and
the thresholds of the four levels. This module turns such a mapping into frozen dataclasses,
says exactly what is wrong with it (with the YAML line when it comes from a file), and
scores a set of answers.

Scoring, in short:
- each applicable question yields a fraction in [0, 1]: its points over its maximum points;
- an axis score is 100 x the weighted mean of the fractions of its applicable questions, so the
  weight of a not-applicable question is redistributed over the others of the same axis;
- the overall score is the weighted mean of the axis scores (axes with no applicable question
  are left out); a level is the highest level whose threshold the score reaches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

LEVEL_KEYS = (1, 2, 3, 4)
QUESTION_TYPES = ("single", "multiple", "scale")
TARGETS = ("organisation", "territory")
# Actor profiles of the field (keys of the shared taxonomy `actor_profiles`).
ACTOR_PROFILES = (
    "association",
    "entreprise",
    "fondation",
    "collectivite",
    "etat",
    "syndicat",
    "accompagnement",
    "academique",
    "citoyen",
    "media",
)
MEDOC_KINDS = ("methode", "exemple", "donnee", "outil", "competence")
# A scale has at most this many steps: more would not be answerable in a plain form.
MAX_SCALE_STEPS = 11


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Option:
    key: str
    label_fr: str
    label_en: str
    points: float


@dataclass(frozen=True)
class Condition:
    """The question applies only when an earlier answer matches.

    `any_of`: the earlier (single or multiple choice) answer includes one of these options;
    `min_value`: the earlier scale answer is at least this value.
    """

    question: str
    any_of: frozenset[str] = frozenset()
    min_value: int | None = None


@dataclass(frozen=True)
class Question:
    key: str
    axis: str
    type: str
    text_fr: str
    text_en: str
    help_fr: str = ""
    help_en: str = ""
    weight: float = 1.0
    options: tuple[Option, ...] = ()
    scale_min: int = 0
    scale_max: int = 0
    scale_min_label_fr: str = ""
    scale_min_label_en: str = ""
    scale_max_label_fr: str = ""
    scale_max_label_en: str = ""
    scale_points: Mapping[int, float] = field(default_factory=dict)
    applies_to_profiles: frozenset[str] = frozenset()
    not_for_profiles: frozenset[str] = frozenset()
    conditions: tuple[Condition, ...] = ()

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    def option(self, key: str) -> Option | None:
        for option in self.options:
            if option.key == key:
                return option
        return None

    @property
    def max_points(self) -> float:
        if self.type == "single":
            return max((o.points for o in self.options), default=0.0)
        if self.type == "multiple":
            return sum(o.points for o in self.options)
        return max(self.points_for_scale(v) for v in range(self.scale_min, self.scale_max + 1))

    def points_for_scale(self, value: int) -> float:
        if self.scale_points:
            return float(self.scale_points[value])
        return float(value - self.scale_min)

    def applies_to(self, profile: str | None) -> bool:
        if profile and profile in self.not_for_profiles:
            return False
        if self.applies_to_profiles and profile not in self.applies_to_profiles:
            return False
        return True


@dataclass(frozen=True)
class LearningRule:
    """Where the learning path of an axis draws from: resource kinds, domains, named ids."""

    kinds: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Axis:
    key: str
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str
    weight: float
    thresholds: tuple[float, float, float]
    learning: LearningRule = LearningRule()


@dataclass(frozen=True)
class Level:
    key: int
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str


@dataclass(frozen=True)
class Referential:
    key: str
    version: int
    target: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    levels: tuple[Level, ...]
    thresholds: tuple[float, float, float]
    axes: tuple[Axis, ...]
    questions: tuple[Question, ...]
    points_min: float = 0.0
    points_max: float = 10.0
    # Lookups built once: scoring runs in well under a millisecond with them.
    _by_key: dict[str, Question] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_axis: dict[str, tuple[Question, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_key.update({q.key: q for q in self.questions})
        for axis in self.axes:
            self._by_axis[axis.key] = tuple(q for q in self.questions if q.axis == axis.key)

    def axis(self, key: str) -> Axis:
        for axis in self.axes:
            if axis.key == key:
                return axis
        raise KeyError(key)

    def level(self, key: int) -> Level:
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    def questions_of(self, axis_key: str) -> tuple[Question, ...]:
        return self._by_axis.get(axis_key, ())

    def question(self, key: str) -> Question | None:
        return self._by_key.get(key)


# --------------------------------------------------------------------------- validation

_TOP_KEYS = {
    "key", "version", "target", "title", "description", "points", "thresholds", "levels",
    "axes", "questions",
}  # fmt: skip
_AXIS_KEYS = {"key", "label", "description", "weight", "thresholds", "learning"}
_QUESTION_KEYS = {
    "key", "axis", "type", "text", "help", "weight", "options", "scale",
    "applies_to_profiles", "not_for_profiles", "when",
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a referential: where (path and YAML line) and why (French)."""

    path: tuple[str | int, ...]
    message: str
    line: int | None = None

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(racine)"

    def __str__(self) -> str:
        prefix = f"ligne {self.line}, " if self.line is not None else ""
        return f"{prefix}{self.where} : {self.message}"


class ReferentialError(Exception):
    """A referential cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# libyaml's C parser when available: much faster (bench/RESULTS.md, "Costs behind design
# choices"), and its nodes carry the same lines.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Parse YAML text; return the data and the 1-based line of every key/item path.

    Raises ReferentialError (with the line) when the text is not valid YAML.
    """
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise ReferentialError([Problem((), f"YAML illisible : {reason}", line)]) from error
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def _collect_lines(
    node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _scalar_key(key_node)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _collect_lines(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _collect_lines(item, path + (index,), lines)


def _scalar_key(node: yaml.Node) -> str | int:
    value = node.value if isinstance(node, yaml.ScalarNode) else str(node.start_mark)
    # Level thresholds and scale points use integer keys in YAML ("2: 30").
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _int_keys(mapping: Mapping) -> dict:
    """Integer keys back from JSON storage, where {2: 30} became {"2": 30}."""
    return {
        int(k) if isinstance(k, str) and k.lstrip("-").isdigit() else k: v
        for k, v in mapping.items()
    }


def line_for(lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int | None:
    """The line of a path, or of its nearest ancestor present in the file."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None


class _Checker:
    def __init__(self, lines: Mapping[tuple[str | int, ...], int] | None) -> None:
        self.lines = lines or {}
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(path, message, line_for(self.lines, path)))

    def text(self, data: Mapping, path: tuple, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path + (key,), f"« {key} » est obligatoire et doit être un texte.")
            return ""
        if not isinstance(value, str):
            self.add(path + (key,), f"« {key} » doit être un texte.")
            return ""
        return value.strip()

    def bilingual(self, data: Mapping, path: tuple, key: str, *, required: bool = True) -> tuple:
        """`key: {fr: ..., en: ...}`; French is required, English may be empty."""
        value = data.get(key)
        if value is None:
            if required:
                self.add(path + (key,), f"« {key} » est obligatoire (fr et en).")
            return "", ""
        if isinstance(value, str):
            return value.strip(), ""
        if not isinstance(value, Mapping):
            self.add(path + (key,), f"« {key} » doit avoir la forme {{fr: ..., en: ...}}.")
            return "", ""
        self.known_keys(value, path + (key,), {"fr", "en"})
        fr = value.get("fr")
        en = value.get("en") or ""
        if required and (not isinstance(fr, str) or not fr.strip()):
            self.add(path + (key, "fr"), f"le texte français de « {key} » est obligatoire.")
            fr = ""
        if not isinstance(en, str):
            self.add(path + (key, "en"), f"le texte anglais de « {key} » doit être un texte.")
            en = ""
        return (fr or "").strip(), en.strip()

    def known_keys(self, data: Mapping, path: tuple, allowed: set[str]) -> None:
        """An unknown key is most often a typo, or a comma left unquoted in a flow mapping."""
        for key in data:
            if key not in allowed:
                self.add(
                    path + (key,),
                    f"clé inconnue « {key} » (attendu : {', '.join(sorted(allowed))}) ; "
                    "un texte contenant une virgule doit être entre guillemets.",
                )

    def number(
        self, data: Mapping, path: tuple, key: str, default: float | None = None
    ) -> float | None:
        value = data.get(key, default)
        if value is None:
            self.add(path + (key,), f"« {key} » est obligatoire et doit être un nombre.")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.add(path + (key,), f"« {key} » doit être un nombre (reçu : {value!r}).")
            return None
        return float(value)

    def key_list(self, data: Mapping, path: tuple, key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.add(path + (key,), f"« {key} » doit être une liste de clés.")
            return ()
        return tuple(str(v) for v in value)

    def thresholds(self, value: Any, path: tuple) -> tuple[float, float, float] | None:
        """Three lower bounds (levels 2, 3, 4), strictly increasing, within ]0, 100]."""
        if isinstance(value, Mapping):
            value = _int_keys(value)
            if sorted(value, key=str) != [2, 3, 4]:
                self.add(path, "les seuils doivent donner exactement les niveaux 2, 3 et 4.")
                return None
            value = [value[2], value[3], value[4]]
        if not isinstance(value, list) or len(value) != 3:
            self.add(path, "trois seuils sont attendus (début des niveaux 2, 3 et 4).")
            return None
        numbers: list[float] = []
        for index, item in enumerate(value):
            level_path = path + (index + 2,) if isinstance(value, Mapping) else path
            if isinstance(item, bool) or not isinstance(item, int | float):
                self.add(level_path, f"le seuil du niveau {index + 2} doit être un nombre.")
                return None
            if not 0 < item <= 100:
                self.add(
                    level_path,
                    f"le seuil du niveau {index + 2} ({item}) doit être entre 0 (exclu) et 100.",
                )
                return None
            numbers.append(float(item))
        for low, high, level in zip(numbers, numbers[1:], (3, 4), strict=False):
            if high <= low:
                self.add(
                    path,
                    f"les seuils doivent croître strictement : le niveau {level} ({high:g}) "
                    f"ne dépasse pas le niveau {level - 1} ({low:g}).",
                )
                return None
        return numbers[0], numbers[1], numbers[2]


def validate(
    raw: Any,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
    known_profiles: Sequence[str] = ACTOR_PROFILES,
) -> list[Problem]:
    """Every problem of a raw referential mapping (an empty list when it is usable)."""
    _, problems = _build(raw, lines, known_profiles)
    return problems


def build(
    raw: Any,
    lines: Mapping[tuple[str | int, ...], int] | None = None,
    known_profiles: Sequence[str] = ACTOR_PROFILES,
) -> Referential:
    """The Referential of a raw mapping; raises ReferentialError listing every problem."""
    referential, problems = _build(raw, lines, known_profiles)
    if problems or referential is None:
        raise ReferentialError(problems)
    return referential


def load_text(text: str, known_profiles: Sequence[str] = ACTOR_PROFILES) -> Referential:
    """Parse, validate and build a referential from YAML text (problems carry lines)."""
    raw, lines = parse_yaml(text)
    return build(raw, lines, known_profiles)


def _build(
    raw: Any, lines: Mapping | None, known_profiles: Sequence[str]
) -> tuple[Referential | None, list[Problem]]:
    check = _Checker(lines)
    if not isinstance(raw, Mapping):
        check.add((), "le référentiel doit être un dictionnaire (clé: valeur).")
        return None, check.problems

    check.known_keys(raw, (), _TOP_KEYS)
    key = check.text(raw, (), "key")
    version_value = raw.get("version")
    version = 0
    if isinstance(version_value, bool) or not isinstance(version_value, int) or version_value < 1:
        check.add(("version",), "« version » doit être un entier positif (1, 2, 3...).")
    else:
        version = version_value
    target = raw.get("target")
    if target not in TARGETS:
        check.add(
            ("target",), f"« target » doit valoir {' ou '.join(TARGETS)} (reçu : {target!r})."
        )
    title = check.bilingual(raw, (), "title")
    description = check.bilingual(raw, (), "description", required=False)
    points = raw.get("points", {}) or {}
    points_min = check.number(points, ("points",), "min", 0) if isinstance(points, Mapping) else 0
    points_max = check.number(points, ("points",), "max", 10) if isinstance(points, Mapping) else 10
    points_min = 0.0 if points_min is None else points_min
    points_max = 10.0 if points_max is None else points_max
    if points_min < 0:
        check.add(("points", "min"), "les points ne peuvent pas être négatifs.")
    if points_max <= points_min:
        check.add(("points", "max"), "« max » doit dépasser « min ».")

    levels = _build_levels(raw, check)
    overall = check.thresholds(raw.get("thresholds"), ("thresholds",))
    axes = _build_axes(raw, check, overall)
    axis_keys = {a.key for a in axes}
    questions = _build_questions(raw, check, axis_keys, known_profiles, points_min, points_max)
    for axis in axes:
        if not any(q.axis == axis.key for q in questions):
            index = [a.key for a in axes].index(axis.key)
            check.add(("axes", index), f"l'axe « {axis.key} » n'a aucune question.")
    if check.problems:
        return None, check.problems
    referential = Referential(
        key=key,
        version=version,
        target=str(target),
        title_fr=title[0],
        title_en=title[1],
        description_fr=description[0],
        description_en=description[1],
        levels=tuple(levels),
        thresholds=overall,  # type: ignore[arg-type]
        axes=tuple(axes),
        questions=tuple(questions),
        points_min=points_min,
        points_max=points_max,
    )
    return referential, []


def _build_levels(raw: Mapping, check: _Checker) -> list[Level]:
    items = raw.get("levels")
    if not isinstance(items, list):
        check.add(("levels",), "« levels » doit lister les 4 niveaux (clés 1 à 4).")
        return []
    levels: list[Level] = []
    for index, item in enumerate(items):
        path = ("levels", index)
        if not isinstance(item, Mapping):
            check.add(path, "chaque niveau doit être un dictionnaire.")
            continue
        check.known_keys(item, path, {"key", "label", "description"})
        level_key = item.get("key")
        if level_key not in LEVEL_KEYS:
            check.add(
                path + ("key",), f"la clé d'un niveau doit être 1, 2, 3 ou 4 ({level_key!r})."
            )
            continue
        label = check.bilingual(item, path, "label")
        meaning = check.bilingual(item, path, "description")
        levels.append(Level(level_key, label[0], label[1], meaning[0], meaning[1]))
    found = [lv.key for lv in levels]
    if sorted(found) != list(LEVEL_KEYS) and len(found) == len([i for i in items if i]):
        check.add(
            ("levels",), f"les niveaux doivent être exactement 1, 2, 3 et 4 (reçu : {found})."
        )
    return sorted(levels, key=lambda lv: lv.key)


def _build_axes(
    raw: Mapping, check: _Checker, overall: tuple[float, float, float] | None
) -> list[Axis]:
    items = raw.get("axes")
    if not isinstance(items, list) or not items:
        check.add(("axes",), "« axes » doit lister au moins un axe.")
        return []
    axes: list[Axis] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = ("axes", index)
        if not isinstance(item, Mapping):
            check.add(path, "chaque axe doit être un dictionnaire.")
            continue
        check.known_keys(item, path, _AXIS_KEYS)
        axis_key = check.text(item, path, "key")
        if axis_key and axis_key in seen:
            check.add(path + ("key",), f"l'axe « {axis_key} » est déclaré deux fois.")
        seen.add(axis_key)
        label = check.bilingual(item, path, "label")
        description = check.bilingual(item, path, "description", required=False)
        weight = check.number(item, path, "weight", 1) or 0.0
        if weight <= 0:
            check.add(path + ("weight",), "le poids d'un axe doit être strictement positif.")
        thresholds = (
            check.thresholds(item["thresholds"], path + ("thresholds",))
            if "thresholds" in item
            else overall
        )
        learning = _build_learning(item.get("learning") or {}, path + ("learning",), check)
        axes.append(
            Axis(
                key=axis_key,
                label_fr=label[0],
                label_en=label[1],
                description_fr=description[0],
                description_en=description[1],
                weight=weight,
                thresholds=thresholds or (25.0, 50.0, 75.0),
                learning=learning,
            )
        )
    return axes


def _build_learning(item: Any, path: tuple, check: _Checker) -> LearningRule:
    if not isinstance(item, Mapping):
        check.add(path, "« learning » doit être un dictionnaire (kinds, domains, resources).")
        return LearningRule()
    check.known_keys(item, path, {"kinds", "domains", "resources"})
    kinds = check.key_list(item, path, "kinds")
    for kind in kinds:
        if kind not in MEDOC_KINDS:
            check.add(
                path + ("kinds",),
                f"type de ressource inconnu « {kind} » (attendu : {', '.join(MEDOC_KINDS)}).",
            )
    return LearningRule(
        kinds=kinds,
        domains=check.key_list(item, path, "domains"),
        resources=check.key_list(item, path, "resources"),
    )


def _build_questions(
    raw: Mapping,
    check: _Checker,
    axis_keys: set[str],
    known_profiles: Sequence[str],
    points_min: float,
    points_max: float,
) -> list[Question]:
    items = raw.get("questions")
    if not isinstance(items, list) or not items:
        check.add(("questions",), "« questions » doit lister au moins une question.")
        return []
    questions: list[Question] = []
    earlier: dict[str, Question] = {}
    for index, item in enumerate(items):
        path = ("questions", index)
        if not isinstance(item, Mapping):
            check.add(path, "chaque question doit être un dictionnaire.")
            continue
        check.known_keys(item, path, _QUESTION_KEYS)
        qkey = check.text(item, path, "key")
        if qkey in earlier:
            check.add(path + ("key",), f"la question « {qkey} » est déclarée deux fois.")
        axis = check.text(item, path, "axis")
        if axis and axis not in axis_keys:
            check.add(
                path + ("axis",), f"la question « {qkey} » vise un axe inexistant « {axis} »."
            )
        qtype = item.get("type")
        if qtype not in QUESTION_TYPES:
            check.add(
                path + ("type",),
                f"type de question inconnu {qtype!r} (attendu : single, multiple ou scale).",
            )
        text = check.bilingual(item, path, "text")
        help_text = check.bilingual(item, path, "help", required=False)
        weight = check.number(item, path, "weight", 1)
        if weight is not None and weight <= 0:
            check.add(path + ("weight",), "le poids d'une question doit être strictement positif.")
        options: list[Option] = []
        scale: dict[str, Any] = {}
        if qtype in ("single", "multiple"):
            options = _build_options(item, path, check, qkey, points_min, points_max)
        elif qtype == "scale":
            scale = _build_scale(item, path, check, points_min, points_max)
        applies = check.key_list(item, path, "applies_to_profiles")
        not_for = check.key_list(item, path, "not_for_profiles")
        for rule, profiles in (("applies_to_profiles", applies), ("not_for_profiles", not_for)):
            for profile in profiles:
                if profile not in known_profiles:
                    check.add(
                        path + (rule,),
                        f"profil d'acteur inconnu « {profile} » dans « {rule} » "
                        f"(attendu : {', '.join(known_profiles)}).",
                    )
        if set(applies) & set(not_for):
            check.add(path, "un même profil est à la fois dans applies_to_profiles et not_for.")
        conditions = _build_conditions(item, path, check, qkey, earlier)
        question = Question(
            key=qkey,
            axis=axis,
            type=str(qtype),
            text_fr=text[0],
            text_en=text[1],
            help_fr=help_text[0],
            help_en=help_text[1],
            weight=weight or 1.0,
            options=tuple(options),
            applies_to_profiles=frozenset(applies),
            not_for_profiles=frozenset(not_for),
            conditions=tuple(conditions),
            **scale,
        )
        if qtype in QUESTION_TYPES and (options or scale) and question.max_points <= 0:
            check.add(path, f"la question « {qkey} » ne peut rapporter aucun point (maximum 0).")
        questions.append(question)
        if qkey:
            earlier.setdefault(qkey, question)
    return questions


def _build_options(
    item: Mapping, path: tuple, check: _Checker, qkey: str, points_min: float, points_max: float
) -> list[Option]:
    raw_options = item.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        check.add(path + ("options",), f"la question « {qkey} » doit proposer au moins 2 options.")
        return []
    options: list[Option] = []
    seen: set[str] = set()
    for index, raw_option in enumerate(raw_options):
        opath = path + ("options", index)
        if not isinstance(raw_option, Mapping):
            check.add(opath, "chaque option doit être un dictionnaire (key, label, points).")
            continue
        check.known_keys(raw_option, opath, {"key", "label", "points"})
        okey = check.text(raw_option, opath, "key")
        if okey in seen:
            check.add(opath + ("key",), f"l'option « {okey} » apparaît deux fois dans « {qkey} ».")
        seen.add(okey)
        label = check.bilingual(raw_option, opath, "label")
        points = check.number(raw_option, opath, "points")
        if points is not None and not points_min <= points <= points_max:
            check.add(
                opath + ("points",),
                f"{points:g} point(s) hors des bornes déclarées [{points_min:g}, {points_max:g}].",
            )
        options.append(Option(okey, label[0], label[1], points or 0.0))
    return options


def _build_scale(
    item: Mapping, path: tuple, check: _Checker, points_min: float, points_max: float
) -> dict[str, Any]:
    scale = item.get("scale")
    spath = path + ("scale",)
    if not isinstance(scale, Mapping):
        check.add(spath, "une question « scale » doit avoir « scale: {min, max} ».")
        return {}
    check.known_keys(scale, spath, {"min", "max", "points", "min_label", "max_label"})
    low, high = scale.get("min"), scale.get("max")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        check.add(spath, "« min » et « max » de l'échelle doivent être des entiers.")
        return {}
    if high <= low or high - low + 1 > MAX_SCALE_STEPS:
        check.add(
            spath, f"l'échelle doit aller de min à max (> min), {MAX_SCALE_STEPS} pas au plus."
        )
        return {}
    mapping: dict[int, float] = {}
    raw_points = scale.get("points")
    if raw_points is not None:
        if not isinstance(raw_points, Mapping):
            check.add(spath + ("points",), "« points » doit associer chaque valeur à ses points.")
            return {}
        raw_points = _int_keys(raw_points)
        for value in range(low, high + 1):
            if value not in raw_points:
                check.add(spath + ("points",), f"la valeur {value} de l'échelle n'a pas de points.")
                continue
            pts = raw_points[value]
            if isinstance(pts, bool) or not isinstance(pts, int | float):
                check.add(spath + ("points", value), "les points doivent être un nombre.")
                continue
            if not points_min <= pts <= points_max:
                check.add(
                    spath + ("points", value),
                    f"{pts:g} point(s) hors des bornes déclarées [{points_min:g}, {points_max:g}].",
                )
            mapping[value] = float(pts)
        extra = [v for v in raw_points if not (isinstance(v, int) and low <= v <= high)]
        if extra:
            check.add(spath + ("points",), f"valeurs hors de l'échelle : {extra}.")
    elif high - low > points_max:
        check.add(spath, f"l'échelle donne jusqu'à {high - low} points, au-delà de {points_max:g}.")
    labels_min = check.bilingual(scale, spath, "min_label", required=False)
    labels_max = check.bilingual(scale, spath, "max_label", required=False)
    return {
        "scale_min": low,
        "scale_max": high,
        "scale_points": mapping,
        "scale_min_label_fr": labels_min[0],
        "scale_min_label_en": labels_min[1],
        "scale_max_label_fr": labels_max[0],
        "scale_max_label_en": labels_max[1],
    }


def _build_conditions(
    item: Mapping, path: tuple, check: _Checker, qkey: str, earlier: Mapping[str, Question]
) -> list[Condition]:
    raw = item.get("when")
    if raw is None:
        return []
    raw_list = raw if isinstance(raw, list) else [raw]
    conditions: list[Condition] = []
    for index, entry in enumerate(raw_list):
        cpath = path + ("when",) + ((index,) if isinstance(raw, list) else ())
        if not isinstance(entry, Mapping):
            check.add(cpath, "une condition « when » doit être un dictionnaire.")
            continue
        other_key = entry.get("question")
        other = earlier.get(str(other_key))
        if other is None:
            check.add(
                cpath + ("question",),
                f"la condition de « {qkey} » nomme « {other_key} », qui n'est pas une question "
                "posée avant elle.",
            )
            continue
        any_of = entry.get("any_of")
        min_value = entry.get("min")
        if other.type == "scale":
            if (
                not isinstance(min_value, int)
                or not other.scale_min <= min_value <= other.scale_max
            ):
                check.add(
                    cpath + ("min",),
                    f"« min » doit être une valeur de l'échelle de « {other.key} » "
                    f"({other.scale_min} à {other.scale_max}).",
                )
                continue
            conditions.append(Condition(other.key, min_value=min_value))
        else:
            if not isinstance(any_of, list) or not any_of:
                check.add(cpath + ("any_of",), "« any_of » doit lister des options.")
                continue
            unknown = [o for o in any_of if o not in other.option_keys]
            if unknown:
                check.add(
                    cpath + ("any_of",),
                    f"options inconnues de « {other.key} » : {', '.join(map(str, unknown))}.",
                )
                continue
            conditions.append(Condition(other.key, any_of=frozenset(map(str, any_of))))
    return conditions


# --------------------------------------------------------------------------- scoring


class AnswerError(ValueError):
    """A tampered or malformed answer; names the question.

    `code` lets the web layer translate the message: unknown_question, unknown_option,
    out_of_range, not_a_number, not_a_list, not_a_choice, duplicate_option.
    """

    def __init__(self, question: str, code: str, value: object, message: str) -> None:
        self.question = question
        self.code = code
        self.value = value
        super().__init__(message)


def check_answer(question: Question, value: object) -> object:
    """The normalised answer (option key, sorted list of keys, or int); raises AnswerError."""
    qkey = question.key
    if question.type == "single":
        if not isinstance(value, str):
            raise AnswerError(qkey, "not_a_choice", value, f"« {qkey} » attend une seule option.")
        if question.option(value) is None:
            raise AnswerError(
                qkey, "unknown_option", value, f"option inconnue « {value} » pour « {qkey} »."
            )
        return value
    if question.type == "multiple":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise AnswerError(qkey, "not_a_list", value, f"« {qkey} » attend une liste d'options.")
        if len(set(value)) != len(value):
            raise AnswerError(
                qkey, "duplicate_option", value, f"une option est répétée dans « {qkey} »."
            )
        for item in value:
            if not isinstance(item, str) or question.option(item) is None:
                raise AnswerError(
                    qkey, "unknown_option", item, f"option inconnue « {item} » pour « {qkey} »."
                )
        order = question.option_keys
        return sorted(value, key=order.index)
    # scale: accept integers, and strings of digits as sent by an HTML form
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(qkey, "not_a_number", value, f"« {qkey} » attend un nombre entier.")
    if not question.scale_min <= value <= question.scale_max:
        raise AnswerError(
            qkey,
            "out_of_range",
            value,
            f"la valeur {value} de « {qkey} » sort de l'échelle "
            f"{question.scale_min}-{question.scale_max}.",
        )
    return value


def check_answers(referential: Referential, answers: Mapping[str, object]) -> dict[str, object]:
    """Every answer normalised; the first bad one raises AnswerError naming its question."""
    clean: dict[str, object] = {}
    for qkey, value in answers.items():
        question = referential.question(str(qkey))
        if question is None:
            raise AnswerError(
                str(qkey), "unknown_question", value, f"question inconnue « {qkey} »."
            )
        if value is None or value == []:
            continue  # left blank
        clean[question.key] = check_answer(question, value)
    return clean


def is_applicable(question: Question, profile: str | None, answers: Mapping[str, object]) -> bool:
    """The profile rules and the conditions on earlier answers (all must hold)."""
    return question.applies_to(profile) and conditions_hold(question.conditions, answers)


def conditions_hold(conditions: Sequence[Condition], answers: Mapping[str, object]) -> bool:
    """True when every condition on earlier answers is met (no answer: not met)."""
    for condition in conditions:
        answer = answers.get(condition.question)
        if answer is None:
            return False
        if condition.min_value is not None:
            if not isinstance(answer, int) or answer < condition.min_value:
                return False
        else:
            chosen = {answer} if isinstance(answer, str) else set(answer)  # type: ignore[arg-type]
            if not chosen & condition.any_of:
                return False
    return True


def question_points(question: Question, answer: object) -> float:
    """Points of a (checked) answer; no answer scores 0."""
    if answer is None:
        return 0.0
    if question.type == "single":
        option = question.option(answer)  # type: ignore[arg-type]
        return option.points if option else 0.0
    if question.type == "multiple":
        return sum(o.points for o in question.options if o.key in answer)  # type: ignore[operator]
    return question.points_for_scale(answer)  # type: ignore[arg-type]


def level_for(score: float, thresholds: Sequence[float]) -> int:
    """The highest level whose lower bound the score reaches (level 1 below the first)."""
    level = 1
    for index, bound in enumerate(thresholds):
        if score >= bound - 1e-9:
            level = index + 2
    return level


@dataclass(frozen=True)
class AxisResult:
    axis: str
    score: float | None  # None when no question of the axis applies
    level: int | None
    answered: int
    applicable: int
    not_applicable: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    referential: str
    version: int
    profile: str | None
    axes: tuple[AxisResult, ...]
    score: float | None
    level: int | None
    missing: tuple[str, ...]  # applicable questions left without an answer

    def axis(self, key: str) -> AxisResult:
        for axis in self.axes:
            if axis.axis == key:
                return axis
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "referential": self.referential,
            "version": self.version,
            "profile": self.profile,
            "score": self.score,
            "level": self.level,
            "missing": list(self.missing),
            "axes": [
                {
                    "axis": a.axis,
                    "score": a.score,
                    "level": a.level,
                    "answered": a.answered,
                    "applicable": a.applicable,
                    "not_applicable": list(a.not_applicable),
                }
                for a in self.axes
            ],
        }


def score(
    referential: Referential, answers: Mapping[str, object], profile: str | None = None
) -> Result:
    """Score answers against a referential for a respondent's profile.

    Raises AnswerError for an unknown question, an unknown option or an out-of-range value.
    Answers to questions that do not apply are checked but ignored.
    """
    clean = check_answers(referential, answers)
    axis_results: list[AxisResult] = []
    missing: list[str] = []
    for axis in referential.axes:
        total_weight = 0.0
        weighted = 0.0
        answered = 0
        not_applicable: list[str] = []
        for question in referential.questions_of(axis.key):
            if not is_applicable(question, profile, clean):
                not_applicable.append(question.key)
                continue
            answer = clean.get(question.key)
            if answer is None and question.type != "multiple":
                missing.append(question.key)
            else:
                answered += 1
            fraction = question_points(question, answer) / question.max_points
            total_weight += question.weight
            weighted += question.weight * min(1.0, max(0.0, fraction))
        applicable = len(referential.questions_of(axis.key)) - len(not_applicable)
        if total_weight <= 0:
            axis_results.append(AxisResult(axis.key, None, None, 0, 0, tuple(not_applicable)))
            continue
        axis_score = round(100.0 * weighted / total_weight, 2)
        axis_results.append(
            AxisResult(
                axis.key,
                axis_score,
                level_for(axis_score, axis.thresholds),
                answered,
                applicable,
                tuple(not_applicable),
            )
        )
    scored = [
        (referential.axis(a.axis).weight, a.score) for a in axis_results if a.score is not None
    ]
    overall: float | None = None
    overall_level: int | None = None
    if scored:
        overall = round(sum(w * s for w, s in scored) / sum(w for w, _ in scored), 2)
        overall_level = level_for(overall, referential.thresholds)
    return Result(
        referential=referential.key,
        version=referential.version,
        profile=profile,
        axes=tuple(axis_results),
        score=overall,
        level=overall_level,
        missing=tuple(missing),
    )


def to_dict(referential: Referential) -> dict[str, Any]:
    """A JSON-ready description of a referential (for the API and storage)."""
    from dataclasses import asdict

    data = asdict(referential)
    data.pop("_by_key", None)
    data.pop("_by_axis", None)
    for question in data["questions"]:
        question["applies_to_profiles"] = sorted(question["applies_to_profiles"])
        question["not_for_profiles"] = sorted(question["not_for_profiles"])
        question["scale_points"] = {str(k): v for k, v in question["scale_points"].items()}
        for condition in question["conditions"]:
            condition["any_of"] = sorted(condition["any_of"])
    return data
