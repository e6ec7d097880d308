"""`nuvs`: viruses the reference does not know, assembled from the reads nothing else explains.

Virtool's method: drop the reads that map to the index (known viruses) or to a subtraction (the host),
assemble the rest with SPAdes (a paired sample's mates as pairs; phred offset from the sample's encoding;
shorter k-mers for small RNA), find the ORFs of every contig of at least `MIN_CONTIG` bases, and search their
translations against the installed HMM profiles (`runner/orfs.py`). Contigs whose ORFs match no profile are
left out of the result, as Virtool leaves them. Uploaded: `assembly.fa.gz` (every contig SPAdes made),
`orfs.fa.gz` (the ORFs' translations) and `hmm.tsv` (every HMM hit).
"""

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import dnaio

from virtool_api.analyses.results import NuvsResults
from virtool_api.jobs.models import Workflow
from virtool_api.runner.client import ApiError
from virtool_api.runner.files import gzip_file
from virtool_api.runner.orfs import count_profiles, find_orfs, scan
from virtool_api.runner.steps import step
from virtool_api.runner.tools import BOWTIE2, BOWTIE2_BUILD, SPADES
from virtool_api.runner.workflows.analysis import AnalysisJob


class NoHmms(Exception):
    def __init__(self) -> None:
        super().__init__(
            "No HMM profiles are installed, and NuVs searches its ORFs against them: an administrator"
            " installs Virtool's vFam HMM data (`virtool-api hmms install ANNOTATIONS PROFILES`,"
            " or PUT /api/hmms)"
        )


MIN_CONTIG = 300
"""Bases: shorter contigs are not searched for ORFs."""
SPADES_MODES = {"srna": ("--sc", "-k", "17,21,23")}
"""SPAdes' mode by library type. Others: `DEFAULT_MODE`, rnaviralSPAdes (SPAdes 3.15, for RNA viruses in
RNA-seq data, whose coverage is anything but uniform). SPAdes' default mode (Virtool's) expects uniform
coverage and fails outright on the few reads a sample of known viruses leaves ("Invalid kmer coverage
histogram"); small RNA reads (21-24 nt) need small k-mers, which single-cell mode takes."""
DEFAULT_MODE = ("--rnaviral",)


class Nuvs(AnalysisJob):
    workflow = Workflow.NUVS
    tools = (BOWTIE2, BOWTIE2_BUILD, SPADES)

    @step("Download the HMM profiles")
    async def download_hmms(self) -> None:
        """Download the installed HMM profiles and their annotations."""
        try:
            await self.api.download("/hmms/files/profiles.hmm", self.work / "profiles.hmm")
            await self.api.download("/hmms/files/annotations.json.gz", self.work / "annotations.json.gz")
        except ApiError as error:
            if error.status == 404:
                raise NoHmms() from None
            raise
        count_profiles(self.work / "profiles.hmm")

    @step("Eliminate known viruses and the host")
    async def eliminate(self) -> None:
        """Keep only the reads that map neither to the index nor to any subtraction; a paired sample's mates
        stay paired (Bowtie2's `--un-conc`: a pair leaves only when it aligns as a pair)."""
        remaining = list(self.reads)
        for number, prefix in enumerate([self.index_prefix, *self.subtractions]):
            options = ["-p", str(self.proc), "-k", "1", "--very-fast-local", "-x", str(prefix)]
            if len(remaining) == 2:
                pattern = self.work / f"unmapped_{number}_%.fq"
                reads = ["--un-conc", str(pattern), "-1", str(remaining[0]), "-2", str(remaining[1])]
                outputs = [Path(str(pattern).replace("%", mate)) for mate in ("1", "2")]
            else:
                outputs = [self.work / f"unmapped_{number}.fq"]
                reads = ["--un", str(outputs[0]), "-U", ",".join(map(str, remaining))]
            await self.tool("bowtie2", *options, *reads, "-S", "/dev/null")
            remaining = outputs
        self.unmapped = remaining

    @step("Assemble")
    async def assemble(self) -> None:
        """Assemble the remaining reads with SPAdes."""
        self.contigs = self.work / "spades" / "scaffolds.fasta"
        if self.unmapped[0].stat().st_size == 0:
            return
        encoding = (self.sample.get("quality") or {}).get("encoding", "")
        offset = "64" if "1.5" in encoding or "1.3" in encoding else "33"
        mode = SPADES_MODES.get(self.sample.get("library_type", ""), DEFAULT_MODE)
        options = ["-t", str(self.proc), "-m", str(self.mem), "--phred-offset", offset]
        if len(self.unmapped) == 2:
            reads = ["-1", str(self.unmapped[0]), "-2", str(self.unmapped[1])]
        else:
            reads = ["-s", str(self.unmapped[0])]
        await self.tool("spades.py", *mode, *options, *reads, "-o", str(self.work / "spades"))

    @step("Find ORFs and HMM hits")
    async def find_hits(self) -> None:
        """Find the ORFs of every contig and search their translations against the HMM profiles."""
        contigs: list[dict[str, Any]] = []
        proteins: list[tuple[str, str]] = []
        if self.contigs.exists():
            with dnaio.open(self.contigs, fileformat="fasta") as reader:
                for record in reader:
                    if len(record.sequence) < MIN_CONTIG:
                        continue
                    orfs = find_orfs(record.sequence)
                    if not orfs:
                        continue
                    index = len(contigs)
                    contigs.append(
                        {
                            "index": index,
                            "sequence": record.sequence,
                            "orfs": [
                                {
                                    "index": orf.index,
                                    "pro": orf.protein,
                                    "frame": orf.frame,
                                    "strand": orf.strand,
                                    "pos": [orf.start, orf.end],
                                    "hits": [],
                                }
                                for orf in orfs
                            ],
                        }
                    )
                    proteins += [(f"sequence_{index}.{orf.index}", orf.protein) for orf in orfs]
            gzip_file(self.contigs, self.work / "assembly.fa.gz")
        else:
            (self.work / "assembly.fa.gz").write_bytes(gzip.compress(b""))
        with gzip.open(self.work / "orfs.fa.gz", "wt") as handle:
            handle.writelines(f">{name}\n{protein}\n" for name, protein in proteins)
        rows = [
            "#target\taccession\tquery\taccession\tfull_e\tfull_score\tfull_bias\tbest_e\tbest_score\tbest_bias"
        ]
        for query, hit, row in scan(proteins, self.work / "profiles.hmm", self._annotations(), self.proc):
            contig, orf = (int(part) for part in query.removeprefix("sequence_").split("."))
            contigs[contig]["orfs"][orf]["hits"].append(hit)
            rows.append(row)
        (self.work / "hmm.tsv").write_text("\n".join(rows) + "\n")
        self.results = {"hits": [c for c in contigs if any(orf["hits"] for orf in c["orfs"])]}
        NuvsResults.model_validate(self.results)

    def _annotations(self) -> dict[int, str]:
        with gzip.open(self.work / "annotations.json.gz", "rt") as handle:
            return {int(cluster["cluster"]): str(cluster["_id"]) for cluster in json.load(handle)}

    @step("Upload the results")
    async def upload(self) -> None:
        """Upload the assembly, the ORFs and the HMM hits, then finalize the analysis."""
        for name, format in (("assembly.fa.gz", "fasta"), ("orfs.fa.gz", "fasta"), ("hmm.tsv", "tsv")):
            await self.upload_result_file(self.work / name, format)
        await self.finalize(self.results)
        shutil.rmtree(self.work / "spades", ignore_errors=True)
