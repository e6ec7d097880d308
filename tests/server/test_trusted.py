"""`api/trusted.py`: a response written from stored documents without validating them is the same text the
response model writes, for what the server stores; a model the dumper cannot mirror is refused up front."""

from datetime import UTC, datetime
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, Field, field_validator

from virtool_api.analyses.models import AnalysisSearchQuery
from virtool_api.analyses.service import analyses_page, analyses_page_json, analyses_page_read
from virtool_api.api.trusted import dumper, json_text
from virtool_api.jobs.models import JobSearchQuery
from virtool_api.jobs.service import create_job, jobs_page, jobs_page_json, jobs_page_read
from virtool_api.models import Timestamp
from virtool_api.samples.models import SampleSearchQuery
from virtool_api.samples.service import samples_page, samples_page_json, samples_page_read
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import run_steps
from virtool_api.users.service import user_ref


class Inner(BaseModel):
    ref: str = Field(alias="$ref")
    at: Timestamp | None = None


class Outer(BaseModel):
    id: str
    created_at: Timestamp
    inner: Inner | None = None
    inners: list[Inner] = Field(default_factory=list)
    flag: bool | str = False
    extra: dict[str, Any] = Field(default_factory=dict)


@pytest.mark.parametrize(
    "document",
    [
        {"id": "a", "created_at": datetime(2020, 1, 2, 3, 4, 5, 6)},
        {
            "id": "b",
            "created_at": datetime(2020, 1, 2, tzinfo=UTC),
            "inner": {"$ref": "/x", "at": datetime(999, 1, 1)},
            "inners": [{"$ref": "/y"}, Inner.model_validate({"$ref": "/z"})],
            "flag": "ip",
            "extra": {"ü": [1, 2.5, None], "at": [datetime(2020, 1, 1), datetime(2020, 1, 1, 1, tzinfo=UTC)]},
            "ignored": object(),
        },
    ],
)
def test_a_document_is_written_as_its_model_writes_it(document):
    expected = Outer.model_validate(document).model_dump_json(by_alias=True)

    assert json_text(dumper(Outer)(document)) == expected


def test_a_missing_required_field_is_refused():
    with pytest.raises(ValueError, match="id is required"):
        dumper(Outer)({"created_at": datetime(2020, 1, 1)})


class Checked(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def stripped(cls, value: str) -> str:
        return value.strip()


class Constrained(BaseModel):
    values: Annotated[list[int], Field(min_length=2)]


class Converted(BaseModel):
    name: Annotated[str, AfterValidator(str.strip)] | int


@pytest.mark.parametrize("model", [Checked, Constrained, Converted])
def test_a_model_the_dumper_cannot_mirror_is_refused_when_the_dumper_is_made(model):
    with pytest.raises(TypeError):
        dumper(model)


async def test_a_samples_page_is_the_text_its_models_write(ctx, factory):
    label = await insert_with_random_id(
        ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": "ö"}
    )
    plain = await factory.sample()
    full = await factory.sample(
        ready=True, labels=[label["_id"]], tags=["t1", "t2"], project="p1", notes='Say "hi"\n\ttwice'
    )
    await factory.create_sample_job(full)
    await ctx.db.samples.update_one({"_id": plain["_id"]}, {"$set": {"updated_at": None}})
    user, _ = await factory.person(administrator=True)
    query = SampleSearchQuery(per_page=5)

    read = await run_steps(ctx.db, samples_page_read(user, query))

    assert len(read[0]) == 2
    assert read[0][0]["job"] and read[0][0]["labels"]
    assert samples_page_json(query, read) == samples_page(query, read).model_dump_json(by_alias=True)


async def test_a_jobs_page_and_an_analyses_page_are_the_text_their_models_write(ctx, factory):
    user, _ = await factory.person(administrator=True)
    sample = await factory.sample(ready=True)
    await factory.analysis_job(await factory.analysis(sample))
    await factory.analysis(sample)
    await create_job(
        ctx, "create_sample", {"sample_id": "s1", "files": [{"id": 1, "name": "ü"}]}, user_ref(user)
    )

    jobs = await run_steps(ctx.db, jobs_page_read(user, JobSearchQuery()))
    analyses = await run_steps(ctx.db, analyses_page_read(user, AnalysisSearchQuery()))

    assert (len(jobs[0]), len(analyses[0])) == (2, 2)
    assert jobs_page_json(1, 25, jobs) == jobs_page(1, 25, jobs).model_dump_json(by_alias=True)
    assert analyses_page_json(1, 25, analyses) == analyses_page(1, 25, analyses).model_dump_json(
        by_alias=True
    )
