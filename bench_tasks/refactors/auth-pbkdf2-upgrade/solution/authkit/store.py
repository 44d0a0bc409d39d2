"""User records and where they are kept."""

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class UserRecord:
    username: str
    password_hash: str
    failed_attempts: int = 0
    locked: bool = False


class MemoryUserStore:
    """Keeps records in a dict (copies in, copies out)."""

    def __init__(self) -> None:
        self._records: dict[str, UserRecord] = {}

    def get(self, username: str) -> UserRecord | None:
        record = self._records.get(username)
        return dataclasses.replace(record) if record is not None else None

    def put(self, record: UserRecord) -> None:
        self._records[record.username] = dataclasses.replace(record)


class JsonUserStore:
    """Keeps records in a JSON file: ``{"alice": {"password_hash": ..., ...}, ...}``.

    The file is read on every ``get`` and rewritten (atomically) on every ``put``.
    A missing file is an empty store.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _load(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def get(self, username: str) -> UserRecord | None:
        data = self._load().get(username)
        return UserRecord(username=username, **data) if data is not None else None

    def put(self, record: UserRecord) -> None:
        data = self._load()
        fields = dataclasses.asdict(record)
        del fields["username"]
        data[record.username] = fields
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
