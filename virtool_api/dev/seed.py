"""`virtool-api dev seed`: demo data a person can look at and play with right after `make run`.

Everything is made the way a lab makes it, and every number comes from a real run: the plant-virus reference
shipped in `demo_data/` is imported and its index built, and a sample of simulated grapevine reads (TMV,
GLRaV3 and a Grapevine virus A isolate the index lacks, over a host) is created from an upload; their jobs,
and a Pathoscope and a NuVs analysis of the sample, are run by our runner's own workflows (`runs.py`) with
Bowtie2, SPAdes and pyhmmer, so the read quality, the viruses named and the contigs found are what the
runner measured. Where a tool is missing, the jobs that need it are left waiting and the seed says which
package brings it. HMM data is installed only where none is: profiles built from the demo reference's GVA
and GLRaV3 proteins (`hmms.py`).

The data belongs to `demo`, a user who is not an administrator (the seed makes no administrator: the first
start's setup link still works), and the sample is private: only `demo` and administrators see it. Two jobs
are left for a person to play a runner by hand: a `create_sample` job whose upload is the shipped reads, and
a Pathoscope job over the seeded sample.
"""

import asyncio
import gzip
import json
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from virtool_api.analyses.documents import stored_analysis
from virtool_api.analyses.service import start_analysis
from virtool_api.analyses.stored_results import read_results
from virtool_api.api.keys import JobCredentials
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.dev import hmms, simulate
from virtool_api.dev.runs import LocalRunner, local_runner
from virtool_api.hmms.install import install_hmms
from virtool_api.hmms.service import hmm_status
from virtool_api.indexes.lifecycle import finalize_index, upload_index_file
from virtool_api.indexes.service import create_index
from virtool_api.jobs.models import JobState, ReportStatusRequest, Workflow
from virtool_api.jobs.service import acquire_job, report_status
from virtool_api.references.models import CreateReferenceRequest
from virtool_api.references.otus import outline_otus
from virtool_api.references.service import import_reference
from virtool_api.samples.models import CreateSampleRequest
from virtool_api.samples.service import create_sample_for_user
from virtool_api.server.context import create_context
from virtool_api.uploads.service import create_upload
from virtool_api.users.service import create_user, find_user_by_handle
from virtool_api.utils import random_id

DEMO_DATA = resources.files("virtool_api") / "demo_data"
DEMO_HANDLE = "demo"
BOWTIE2_SUFFIXES = (".1.bt2", ".2.bt2", ".3.bt2", ".4.bt2", ".rev.1.bt2", ".rev.2.bt2")
VINE_VIRUSES = (
    ("NC_001367", 2000),  # Tobacco mosaic virus
    ("NC_004667", 1000),  # Grapevine leafroll-associated virus 3
    ("AF007415", 1200),  # Grapevine virus A isolate PA3: not a default isolate, so not in the index
)
"""The viruses in the seeded sample's reads, and how many reads each gives (1,000 more come from the host)."""


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def vine_reads() -> bytes:
    """The seeded sample's reads (gzip FASTQ, the same every time): the viruses above and a grapevine-like
    host, each read's header naming its source."""
    genomes = hmms.read_fasta_gz(Path(str(DEMO_DATA / "plant-viruses.fa.gz")))
    host = simulate.random_genome(40_000, 0.4, seed=17)
    sources = [(accession, genomes[accession], count) for accession, count in VINE_VIRUSES]
    return simulate.reads([*sources, ("host", host, 1000)], seed=17)


def demo_hmms() -> tuple[bytes, bytes]:
    """HMM data (profiles, annotations) from the proteins of GVA's and GLRaV3's default isolates."""
    genomes = hmms.read_fasta_gz(Path(str(DEMO_DATA / "plant-viruses.fa.gz")))
    gva, glrav3 = hmms.proteins(genomes["NC_003604"]), hmms.proteins(genomes["NC_004667"])
    named = [
        (1 + number, f"Grapevine virus A protein {number + 1}", protein) for number, protein in enumerate(gva)
    ]
    named += [(10 + number, f"GLRaV3 protein {number + 1}", protein) for number, protein in enumerate(glrav3)]
    return hmms.build(named)


async def _demo_user(ctx: Context) -> dict[str, Any]:
    """`demo`, who owns the demo data: an ordinary user (no password, no key)."""
    user = await find_user_by_handle(ctx, DEMO_HANDLE)
    if user is None:
        user = await create_user(ctx, DEMO_HANDLE)
    return user


def _bowtie2_stand_ins(fasta: bytes) -> dict[str, bytes]:
    """Bowtie2 files for an index built without `bowtie2-build`: made by it when present, else stand-ins."""
    program = shutil.which("bowtie2-build")
    if program is None:
        return {
            f"reference{suffix}": b"stand-in: install bowtie2 for a real index\n"
            for suffix in BOWTIE2_SUFFIXES
        }
    with tempfile.TemporaryDirectory() as directory:
        source, prefix = Path(directory) / "reference.fa", Path(directory) / "reference"
        source.write_bytes(fasta)
        subprocess.run(  # noqa: S603 (our own file names, a program found on PATH)
            [program, "--threads", "1", "-q", str(source), str(prefix)], check=True, capture_output=True
        )
        return {f"reference{suffix}": Path(f"{prefix}{suffix}").read_bytes() for suffix in BOWTIE2_SUFFIXES}


async def _build_index_here(ctx: Context, job_id: str, index_id: str) -> None:
    """What a build-index runner does, in this process, for a machine without `bowtie2-build`: the default
    isolates' sequences (as the runner takes them) and stand-in Bowtie2 files."""
    acquired = await acquire_job(ctx, job_id)
    job = acquired.model_dump()
    job["_id"] = job["id"]
    otus = json.loads(gzip.decompress(ctx.files.index_file_path(index_id, "otus.json.gz").read_bytes()))
    fasta = "".join(
        f">{sequence['_id']}\n{sequence['sequence']}\n"
        for otu in otus
        for isolate in otu["isolates"]
        if isolate["default"]
        for sequence in isolate["sequences"]
    ).encode()
    files = {
        "reference.fa.gz": gzip.compress(fasta),
        "reference.json.gz": gzip.compress(json.dumps({"otus": otus}).encode()),
        **await asyncio.to_thread(_bowtie2_stand_ins, fasta),
    }
    for name, data in files.items():
        await upload_index_file(ctx, job, index_id, name, _chunks(data))
    await finalize_index(ctx, job, index_id)
    complete = ReportStatusRequest(state=JobState.COMPLETE, progress=100)
    await report_status(ctx, JobCredentials(job_id, acquired.key), job_id, complete)


async def _install_demo_hmms(ctx: Context) -> str:
    """Demo HMM data where none is installed; a lab's own is never replaced."""
    status = await hmm_status(ctx)
    if status.installed:
        return f"HMM data: already installed ({status.profile_count} profiles), kept"
    profiles, annotations = await asyncio.to_thread(demo_hmms)
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "profiles.hmm").write_bytes(profiles)
        (Path(directory) / "annotations.json.gz").write_bytes(annotations)
        installed = await install_hmms(
            ctx, Path(directory) / "annotations.json.gz", Path(directory) / "profiles.hmm"
        )
    return (
        f"HMM data: {installed.profile_count} profiles built from the demo reference's GVA and GLRaV3"
        " proteins (replace them with Virtool's: `virtool-api hmms install`)"
    )


async def _run(runner: LocalRunner, workflow: str, job_id: str, what: str) -> tuple[bool, str]:
    """Run a job with our runner when this machine can: `(complete, a line saying how it ended)`."""
    if missing := runner.missing(workflow):
        return False, f"{what}: its {workflow} job {job_id} waits for a runner ({missing})"
    state = await runner.run(job_id)
    return state == JobState.COMPLETE, f"{what}: {workflow} job {job_id} {state.value}, run by our runner"


async def _summary(ctx: Context, analysis_id: str) -> str:
    """What a finished analysis found, in a few words: the viruses Pathoscope named, the contigs NuVs kept."""
    document = await stored_analysis(ctx, analysis_id)
    results = await read_results(ctx, document) if document is not None else None
    hits = (results or {}).get("hits", [])
    if document is None or document["workflow"] == Workflow.NUVS:
        return f"{len(hits)} contig{'s' if len(hits) != 1 else ''} with HMM hits"
    otus = await outline_otus(ctx, {hit["otu"]["id"] for hit in hits})
    names = sorted({otus[hit["otu"]["id"]]["abbreviation"] or otus[hit["otu"]["id"]]["name"] for hit in hits})
    return "found " + (", ".join(names) or "no virus")


async def seed_demo(config: Config, say: Callable[[str], None]) -> None:
    """Make the demo data in `config`'s stores, saying each thing made (`say`) as soon as it is there: the
    whole takes a minute with the analyses."""
    ctx = await create_context(config)
    try:
        await _seed(ctx, config, say)
    finally:
        await ctx.close()


async def _seed(ctx: Context, config: Config, say: Callable[[str], None]) -> None:
    demo = await _demo_user(ctx)
    # What only administrators do (import a reference, build its index) the seed does as the operator who
    # runs it; nothing stored makes `demo` an administrator.
    operator = {**demo, "administrator": True}
    suffix = random_id(4)

    export = (DEMO_DATA / "plant-viruses.reference.json.gz").read_bytes()
    upload = await create_upload(
        ctx, operator, "plant-viruses.reference.json.gz", "reference", _chunks(export)
    )
    reference = await import_reference(ctx, operator, CreateReferenceRequest(import_from=upload.id))
    say(f"reference {reference.id}: {reference.name}, {reference.otu_count} OTUs")
    index = await create_index(ctx, operator, reference.id)
    assert index.job is not None

    async with local_runner(ctx, config.data_path / "work" / "seed") as runner:
        if runner.missing(Workflow.BUILD_INDEX) is None:
            built, _ = await _run(runner, Workflow.BUILD_INDEX, index.job.id, "index")
            say(f"index {index.id} (version {index.version}): built by our runner with Bowtie2")
        else:
            await _build_index_here(ctx, index.job.id, index.id)
            built = False
            say(
                f"index {index.id} (version {index.version}): stand-in Bowtie2 files "
                f"({runner.missing(Workflow.BUILD_INDEX)}); analyses wait for a real index"
            )
        say(await _install_demo_hmms(ctx))

        reads = await create_upload(ctx, demo, f"vine-17-{suffix}_R1.fq.gz", "reads", _chunks(vine_reads()))
        sample = await create_sample_for_user(
            ctx,
            demo,
            CreateSampleRequest(
                name=f"Demo vine 17 {suffix}",
                host="Vitis vinifera",
                locale="Okanagan",
                notes="Simulated reads (dev seed): TMV, GLRaV3 and GVA isolate PA3 in grapevine.",
                files=[reads.id],
            ),
        )
        assert sample.job is not None
        ready, line = await _run(
            runner, Workflow.CREATE_SAMPLE, sample.job.id, f"sample {sample.id} {sample.name!r}"
        )
        say(line + (", its read quality measured from the reads" if ready else ""))

        if not (ready and built):
            say("analyses: none started, for want of a ready sample and a real index")
        else:
            for workflow in (Workflow.PATHOSCOPE, Workflow.NUVS):
                analysis = await start_analysis(ctx, demo, sample.id, workflow, reference.id, [])
                assert analysis.job is not None
                done, line = await _run(runner, workflow, analysis.job.id, f"analysis {analysis.id}")
                say(line + (f": {await _summary(ctx, analysis.id)}" if done else ""))

    new_reads = (DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes()
    new_upload = await create_upload(ctx, demo, "reads-tmv-grapevine.fq.gz", "reads", _chunks(new_reads))
    new_sample = await create_sample_for_user(
        ctx, demo, CreateSampleRequest(name=f"Demo TMV grapevine {suffix}", files=[new_upload.id])
    )
    assert new_sample.job is not None
    say(f"create_sample job {new_sample.job.id} for sample {new_sample.id} (waiting)")
    if ready and built:
        by_hand = await start_analysis(ctx, demo, sample.id, Workflow.PATHOSCOPE, reference.id, [])
        assert by_hand.job is not None
        say(f"pathoscope_bowtie job {by_hand.job.id} for analysis {by_hand.id} of sample {sample.id}")
    say(
        "the data is demo's and private: sign in as an administrator to see it. Acquire a waiting job: "
        "curl -X PATCH -H 'Content-Type: application/json' -d '{\"acquired\": true}'"
        f" http://localhost:{config.jobs_port}/api/jobs/{new_sample.job.id}"
    )
