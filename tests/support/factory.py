"""`Factory`: samples, analyses, jobs and people with API keys built through the service layer, for the
`factory` fixture (`tests/conftest.py`) and for tests that build them before a server process starts."""

from typing import Any

from tests.support.reads import QUALITY
from virtool_api.analyses.documents import create_analysis
from virtool_api.context import Context
from virtool_api.jobs.service import create_job
from virtool_api.samples.documents import create_sample
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.keys import create_api_key
from virtool_api.users.service import create_user
from virtool_api.utils import random_id, utc_now


class Factory:
    """Builds samples, analyses and jobs through the service layer, as the public API will."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._user: dict[str, Any] | None = None

    async def user(self) -> dict[str, str]:
        if self._user is None:
            document = await insert_with_random_id(
                self.ctx.db.users,
                {
                    "handle": f"user_{random_id(4)}",
                    "administrator": False,
                    "groups": [],
                    "created_at": utc_now(),
                },
            )
            self._user = {"id": document["_id"], "handle": document["handle"]}
        return self._user

    async def sample(self, ready: bool = False, **fields: Any) -> dict[str, Any]:
        extra = {"ready": True, "quality": QUALITY, "status": "available"} if ready else {}
        user = fields.pop("user", None) or await self.user()
        name = fields.pop("name", None) or f"Sample {random_id(6)}"
        return await create_sample(self.ctx, name=name, user=user, **{**extra, **fields})

    async def create_sample_job(self, sample: dict[str, Any]) -> dict[str, Any]:
        job = await create_job(
            self.ctx, "create_sample", {"sample_id": sample["_id"], "files": []}, await self.user()
        )
        await self.ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": {"job": {"id": job["_id"]}}})
        return job

    async def analysis(self, sample: dict[str, Any] | None = None, workflow: str = "pathoscope_bowtie"):  # type: ignore[no-untyped-def]
        sample = sample or await self.sample(ready=True)
        user = await self.user()
        reference = await insert_with_random_id(
            self.ctx.db.references, {"name": "Plant viruses", "data_type": "genome", "building_index": None}
        )
        index = await insert_with_random_id(
            self.ctx.db.indexes,
            {
                "reference": {"id": reference["_id"], "name": "Plant viruses", "data_type": "genome"},
                "version": 3,
                "ready": True,
                "has_files": True,
                "created_at": utc_now(),
                "user": user,
                "job": None,
            },
        )
        subtraction = await insert_with_random_id(
            self.ctx.db.subtractions,
            {
                "name": "Arabidopsis thaliana",
                "nickname": "",
                "ready": True,
                "created_at": utc_now(),
                "file": {"id": 1, "name": "arabidopsis.fa.gz"},
                "user": user,
                "job": None,
            },
        )
        return await create_analysis(
            self.ctx,
            sample=sample,
            workflow=workflow,
            reference=reference,
            index=index,
            subtractions=[subtraction],
            user=await self.user(),
        )

    async def analysis_job(self, analysis: dict[str, Any]) -> dict[str, Any]:
        job = await create_job(
            self.ctx,
            analysis["workflow"],
            {
                "analysis_id": analysis["_id"],
                "sample_id": analysis["sample"]["id"],
                "ref_id": analysis["reference"]["id"],
                "index_id": analysis["index"]["id"],
                "subtractions": [subtraction["id"] for subtraction in analysis["subtractions"]],
            },
            await self.user(),
        )
        await self.ctx.db.analyses.update_one({"_id": analysis["_id"]}, {"$set": {"job": {"id": job["_id"]}}})
        return job

    async def person(
        self, administrator: bool = False, groups: list[str] | None = None, handle: str | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """A user with an API key: returns the user document and the `X-API-Key` headers to act as them."""
        user = await create_user(self.ctx, handle or f"person_{random_id(5)}", administrator, groups)
        _, key = await create_api_key(self.ctx, user["_id"], "tests")
        return user, {"X-API-Key": key}
