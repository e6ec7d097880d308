"""`create_sample`: a sample from the reads a person uploaded, with its read quality.

The one or two uploads (single or paired) are downloaded, stored gzip-compressed (compressed here when they
were uploaded plain), measured as FastQC measures them (`runner/quality.py`: streamed, in bounded memory),
uploaded as `reads_1.fq.gz` (and `reads_2.fq.gz`), and the sample finalized with its `quality`. On failure
the unfinalized sample is removed, as Virtool's create-sample workflow does; the uploads stay.
"""

import asyncio
from pathlib import Path

from virtool_api.jobs.models import Workflow
from virtool_api.runner.files import as_gzip
from virtool_api.runner.quality import read_quality
from virtool_api.runner.steps import WorkflowJob, step


class CreateSample(WorkflowJob):
    workflow = Workflow.CREATE_SAMPLE

    @property
    def sample_path(self) -> str:
        return f"/samples/{self.args['sample_id']}"

    @step("Download the reads")
    async def download(self) -> None:
        """Download the uploaded reads, gzip-compressed as samples keep them."""
        await self.api.json("GET", self.sample_path)
        self.reads: list[Path] = []
        for number, file in enumerate(self.args["files"], 1):
            upload = self.work / f"upload_{number}"
            await self.api.download(f"/uploads/{file['id']}", upload)
            reads = self.work / f"reads_{number}.fq.gz"
            await asyncio.to_thread(as_gzip, upload, reads)
            self.reads.append(reads)

    @step("Measure read quality")
    async def measure(self) -> None:
        """Count the reads and measure their quality, as FastQC does."""
        self.quality = await self.in_thread(read_quality, self.reads)

    @step("Upload the reads and finalize")
    async def upload(self) -> None:
        """Upload the reads and finalize the sample with its quality."""
        for path in self.reads:
            await self.api.upload("PUT", f"{self.sample_path}/reads/{path.name}", path, path.name)
        await self.api.json("PATCH", self.sample_path, {"quality": self.quality})

    async def clean_up(self) -> None:
        await self.api.json("DELETE", self.sample_path)
