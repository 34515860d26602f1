"""Record which version of each shipped dataset is loaded (shown by /healthz and /sources/)."""

import hashlib
from pathlib import Path

from .models import LoadedDataset


def file_checksum(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def row_digest(*values: object) -> str:
    """A stable digest of a source row, to tell whether it changed since the last load."""
    return hashlib.sha256(repr(values).encode()).hexdigest()


def record_dataset(name: str, version: str, checksum: str, rows: int) -> bool:
    """Store the loaded version; return True when it changed (or is new)."""
    current = LoadedDataset.objects.filter(name=name).first()
    if current and (current.version, current.checksum, current.rows) == (version, checksum, rows):
        return False
    LoadedDataset.objects.update_or_create(
        name=name, defaults={"version": version, "checksum": checksum, "rows": rows}
    )
    return True
