"""Where recordings' bytes live: behind one small interface, a directory by default.

The database keeps each recording's metadata (bot.db.models.Recording) and names its file by
content digest, so the same bytes are stored once and a file can be checked against its
name. Another backend (an S3-compatible bucket, say) implements the same three calls; the
README says how to plug one in. Files are written under a temporary name and renamed, so a
crash never leaves half a recording under its real name.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{64}\.(ogg|mp3|m4a)$")


def audio_key(sha256: str, extension: str) -> str:
    return f"{sha256}.{extension}"


class AudioStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None:
        """The bytes, or None when the file is gone."""
        ...

    async def delete(self, key: str) -> None: ...


class DirectoryStore:
    """Recordings as files in one directory (AUDIO_DIR), named by digest."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # a key is ours, never a path someone chose
            raise ValueError("not a recording key")
        return self.root / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    def _write(self, path: Path, data: bytes) -> None:
        if path.is_file() and path.stat().st_size == len(data):
            return  # the same digest: the same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)
