"""Sequence files as workflows handle them: FASTA written from reference JSON, gzip in and out, streamed.

FASTA and FASTQ are read with dnaio; nothing here holds a whole file in memory.
"""

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import dnaio
import ijson

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1024 * 1024


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def gzip_file(source: Path, target: Path, level: int = 6) -> None:
    with source.open("rb") as read, gzip.open(target, "wb", compresslevel=level) as write:
        shutil.copyfileobj(read, write, CHUNK)


def gunzip_file(source: Path, target: Path) -> None:
    with gzip.open(source, "rb") as read, target.open("wb") as write:
        shutil.copyfileobj(read, write, CHUNK)


def as_gzip(source: Path, target: Path) -> None:
    """`target` holds `source` gzip-compressed: moved as it is when it already is, compressed otherwise."""
    if is_gzip(source):
        source.replace(target)
    else:
        gzip_file(source, target)
        source.unlink()


def _open_json(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")  # type: ignore[return-value]


def iter_otus(path: Path) -> Iterator[dict[str, Any]]:
    """The OTUs of `otus.json.gz` (a list) or `reference.json.gz` (an object with `otus`), one at a time."""
    with _open_json(path) as handle:
        first = handle.read(1)
        while first.isspace():
            first = handle.read(1)
        handle.seek(0)
        prefix = "item" if first == b"[" else "otus.item"
        yield from ijson.items(handle, prefix, use_float=True)


def write_fasta(records: Iterator[tuple[str, str]], target: Path) -> int:
    """Write `(name, sequence)` records; how many."""
    count = 0
    with dnaio.open(target, mode="w", fileformat="fasta") as writer:
        for name, sequence in records:
            writer.write(dnaio.SequenceRecord(name, sequence))
            count += 1
    return count


def default_sequences(otus: Iterator[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """`(sequence id, sequence)` of every OTU's default isolate."""
    for otu in otus:
        for isolate in otu["isolates"]:
            if isolate["default"]:
                for sequence in isolate["sequences"]:
                    yield sequence["_id"], sequence["sequence"]


def dump_json_gz(value: Any, target: Path) -> None:
    with gzip.open(target, "wt", encoding="utf-8") as handle:
        json.dump(value, handle)
