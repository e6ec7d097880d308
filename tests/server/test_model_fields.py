"""`FieldsWriter` writes what validating into the model and writing the model writes, byte for byte, or raises
what validating into the model raises.

The documents vary as stored ones do: optional fields missing or None, keys in any order (a typed dict's
serializer writes a dict's keys in its order; the model, in its fields' order), stored fields the model does
not declare, naive and zoned timestamps, enums as stored strings or as members, nested models missing their
defaults.
"""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, computed_field

from virtool_api.analyses.models import ANALYSIS_JSON, Analysis
from virtool_api.api.model_fields import FieldsWriter
from virtool_api.jobs.models import JobState, JobSummary
from virtool_api.models import UserRef
from virtool_api.samples.models import SAMPLE_JSON, LibraryType, Sample, SampleStatus, Visibility

MISSING = object()
"""A key the stored document does not have."""

TEXT = st.text(max_size=8)
IDS = st.text("abcdefghij0123456789", min_size=1, max_size=6)
TIMESTAMPS = st.builds(
    lambda naive, zone: naive if zone is None else naive.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from([None, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]),
)
EXTRAS = st.dictionaries(st.sampled_from(["_id", "lower_name", "secret", "sample_access"]), TEXT, max_size=3)


def enum_values(enum: Any) -> st.SearchStrategy[Any]:
    """A stored enum: its value as a string or the member itself."""
    return st.sampled_from([*enum, *(member.value for member in enum)])


@st.composite
def stored(draw: st.DrawFn, fields: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """A dict of `fields` (each drawn) and of the `optional` ones drawn present, with stored extras, its
    keys shuffled."""
    document = {key: draw(strategy) for key, strategy in fields.items()}
    for key, strategy in (optional or {}).items():
        value = draw(st.one_of(st.just(MISSING), strategy))
        if value is not MISSING:
            document[key] = value
    document.update(draw(EXTRAS))
    return dict(draw(st.permutations(list(document.items()))))


USERS = stored({"id": IDS, "handle": TEXT})
JOBS = st.none() | stored(
    {
        "id": IDS,
        "created_at": TIMESTAMPS,
        "progress": st.integers(0, 100),
        "state": enum_values(JobState),
        "user": USERS,
        "workflow": TEXT,
    },
    {"stage": st.none() | TEXT},
)
FILE_FIELDS = {
    "id": st.integers(1, 2**31),
    "name": TEXT,
    "name_on_disk": TEXT,
    "size": st.integers(0, 2**40),
    "uploaded_at": TIMESTAMPS,
    "download_url": TEXT,
}
QUALITY = stored(
    {
        "bases": st.lists(
            st.lists(st.floats(allow_nan=False) | st.integers(-1000, 1000), max_size=4), max_size=3
        ),
        "composition": st.lists(st.lists(st.floats(allow_nan=False), max_size=4), max_size=3),
        "count": st.integers(0, 2**40),
        "encoding": TEXT,
        "gc": st.floats(allow_nan=False, allow_infinity=False),
        "length": st.lists(st.integers(0, 500), min_size=2, max_size=2),
        "sequences": st.lists(st.integers(0, 10**6), max_size=4),
    }
)
WORKFLOW_STATES = st.sampled_from(["complete", "incompatible", "none", "pending"])

SAMPLES = stored(
    {
        "$uri": TEXT,
        "id": IDS,
        "name": TEXT,
        "created_at": TIMESTAMPS,
        "host": TEXT,
        "isolate": TEXT,
        "locale": TEXT,
        "notes": TEXT,
        "labels": st.lists(
            stored({"id": st.integers(0, 99) | IDS, "name": TEXT, "color": TEXT}, {"description": TEXT}),
            max_size=3,
        ),
        "library_type": enum_values(LibraryType),
        "nuvs": st.booleans() | TEXT,
        "pathoscope": st.booleans() | TEXT,
        "workflows": stored(
            {}, {"aodp": WORKFLOW_STATES, "nuvs": WORKFLOW_STATES, "pathoscope": WORKFLOW_STATES}
        ),
        "ready": st.booleans(),
        "user": USERS,
        "owner": USERS,
        "status": enum_values(SampleStatus),
        "visibility": enum_values(Visibility),
        "all_read": st.booleans(),
        "all_write": st.booleans(),
        "group_read": st.booleans(),
        "group_write": st.booleans(),
        "hold": st.booleans(),
        "is_legacy": st.booleans(),
        "format": TEXT,
        "paired": st.booleans(),
        "reads": st.lists(
            stored({**FILE_FIELDS, "sample": IDS}, {"upload": st.none() | st.integers(1, 99)}), max_size=2
        ),
        "artifacts": st.lists(stored({**FILE_FIELDS, "type": TEXT}), max_size=2),
        "subtractions": st.lists(stored({"id": IDS, "name": TEXT}), max_size=2),
    },
    {
        "updated_at": st.none() | TIMESTAMPS,
        "group": st.none() | TEXT,
        "job": JOBS,
        "error_msg": st.none() | TEXT,
        "project": st.none() | st.builds(lambda ref: {"$ref": ref}, TEXT),
        "tags": st.lists(st.builds(lambda ref: {"$ref": ref}, TEXT), max_size=2),
        "filename": st.none() | TEXT,
        "size": st.none() | st.integers(0, 2**40),
        "imported": st.booleans(),
        "archived": st.booleans(),
        "quality": st.none() | QUALITY,
        "metadata": st.dictionaries(TEXT, st.none() | TEXT | st.integers() | st.lists(TEXT, max_size=2)),
    },
)

REFS = stored({"id": IDS, "name": TEXT})
ANALYSES = stored(
    {
        "id": IDS,
        "created_at": TIMESTAMPS,
        "index": stored({"id": IDS, "version": st.integers(0, 99)}),
        "reference": stored({"id": IDS, "name": TEXT, "data_type": st.sampled_from(["genome", "barcode"])}),
        "ready": st.booleans(),
        "sample": REFS,
        "subtractions": st.lists(REFS, max_size=3),
        "user": USERS,
        "workflow": TEXT,
        "files": st.lists(
            stored(
                {
                    **FILE_FIELDS,
                    "analysis": IDS,
                    "description": st.none() | TEXT,
                    "format": st.sampled_from(["sam", "bam", "fasta", "fastq", "csv", "tsv", "json"]),
                }
            ),
            max_size=2,
        ),
    },
    {
        "updated_at": st.none() | TIMESTAMPS,
        "job": JOBS,
        "ml": st.none() | st.dictionaries(TEXT, TEXT, max_size=2),
        "results": st.none(),
    },
)


def validated_json(model: type[BaseModel], fields: dict[str, Any], exclude: set[str] | None = None) -> bytes:
    """What the routes wrote before: the model validated, then written."""
    validated = model.model_validate(fields)
    return validated.__pydantic_serializer__.to_json(validated, by_alias=True, exclude=exclude)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(SAMPLES)
def test_a_sample_is_written_as_validating_writes_it(fields: dict[str, Any]) -> None:
    assert SAMPLE_JSON.json(fields) == validated_json(Sample, fields)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(ANALYSES)
def test_an_analysis_is_written_as_validating_writes_it(fields: dict[str, Any]) -> None:
    assert ANALYSIS_JSON.json(fields) == validated_json(Analysis, fields)
    assert ANALYSIS_JSON.json(fields, {"results"}) == validated_json(Analysis, fields, {"results"})


def sample_fields() -> dict[str, Any]:
    return {
        "$uri": "/api/samples/s1",
        "_id": "s1",
        "id": "s1",
        "name": "Grapevine",
        "created_at": datetime(2020, 1, 1, 0, 25, 53, 786000),
        "host": "",
        "isolate": "",
        "locale": "",
        "notes": "",
        "labels": [{"_id": 1, "id": 1, "name": "Bug", "color": "#000000"}],
        "library_type": "normal",
        "nuvs": False,
        "pathoscope": False,
        "workflows": {"nuvs": "none"},
        "ready": True,
        "user": {"handle": "bob", "id": "u1"},
        "owner": {"handle": "bob", "id": "u1"},
        "status": "available",
        "visibility": "private",
        "all_read": True,
        "all_write": False,
        "group_read": True,
        "group_write": False,
        "hold": False,
        "is_legacy": False,
        "format": "fastq",
        "paired": False,
        "reads": [],
        "artifacts": [],
        "subtractions": [],
        "lower_name": "grapevine",
    }


def test_defaults_missing_from_the_dict_are_written_and_stored_extras_are_not() -> None:
    validated = SAMPLE_JSON.validated(sample_fields())
    assert type(validated["labels"][0]) is dict
    assert validated["created_at"].tzinfo is None  # as stored: its JSON writes it as UTC (`UNSEEN_IN_JSON`)
    written = SAMPLE_JSON.json(sample_fields()).decode()
    assert written == validated_json(Sample, sample_fields()).decode()
    assert '"updated_at":null' in written
    assert '"metadata":{}' in written
    assert '"description":""' in written
    assert '"aodp":"none"' in written
    assert "lower_name" not in written
    assert '"_id"' not in written
    assert written.startswith('{"$uri":"/api/samples/s1","id":"s1","name":"Grapevine",')
    assert '"created_at":"2020-01-01T00:25:53.786000Z"' in written


@pytest.mark.parametrize("path", [("name",), ("user", "handle"), ("labels", 0, "color"), ("host", None)])
def test_a_missing_or_invalid_value_raises_what_validating_raises(path: tuple[Any, ...]) -> None:
    """A required key missing, or a value of the wrong type (a number for `host`): the model's own error,
    not a body without it."""
    fields = sample_fields()
    *parents, last = [key for key in path if key is not None]
    holder: Any = fields
    for key in parents:
        holder = holder[key]
    if path[-1] is None:
        holder[last] = 3
    else:
        del holder[last]
    with pytest.raises(ValidationError) as validating:
        Sample.model_validate(fields)
    with pytest.raises(ValidationError) as writing:
        SAMPLE_JSON.json(fields)
    assert writing.value.errors() == validating.value.errors()


def test_values_validation_coerces_are_written_coerced() -> None:
    """A value validation turns into the field's type (an integer where a float goes) is written as the model
    writes it."""
    fields = sample_fields()
    fields["quality"] = {
        "bases": [[31, 32.5]],
        "composition": [[1, 2, 3, 4]],
        "count": 1.0,
        "encoding": "Sanger",
        "gc": 40,
        "length": [76, 151],
        "sequences": [0, 10],
    }
    assert SAMPLE_JSON.json(fields) == validated_json(Sample, fields)
    assert b'"bases":[[31.0,32.5]]' in SAMPLE_JSON.json(fields)


def test_results_are_written_as_the_model_writes_them() -> None:
    """`Analysis.results` (one of several models, not validated) is written by the model's own serializer."""
    fields = {
        "id": "a1",
        "created_at": datetime(2020, 1, 1),
        "index": {"id": "i1", "version": 0},
        "reference": {"id": "r1", "name": "Viruses", "data_type": "genome"},
        "ready": True,
        "sample": {"id": "s1", "name": "Grapevine"},
        "subtractions": [],
        "user": {"id": "u1", "handle": "bob"},
        "workflow": "aodp",
        "files": [],
        "results": {"hits": [], "extra": 1},
    }
    assert ANALYSIS_JSON.json(fields) == validated_json(Analysis, fields)


def test_a_model_with_computed_fields_is_refused() -> None:
    """A computed field is read from the model, which the writer does not build."""

    class WithComputed(BaseModel):
        a: int

        @computed_field  # type: ignore[prop-decorator]
        @property
        def b(self) -> int:
            return self.a

    with pytest.raises(TypeError):
        FieldsWriter(WithComputed)


def test_a_model_given_built_is_written_as_the_model_writes_it() -> None:
    """A typed dict refuses a built model (a job's summary): the fields go through the model instead."""
    fields = sample_fields()
    fields["job"] = JobSummary(
        id="j1",
        created_at=datetime(2020, 1, 1),
        progress=1,
        state=JobState.RUNNING,
        user=UserRef(id="u1", handle="bob"),
        workflow="nuvs",
    )
    assert SAMPLE_JSON.json(fields) == validated_json(Sample, fields)
    assert b'"job":{"id":"j1"' in SAMPLE_JSON.json(fields)
