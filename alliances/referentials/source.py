"""Read the shipped taxonomies (referentiels.yaml) and the project's labels (labels.yaml).

Plain Python (no Django): the whole source is read and checked before anything is stored, and
every problem names its file and line. The source file has several shapes:

- a list of dicts: `[{key, label, subtypes?, provisional?, <attribute>...}]`;
- a dict `{provisional: true, levels: [...]}` or `{provisional: true, items: [...]}`, whose
  items are dicts as above or bare keys (domains), labelled by labels.yaml.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alliances.common.errors import DataFileError

SOURCE_FILE = "referentiels.yaml"
LABELS_FILE = "labels.yaml"
KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Keys of a source item that are not free attributes (everything else goes to Term.extra).
RESERVED = {"key", "label", "subtypes", "provisional"}


class LineDict(dict):
    """A YAML mapping that remembers its line and the line of each key (from 1)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML sequence that remembers its line and the line of each item (from 1)."""

    line: int = 0
    item_lines: list


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool):
            raise DataFileError(loader.name, "clé de dictionnaire invalide", line)
        if key in mapping:
            # PyYAML would silently keep the last value: a duplicate is a mistake in the file.
            raise DataFileError(loader.name, f"la clé « {key} » apparaît deux fois", line)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file keeping lines; DataFileError (with the line) when it is corrupt."""
    if not path.is_file():
        raise DataFileError(path, "fichier introuvable")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"le fichier n'est pas en UTF-8 ({error.reason})") from error
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(path, f"YAML invalide : {problem}", line) from error
    finally:
        loader.dispose()


def digest(*values: object) -> str:
    """A stable digest of a source row (and its project labels)."""
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TermSpec:
    key: str
    label_fr: str
    label_en: str
    position: int
    parent: str | None
    extra: dict = field(default_factory=dict)
    provisional: bool = False
    line: int | None = None
    digest: str = ""


@dataclass(frozen=True)
class TaxonomySpec:
    key: str
    name_fr: str
    name_en: str
    provisional: bool
    position: int
    terms: tuple[TermSpec, ...]
    digest: str = ""


def _line(container: Any, key: Any) -> int | None:
    if isinstance(container, LineDict):
        return container.key_lines.get(key, container.line)
    return None


def _item_line(items: Any, index: int) -> int | None:
    if isinstance(items, LineList) and index < len(items.item_lines):
        return items.item_lines[index]
    return None


def _key(value: Any, path: Path, where: str, line: int | None) -> str:
    # YAML reads `key: 1` as an integer (maturity levels): keys are stored as text.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DataFileError(path, f"{where} : clé absente ou invalide", line)
    key = str(value)
    if not KEY_PATTERN.match(key) or len(key) > 60:
        raise DataFileError(
            path, f"{where} : clé « {key} » invalide (lettres, chiffres, _ ou -)", line
        )
    return key


def _text(value: Any, path: Path, where: str, line: int | None) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value):
        raise DataFileError(path, f"{where} : un texte non vide est attendu", line)
    text = " ".join(str(value).split())
    if len(text) > 200:
        raise DataFileError(path, f"{where} : texte trop long (200 caractères au plus)", line)
    return text


def _plain(value: Any) -> Any:
    """LineDict/LineList back to plain JSON-ready values (for Term.extra)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _list_items(value: Any, path: Path, taxonomy: str, line: int | None) -> tuple[Any, bool]:
    """The items of a list and its `provisional` flag, whatever the shape."""
    if isinstance(value, list):
        return value, False
    if isinstance(value, dict):
        provisional = value.get("provisional", False)
        if not isinstance(provisional, bool):
            raise DataFileError(
                path,
                f"{taxonomy} : « provisional » doit valoir true ou false",
                _line(value, "provisional"),
            )
        lists = [k for k in ("levels", "items") if k in value]
        unknown = sorted(str(k) for k in value if k not in ("provisional", "levels", "items"))
        if unknown:
            raise DataFileError(
                path, f"{taxonomy} : clé inattendue « {unknown[0]} »", _line(value, unknown[0])
            )
        if len(lists) != 1 or not isinstance(value[lists[0]], list):
            raise DataFileError(
                path, f"{taxonomy} : une liste « levels » ou « items » est attendue", line
            )
        return value[lists[0]], provisional
    raise DataFileError(path, f"{taxonomy} : une liste de termes est attendue", line)


def _labels_for(
    labels: dict, labels_path: Path, taxonomy: str, key: str
) -> tuple[dict[str, Any], int | None]:
    terms = labels.get(taxonomy, {}).get("terms") or {}
    for candidate in (key, int(key) if key.isdigit() else None):
        if candidate is not None and candidate in terms:
            entry = terms[candidate]
            line = _line(terms, candidate)
            if not isinstance(entry, dict):
                raise DataFileError(
                    labels_path, f"{taxonomy}.{key} : un dictionnaire est attendu", line
                )
            return entry, line
    return {}, None


def read_labels(path: Path) -> dict:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "un dictionnaire par liste est attendu", 1)
    for taxonomy, entry in data.items():
        line = _line(data, taxonomy)
        if not isinstance(entry, dict):
            raise DataFileError(path, f"{taxonomy} : un dictionnaire est attendu", line)
        terms = entry.get("terms") or {}
        if not isinstance(terms, dict):
            raise DataFileError(path, f"{taxonomy} : « terms » doit être un dictionnaire", line)
    return data


def _read_terms(
    taxonomy: str, items: list, source_path: Path, labels: dict, labels_path: Path
) -> list[TermSpec]:
    """The terms of one list, subtypes right after their parent, positions from 1."""
    terms: list[TermSpec] = []
    seen: dict[str, int | None] = {}

    def add(spec: TermSpec) -> None:
        if spec.key in seen:
            raise DataFileError(
                source_path,
                f"{taxonomy} : la clé « {spec.key} » apparaît deux fois "
                f"(déjà ligne {seen[spec.key]})",
                spec.line,
            )
        seen[spec.key] = spec.line
        terms.append(spec)

    for index, item in enumerate(items):
        item_line = _item_line(items, index)
        if isinstance(item, dict):
            key = _key(item.get("key"), source_path, f"{taxonomy}, terme n° {index + 1}", item_line)
            where = f"{taxonomy}.{key}"
            entry, entry_line = _labels_for(labels, labels_path, taxonomy, key)
            label_fr = _text(item.get("label"), source_path, f"{where} : « label »", item_line)
            term_provisional = item.get("provisional", False)
            if not isinstance(term_provisional, bool):
                raise DataFileError(
                    source_path,
                    f"{where} : « provisional » doit valoir true ou false",
                    item_line,
                )
            extra = {str(k): _plain(v) for k, v in item.items() if k not in RESERVED}
            subtypes = item.get("subtypes") or []
        else:
            key = _key(item, source_path, f"{taxonomy}, terme n° {index + 1}", item_line)
            where = f"{taxonomy}.{key}"
            entry, entry_line = _labels_for(labels, labels_path, taxonomy, key)
            if "label_fr" not in entry:
                # The source names this term by its key only: the label is the project's.
                raise DataFileError(
                    labels_path,
                    f"{where} : « label_fr » manque (la source ne donne que la clé, "
                    f"ligne {item_line} de {source_path.name})",
                    entry_line,
                )
            label_fr = _text(entry["label_fr"], labels_path, f"{where} : « label_fr »", entry_line)
            term_provisional = False
            extra = {}
            subtypes = []
        extra.update(_translated_extra(entry, extra, labels_path, where, entry_line))
        label_en = _optional_text(entry.get("label_en"), labels_path, where, entry_line)
        position = len(terms) + 1
        add(
            TermSpec(
                key=key,
                label_fr=label_fr,
                label_en=label_en,
                position=position,
                parent=None,
                extra=extra,
                provisional=term_provisional,
                line=item_line,
                digest=digest(taxonomy, key, position, _plain(item), _plain(entry)),
            )
        )
        if not isinstance(subtypes, list):
            raise DataFileError(
                source_path, f"{where} : « subtypes » doit être une liste", item_line
            )
        for sub_index, sub in enumerate(subtypes):
            sub_line = _item_line(subtypes, sub_index) or item_line
            sub_key = _key(sub, source_path, f"{where}, sous-type n° {sub_index + 1}", sub_line)
            sub_entry, sub_entry_line = _labels_for(labels, labels_path, taxonomy, sub_key)
            if "label_fr" not in sub_entry:
                raise DataFileError(
                    labels_path,
                    f"{taxonomy}.{sub_key} : « label_fr » manque (sous-type de « {key} », "
                    f"ligne {sub_line} de {source_path.name})",
                    sub_entry_line,
                )
            sub_position = len(terms) + 1
            add(
                TermSpec(
                    key=sub_key,
                    label_fr=_text(
                        sub_entry["label_fr"],
                        labels_path,
                        f"{taxonomy}.{sub_key}",
                        sub_entry_line,
                    ),
                    label_en=_optional_text(
                        sub_entry.get("label_en"),
                        labels_path,
                        f"{taxonomy}.{sub_key}",
                        sub_entry_line,
                    ),
                    position=sub_position,
                    parent=key,
                    line=sub_line,
                    digest=digest(taxonomy, sub_key, sub_position, key, _plain(sub_entry)),
                )
            )
    return terms


def read_referentials(
    source_path: Path, labels_path: Path, notes: list[str] | None = None
) -> list[TaxonomySpec]:
    """Every list of the source with its terms and labels; DataFileError on any problem.

    Labels for a term or list that is not (or no longer) in the source are not an error (the
    source may drop a term before the project's labels catch up): each one is described in
    `notes`, for the loader to report.
    """
    notes = notes if notes is not None else []
    data = load_yaml(source_path)
    labels = read_labels(labels_path)
    if not isinstance(data, dict) or not data:
        raise DataFileError(source_path, "un dictionnaire de listes est attendu", 1)
    taxonomies = []
    for tax_position, (raw_key, value) in enumerate(data.items(), start=1):
        line = _line(data, raw_key)
        taxonomy = _key(raw_key, source_path, "liste", line)
        items, provisional = _list_items(value, source_path, taxonomy, line)
        tax_labels = labels.get(raw_key) or {}
        terms = _read_terms(taxonomy, items, source_path, labels, labels_path)
        notes += _unused_labels(labels, labels_path, raw_key, taxonomy, {t.key for t in terms})
        name_fr = _text(
            tax_labels.get("name_fr") or taxonomy, labels_path, f"{taxonomy} : nom", line
        )
        name_en = _optional_text(tax_labels.get("name_en"), labels_path, f"{taxonomy} : nom", line)
        taxonomies.append(
            TaxonomySpec(
                key=taxonomy,
                name_fr=name_fr,
                name_en=name_en,
                provisional=provisional,
                position=tax_position,
                terms=tuple(terms),
                digest=digest(taxonomy, tax_position, provisional, name_fr, name_en),
            )
        )
    for key in labels:
        if key not in data:
            notes.append(
                f"{labels_path.name}, ligne {_line(labels, key)} : la liste « {key} » "
                f"n'est pas dans {source_path.name} (libellés ignorés)"
            )
    return taxonomies


def _optional_text(value: Any, path: Path, where: str, line: int | None) -> str:
    return "" if value in (None, "") else _text(value, path, where, line)


def _translated_extra(
    entry: dict, extra: dict, path: Path, where: str, line: int | None
) -> dict[str, Any]:
    """`<attribute>_en` of labels.yaml: the item-by-item translation of a source attribute."""
    translated = {}
    for name, value in entry.items():
        if name in ("label_fr", "label_en"):
            continue
        base = str(name).removesuffix("_en")
        if not str(name).endswith("_en") or base not in extra:
            raise DataFileError(path, f"{where} : attribut inattendu « {name} »", line)
        source = extra[base]
        if isinstance(source, list) and (not isinstance(value, list) or len(value) != len(source)):
            raise DataFileError(
                path,
                f"{where} : « {name} » doit traduire les {len(source)} éléments de « {base} »",
                line,
            )
        translated[str(name)] = _plain(value)
    return translated


def _unused_labels(
    labels: dict, path: Path, raw_key: Any, taxonomy: str, keys: set[str]
) -> list[str]:
    terms = (labels.get(raw_key) or {}).get("terms") or {}
    return [
        f"{path.name}, ligne {_line(terms, key)} : le terme « {taxonomy}.{key} » n'est pas "
        "dans la source (libellés ignorés)"
        for key in terms
        if str(key) not in keys
    ]
