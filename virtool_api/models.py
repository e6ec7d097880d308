"""Pydantic types shared by every domain's models."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from virtool_api.utils import as_utc, iso_timestamp

Timestamp = Annotated[
    datetime,
    AfterValidator(as_utc),
    PlainSerializer(iso_timestamp, return_type=str, when_used="json"),
]
"""A UTC datetime rendered as `2018-02-07T00:25:53.786000Z`."""

UNSEEN_IN_JSON = (as_utc,)
"""Validators whose work JSON does not show, which validating only to write JSON leaves out
(`api/model_fields.py`): `iso_timestamp` writes a naive datetime as UTC and a zoned one converted, as it
would write what `as_utc` makes of them."""


class FileFormat(StrEnum):
    """Formats of the files jobs keep: sample artifacts and analysis files."""

    SAM = "sam"
    BAM = "bam"
    FASTA = "fasta"
    FASTQ = "fastq"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"


class StrictModel(BaseModel):
    """Request bodies: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class UserRef(BaseModel):
    id: str
    handle: str


class IdRef(BaseModel):
    id: str


class IdNameRef(BaseModel):
    id: str
    name: str


class ErrorBody(BaseModel):
    """Every error answer. Some carry more keys that say what to do next (docs/api.md, "Errors,
    statuses and `Location`"): `hint` for people; `errors`, `ids`, `job`, `restricted_by` for programs."""

    id: str
    message: str
    hint: str | None = Field(default=None, description="What to do next, for people reading the answer.")
