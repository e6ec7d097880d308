"""`create_subtraction`: a host genome's Bowtie2 index, from the FASTA a person uploaded.

Its sequences are counted and its nucleotide composition measured while it is read; then `bowtie2-build`,
the uploads (`subtraction.fa.gz` and the six `.bt2` files) and the finalize with `count` and `gc`. On failure
the unfinalized subtraction is removed.
"""

import dnaio

from virtool_api.jobs.models import Workflow
from virtool_api.runner.files import as_gzip
from virtool_api.runner.steps import WorkflowJob, step
from virtool_api.runner.tools import BOWTIE2_BUILD
from virtool_api.runner.workflows.build_index import BOWTIE2_SUFFIXES


def composition(path: str) -> tuple[dict[str, float], int]:
    """Each nucleotide's share of the FASTA's bases (anything but A, C, G and T counts as `n`), and its
    number of sequences. A file with no sequence is refused."""
    counts = dict.fromkeys("acgt", 0)
    total = records = 0
    with dnaio.open(path, fileformat="fasta") as reader:
        for record in reader:
            records += 1
            sequence = record.sequence.lower()
            total += len(sequence)
            for base in counts:
                counts[base] += sequence.count(base)
    if records == 0:
        raise ValueError("The subtraction's FASTA file holds no sequence")
    shares = {base: round(count / (total or 1), 4) for base, count in counts.items()}
    shares["n"] = round((total - sum(counts.values())) / (total or 1), 4)
    return shares, records


class CreateSubtraction(WorkflowJob):
    workflow = Workflow.CREATE_SUBTRACTION
    tools = (BOWTIE2_BUILD,)

    @property
    def subtraction_path(self) -> str:
        return f"/subtractions/{self.args['subtraction_id']}"

    @step("Read the FASTA")
    async def read_fasta(self) -> None:
        """Download the uploaded FASTA, count its sequences and measure its nucleotide composition."""
        await self.api.json("GET", self.subtraction_path)
        upload = self.work / "upload"
        await self.api.download(f"/uploads/{self.args['files'][0]['id']}", upload)
        as_gzip(upload, self.work / "subtraction.fa.gz")
        self.gc, self.count = composition(str(self.work / "subtraction.fa.gz"))

    @step("Build the Bowtie2 index")
    async def build(self) -> None:
        """Run bowtie2-build on the host's sequences."""
        await self.tool("bowtie2-build", "--threads", str(self.proc), "subtraction.fa.gz", "subtraction")

    @step("Upload and finalize")
    async def upload(self) -> None:
        """Upload the FASTA and the Bowtie2 index, then finalize the subtraction with its count and GC."""
        names = ["subtraction.fa.gz", *(f"subtraction{suffix}" for suffix in BOWTIE2_SUFFIXES)]
        for number, name in enumerate(names):
            await self.api.upload(
                "PUT", f"{self.subtraction_path}/files/{name}", self.work / name, name, {"name": name}
            )
            await self.progress((number + 1) / (len(names) + 1))
        await self.api.json("PATCH", self.subtraction_path, {"gc": self.gc, "count": self.count})

    async def clean_up(self) -> None:
        await self.api.json("DELETE", self.subtraction_path)
