"""The bounds on streamed JSON imports (`virtool_api/storage/streamed_json.py`): what passes is parsed exactly
as without them, and each limit is refused at the chunk that breaks it, wherever chunks split the file."""

import gzip
import io
import json
import threading

import ijson
import pytest

from tests.support.references_helpers import REFERENCE_EXPORT
from virtool_api.storage.streamed_json import BoundedJSONStream, ImportLimits, ImportStopped, LimitExceeded


class Dribble:
    """A file that hands out at most `step` bytes per read: every chunk boundary gets tried."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = io.BytesIO(data)
        self._step = step

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, self._step) if size > 0 else self._step)


def events(data: bytes, limits: ImportLimits = ImportLimits(), step: int = 7, item_depth: int = 3) -> list:
    return list(ijson.parse(BoundedJSONStream(Dribble(data, step), item_depth, limits=limits), buf_size=16))


def refusal(data: bytes, limits: ImportLimits, step: int = 7, item_depth: int = 3) -> str:
    with pytest.raises(LimitExceeded) as caught:
        events(data, limits, step, item_depth)
    return str(caught.value)


def test_a_real_export_parses_exactly_as_without_bounds():
    data = gzip.decompress(REFERENCE_EXPORT)
    assert events(data, step=4093) == list(ijson.parse(io.BytesIO(data)))


@pytest.mark.parametrize("step", [1, 2, 3, 5])
def test_escapes_and_brackets_inside_strings_are_not_structure(step):
    document = {"name": 'a "quoted" [name] {x}, \\ and \\"', "otus": [{"k": "\\\\", "v": ["]", "}", ","]}]}
    data = json.dumps(document).encode()
    limits = ImportLimits(depth=4, members=3, item_values=8)
    assert events(data, limits, step) == list(ijson.parse(io.BytesIO(data)))


def test_nesting_deeper_than_the_limit_is_refused():
    limits = ImportLimits(depth=4)
    assert events(b'{"otus": [{"x": []}]}', limits) != []
    assert refusal(b'{"otus": [{"x": [[]]}]}', limits) == "is nested deeper than 4 levels"


def test_a_string_longer_than_the_limit_is_refused_wherever_chunks_split_it():
    limits = ImportLimits(token=16)
    assert events(b'["' + b"a" * 16 + b'"]', limits, step=3)
    assert refusal(b'["' + b"a" * 17 + b'"]', limits, step=3) == "has a string longer than 16 bytes"
    escaped = b'["' + b'\\"' * 9 + b'"]'  # 18 bytes of escapes
    assert refusal(escaped, limits, step=1) == "has a string longer than 16 bytes"


def test_a_number_or_spaces_longer_than_the_limit_is_refused():
    limits = ImportLimits(token=16)
    assert refusal(b"[" + b"1" * 20 + b"]", limits) == "has a value longer than 16 bytes"
    assert refusal(b"[1," + b" " * 20 + b"2]", limits) == "has a value longer than 16 bytes"


def test_an_object_or_list_with_too_many_members_is_refused():
    limits = ImportLimits(members=3)
    assert events(b'{"a": 1, "b": 2, "c": [1, 2, 3]}', limits)
    assert (
        refusal(b'{"a": 1, "b": 2, "c": 3, "d": 4}', limits) == "has a list or object of more than 3 members"
    )
    assert refusal(b"[[1, 2, 3, 4]]", limits) == "has a list or object of more than 3 members"


def test_an_element_of_the_imported_list_is_bounded_in_bytes_and_values():
    assert refusal(b'{"otus": [{"a": "' + b"x" * 100 + b'"}]}', ImportLimits(item_size=64), step=16) == (
        "has an element larger than 64 bytes"
    )
    values = b'{"otus": [{"a": [1, 2, 3], "b": [4, 5, 6]}]}'
    assert events(values, ImportLimits(item_values=8))
    assert refusal(values, ImportLimits(item_values=7)) == "has an element of more than 7 values"
    # Elements are counted one at a time: many small ones pass.
    many = json.dumps({"otus": [{"a": [1, 2, 3]}] * 50}).encode()
    assert events(many, ImportLimits(item_values=8))


def test_the_whole_file_is_bounded():
    data = json.dumps({"otus": [{"a": 1}] * 20}).encode()
    assert events(data, ImportLimits(size=len(data)))
    assert (
        refusal(data, ImportLimits(size=len(data) - 1))
        == f"is larger than {len(data) - 1} bytes decompressed"
    )


def test_reading_stops_once_told():
    stop = threading.Event()
    stream = BoundedJSONStream(Dribble(b'{"otus": []}', 4), 3, stop)
    assert stream.read(4) == b'{"ot'
    stop.set()
    with pytest.raises(ImportStopped):
        stream.read(4)
