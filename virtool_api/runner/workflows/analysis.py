"""What every analysis job does first: download the sample's reads, the analysis's index and its
subtractions (docs/api.md, "Job API"), and, on failure, remove the unfinalized analysis."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from virtool_api.runner.files import iter_otus
from virtool_api.runner.steps import WorkflowJob, step
from virtool_api.runner.tools import BOWTIE2, BOWTIE2_BUILD, Tool
from virtool_api.runner.workflows.build_index import BOWTIE2_SUFFIXES

INDEX_FILES = ("reference.json.gz", "reference.fa.gz", *(f"reference{suffix}" for suffix in BOWTIE2_SUFFIXES))


class AnalysisJob(WorkflowJob):
    tools: ClassVar[Sequence[Tool]] = (BOWTIE2, BOWTIE2_BUILD)

    @property
    def analysis_path(self) -> str:
        return f"/analyses/{self.args['analysis_id']}"

    @step("Download the reads, the index and the subtractions")
    async def prepare(self) -> None:
        """Download the sample's reads, the reference index and each subtraction's Bowtie2 index."""
        self.analysis = await self.api.json("GET", self.analysis_path)
        self.sample = await self.api.json("GET", f"/samples/{self.analysis['sample']['id']}")
        self.reads: list[Path] = []
        for read in sorted(self.sample["reads"], key=lambda read: read["name"]):  # reads_1 before reads_2
            path = self.work / read["name"]
            await self.api.download(f"/samples/{self.sample['id']}/reads/{read['name']}", path)
            self.reads.append(path)
        if not self.reads:
            raise ValueError(f"Sample {self.sample['id']} has no reads")
        await self.progress(0.4)
        index_id = self.analysis["index"]["id"]
        self.index = await self.api.json("GET", f"/indexes/{index_id}")
        (self.work / "index").mkdir()
        for name in INDEX_FILES:
            await self.api.download(f"/indexes/{index_id}/files/{name}", self.work / "index" / name)
        await self.progress(0.7)
        self.subtractions: list[Path] = []
        for nested in self.analysis["subtractions"]:
            subtraction = await self.api.json("GET", f"/subtractions/{nested['id']}")
            directory = self.work / "subtractions" / subtraction["id"]
            directory.mkdir(parents=True)
            for file in subtraction["files"]:
                if file["name"].endswith(".bt2"):
                    await self.api.download(
                        f"/subtractions/{subtraction['id']}/files/{file['name']}", directory / file["name"]
                    )
            self.subtractions.append(directory / "subtraction")

    @property
    def index_prefix(self) -> Path:
        return self.work / "index" / "reference"

    def otus(self) -> list[dict[str, Any]]:
        return list(iter_otus(self.work / "index" / "reference.json.gz"))

    async def upload_result_file(self, path: Path, format: str) -> None:
        await self.api.upload(
            "POST", f"{self.analysis_path}/files", path, path.name, {"name": path.name, "format": format}
        )

    async def finalize(self, results: dict[str, Any]) -> None:
        await self.api.json("PATCH", self.analysis_path, {"results": results})

    async def clean_up(self) -> None:
        await self.api.json("DELETE", self.analysis_path)
