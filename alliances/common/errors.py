"""Errors raised when a shipped or imported data file cannot be read."""


class DataFileError(Exception):
    """A data file is missing or corrupt; says which file and where."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, ligne {line}" if line is not None else self.path
        super().__init__(f"{where} : {message}")
