"""`build_index`: a reference's next index, from the OTUs the server wrote when it created the index.

Like Virtool's build-index workflow: a FASTA of every OTU's default isolate, its Bowtie2 index
(`reference.1.bt2` ...) and `reference.json.gz` (the OTUs as analysis runners read them: each with its
isolates and sequences), uploaded, then the index finalized. On failure the unfinalized index is removed.
"""

import gzip
import json
from typing import Any

from virtool_api.jobs.models import Workflow
from virtool_api.runner.files import default_sequences, gzip_file, iter_otus, write_fasta
from virtool_api.runner.steps import WorkflowJob, step
from virtool_api.runner.tools import BOWTIE2_BUILD

BOWTIE2_SUFFIXES = (".1.bt2", ".2.bt2", ".3.bt2", ".4.bt2", ".rev.1.bt2", ".rev.2.bt2")


def exportable_otu(otu: dict[str, Any]) -> dict[str, Any]:
    """An OTU as `reference.json.gz` carries it: what analyses read, under the remote id if it has one."""
    return {
        "_id": (otu.get("remote") or {}).get("id", otu["_id"]),
        "name": otu["name"],
        "abbreviation": otu.get("abbreviation", ""),
        "schema": otu.get("schema") or [],
        "isolates": [
            {
                "id": isolate["id"],
                "source_type": isolate["source_type"],
                "source_name": isolate["source_name"],
                "default": isolate["default"],
                "sequences": [
                    {
                        "_id": sequence["_id"],
                        "accession": sequence["accession"],
                        "definition": sequence["definition"],
                        "host": sequence.get("host", ""),
                        "segment": sequence.get("segment"),
                        "target": sequence.get("target"),
                        "sequence": sequence["sequence"],
                    }
                    for sequence in isolate["sequences"]
                ],
            }
            for isolate in otu["isolates"]
        ],
    }


class BuildIndex(WorkflowJob):
    workflow = Workflow.BUILD_INDEX
    tools = (BOWTIE2_BUILD,)

    @property
    def index_path(self) -> str:
        return f"/indexes/{self.args['index_id']}"

    @step("Read the OTUs")
    async def read_otus(self) -> None:
        """Download the index's OTUs (otus.json.gz) and write its FASTA and reference.json.gz."""
        index = await self.api.json("GET", self.index_path)
        self.data_type = index["reference"]["data_type"]
        await self.api.download(f"{self.index_path}/files/otus.json.gz", self.work / "otus.json.gz")
        count = write_fasta(
            default_sequences(iter_otus(self.work / "otus.json.gz")), self.work / "reference.fa"
        )
        if count == 0:
            raise ValueError("The index has no sequences: its reference has no OTUs with a default isolate")
        with gzip.open(self.work / "reference.json.gz", "wt", encoding="utf-8") as handle:
            handle.write(json.dumps({"data_type": self.data_type, "organism": "", "targets": None})[:-1])
            handle.write(', "otus": [')
            for number, otu in enumerate(iter_otus(self.work / "otus.json.gz")):
                handle.write(("," if number else "") + json.dumps(exportable_otu(otu)))
            handle.write("]}")

    @step("Build the Bowtie2 index")
    async def build(self) -> None:
        """Run bowtie2-build on the default isolates' sequences."""
        await self.tool("bowtie2-build", "--threads", str(self.proc), "reference.fa", "reference")
        gzip_file(self.work / "reference.fa", self.work / "reference.fa.gz")

    @step("Upload and finalize")
    async def upload(self) -> None:
        """Upload the FASTA, the Bowtie2 index and reference.json.gz, then finalize the index."""
        files = [("reference.fa.gz", "fasta"), ("reference.json.gz", "json")]
        files += [(f"reference{suffix}", "bowtie2") for suffix in BOWTIE2_SUFFIXES]
        for number, (name, format) in enumerate(files):
            await self.api.upload(
                "PUT",
                f"{self.index_path}/files/{name}",
                self.work / name,
                name,
                {"name": name, "format": format},
            )
            await self.progress((number + 1) / (len(files) + 1))
        await self.api.json("PATCH", self.index_path, {})

    async def clean_up(self) -> None:
        await self.api.json("DELETE", self.index_path)
