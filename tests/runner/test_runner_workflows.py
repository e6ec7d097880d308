"""Our runner runs each workflow with the real tools, end to end through the job API, and the results are
right: an index that maps reads, a subtraction's count and composition, Pathoscope naming the viruses in
simulated reads whose truth is known."""

import gzip
import json
from collections import defaultdict

import pytest

from tests.support.hmm_data import install as install_hmms
from tests.support.reads import QUALITY
from tests.support.references_helpers import DEMO_DATA, REFERENCE_EXPORT, import_reference
from tests.support.runner_world import (
    build_index,
    create_subtraction,
    job_end,
    our_runner,
    ready_sample,
    start_analysis,
)
from virtool_api.dev import simulate
from virtool_api.dev.hmms import build as build_hmms
from virtool_api.dev.hmms import proteins, read_fasta_gz
from virtool_api.dev.simulate import random_genome
from virtool_api.runner.tools import BOWTIE2, SPADES, why_missing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(why_missing([BOWTIE2]) is not None, reason=f"needs Bowtie2: {why_missing([BOWTIE2])}"),
]

READS = (DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes()
TMV, GLRAV3 = "Tobacco mosaic virus", "Grapevine leafroll-associated virus 3"


async def test_build_index_makes_an_index_of_the_default_isolates(
    public_client, jobs_client, ctx, admin, tmp_path
):
    _, index = await build_index(public_client, admin[1])

    async with our_runner(jobs_client, tmp_path / "work"):
        job = await job_end(public_client, admin[1], index["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    # In the order first reported: a step that outlasts the runner's progress interval reports again under its
    # name (the upload did, at a load average of 15).
    steps = list(dict.fromkeys(entry["step_name"] for entry in job["status"] if entry["state"] == "running"))
    assert steps == ["Read the OTUs", "Build the Bowtie2 index", "Upload and finalize"]
    response = await public_client.get(f"/api/indexes/{index['id']}", headers=admin[1])
    shown = await response.json()
    assert shown["ready"] is True
    assert sorted(file["name"] for file in shown["files"]) == sorted(
        ["otus.json.gz", "reference.fa.gz", "reference.json.gz"]
        + [f"reference{s}" for s in (".1.bt2", ".2.bt2", ".3.bt2", ".4.bt2", ".rev.1.bt2", ".rev.2.bt2")]
    )
    directory = ctx.config.data_path / "indexes" / index["id"]
    exported = json.loads(gzip.decompress((directory / "reference.json.gz").read_bytes()))
    assert len(exported["otus"]) == 25 and exported["data_type"] == "genome"
    assert all("schema" in otu and otu["isolates"] for otu in exported["otus"])
    fasta = gzip.decompress((directory / "reference.fa.gz").read_bytes()).decode()
    defaults = sum(
        len(isolate["sequences"])
        for otu in exported["otus"]
        for isolate in otu["isolates"]
        if isolate["default"]
    )
    assert fasta.count(">") == defaults
    assert not list((tmp_path / "work").iterdir())  # the work directory is emptied after the job


async def test_create_subtraction_counts_and_measures_the_host(
    public_client, jobs_client, ctx, admin, tmp_path
):
    fasta = b">chr1 host\n" + b"ACGT" * 500 + b"NN\n>chr2\n" + b"GGCC" * 250 + b"\n"
    subtraction = await create_subtraction(public_client, admin[1], fasta)

    async with our_runner(jobs_client, tmp_path / "work"):
        job = await job_end(public_client, admin[1], subtraction["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    response = await public_client.get(f"/api/subtractions/{subtraction['id']}", headers=admin[1])
    shown = await response.json()
    assert (shown["ready"], shown["count"]) == (True, 2)
    total = 2002 + 1000
    assert shown["gc"] == {
        "a": round(500 / total, 4),
        "c": round(1000 / total, 4),
        "g": round(1000 / total, 4),
        "t": round(500 / total, 4),
        "n": round(2 / total, 4),
    }
    assert len(shown["files"]) == 7


async def test_pathoscope_names_the_viruses_in_the_reads(public_client, jobs_client, ctx, admin, tmp_path):
    reference, index = await build_index(public_client, admin[1])
    sample = await ready_sample(public_client, jobs_client, admin[1], READS, QUALITY)

    async with our_runner(jobs_client, tmp_path / "work"):
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "pathoscope_bowtie", []
        )
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    response = await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])
    shown = await response.json()
    results = shown["results"]
    otus = {otu["_id"]: otu["name"] for otu in await _otus(ctx, reference["id"])}
    by_otu: dict[str, float] = defaultdict(float)
    for hit in results["hits"]:
        by_otu[otus[hit["otu"]["id"]]] += hit["final"]["pi"]
    assert by_otu[TMV] == pytest.approx(2 / 3, abs=0.02)
    assert by_otu[GLRAV3] == pytest.approx(1 / 3, abs=0.02)
    assert all(pi <= 0.01 for name, pi in by_otu.items() if name not in (TMV, GLRAV3)), dict(by_otu)
    assert results["read_count"] == pytest.approx(3000, abs=30)
    assert [file["name"] for file in shown["files"]] == ["report.tsv"]


async def _otus(ctx, reference_id):
    return await ctx.db.otus.find({"reference.id": reference_id}, {"name": 1}).to_list(None)


def _kmers(sequence: str, k: int = 31) -> set[str]:
    return {sequence[i : i + k] for i in range(len(sequence) - k + 1)}


def _reverse_complement(sequence: str) -> str:
    return sequence.translate(str.maketrans("ACGTN", "TGCAN"))[::-1]


def covered_by(genome: str, contigs: list[str], k: int = 31) -> float:
    """The share of the genome's positions inside a k-mer some contig holds (on either strand)."""
    known = set()
    for contig in contigs:
        known |= _kmers(contig, k) | _kmers(_reverse_complement(contig), k)
    covered = bytearray(len(genome))
    for i in range(len(genome) - k + 1):
        if genome[i : i + k] in known:
            covered[i : i + k] = b"\x01" * k
    return sum(covered) / len(genome)


@pytest.mark.skipif(why_missing([SPADES]) is not None, reason=f"needs SPAdes: {why_missing([SPADES])}")
async def test_nuvs_assembles_a_virus_the_reference_lacks_and_finds_its_hmm(
    public_client, jobs_client, ctx, admin, tmp_path
):
    """GLRaV3 is left out of the reference: its reads are neither explained by the index nor by the host,
    so SPAdes assembles them; a profile built from another GLRaV3 isolate's protein recognises an ORF. The
    sample is paired: its mates are eliminated and assembled as pairs (the journey's sample is not)."""
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    host = random_genome(60_000, 0.4, seed=7)
    export = json.loads(gzip.decompress(REFERENCE_EXPORT))
    export["otus"] = [otu for otu in export["otus"] if otu["name"] != GLRAV3]
    reference = await import_reference(public_client, admin[1], gzip.compress(json.dumps(export).encode()))
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    index = await response.json()
    subtraction = await create_subtraction(public_client, admin[1], f">host\n{host}\n".encode())
    first, second = simulate.pairs(
        [
            ("NC_001367", genomes["NC_001367"], 500),
            ("NC_004667", genomes["NC_004667"], 2500),
            ("host", host, 1000),
        ],
        seed=3,
    )
    sample = await ready_sample(public_client, jobs_client, admin[1], first, QUALITY, mates=second)
    assert sample["paired"] is True
    glrav3 = [
        (number + 1, f"GLRaV3 protein {number + 1}", p)
        for number, p in enumerate(proteins(genomes["EU259806"]))
    ]
    decoys = [(100 + n, f"CMV protein {n}", p) for n, p in enumerate(proteins(genomes["NC_002034"]))]
    profiles, annotations = build_hmms(glrav3 + decoys)
    assert (await install_hmms(public_client, admin[1], annotations, profiles)).status == 200

    async with our_runner(jobs_client, tmp_path / "work"):
        for job_id in (index["job"]["id"], subtraction["job"]["id"]):
            assert (await job_end(public_client, admin[1], job_id))["state"] == "complete"
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "nuvs", [subtraction["id"]]
        )
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    shown = await (await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])).json()
    contigs = [hit["sequence"] for hit in shown["results"]["hits"]]
    assert covered_by(genomes["NC_004667"], contigs) >= 0.9
    assert covered_by(genomes["NC_001367"], contigs) == 0  # TMV is in the index: its reads were removed
    hits = [h for c in shown["results"]["hits"] for orf in c["orfs"] for h in orf["hits"]]
    glrav3_ids = {f"hmm{cluster:04d}" for cluster, _, _ in glrav3}
    assert min(hit["full_e"] for hit in hits if hit["hit"] in glrav3_ids) < 1e-20
    assert sorted(file["name"] for file in shown["files"]) == ["assembly.fa.gz", "hmm.tsv", "orfs.fa.gz"]


async def test_pathoscope_on_a_mixture_with_errors_and_a_host_carrying_a_viral_fragment(
    public_client, jobs_client, ctx, admin, tmp_path
):
    """PVY, CMV's three segments and ToMV at 60/30/10%, reads with substitutions and indels, and host
    reads, some from a stretch of Plum pox virus integrated in the host genome: those map to PPV but better to
    the host, so the subtraction removes them and PPV is not reported; nor is TMV, ToMV's close relative."""
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    background = random_genome(60_000, 0.4, seed=5)
    host = background[:30_000] + genomes["NC_001445"][1000:4000] + background[30_000:]
    cmv = {"NC_002034": 3357, "NC_002035": 3050, "NC_001440": 2216}
    cmv_total = sum(cmv.values())
    sources = [
        ("NC_001616", genomes["NC_001616"], 3000),
        *((name, genomes[name], round(1500 * length / cmv_total)) for name, length in cmv.items()),
        ("NC_002692", genomes["NC_002692"], 500),
        ("host", host, 3000),
    ]
    reads = simulate.reads(sources, substitution_rate=0.005, indel_rate=0.001, seed=21)
    reference, index = await build_index(public_client, admin[1])
    subtraction = await create_subtraction(public_client, admin[1], f">host\n{host}\n".encode())
    sample = await ready_sample(public_client, jobs_client, admin[1], reads, QUALITY)

    async with our_runner(jobs_client, tmp_path / "work"):
        for job_id in (index["job"]["id"], subtraction["job"]["id"]):
            assert (await job_end(public_client, admin[1], job_id))["state"] == "complete"
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "pathoscope_bowtie", [subtraction["id"]]
        )
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    results = (await (await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])).json())[
        "results"
    ]
    names = {otu["_id"]: otu["name"] for otu in await _otus(ctx, reference["id"])}
    by_otu: dict[str, float] = defaultdict(float)
    for hit in results["hits"]:
        by_otu[names[hit["otu"]["id"]]] += hit["final"]["pi"]
    present = {"Potato virus Y": 0.6, "Cucumber mosaic virus": 0.3, "Tomato mosaic virus": 0.1}
    for name, share in present.items():
        assert by_otu[name] == pytest.approx(share, abs=0.02), dict(by_otu)
    assert {name for name, pi in by_otu.items() if pi > 0.01} == set(present), dict(by_otu)
    assert results["subtracted_count"] >= 100  # host reads from the PPV stretch, at least


async def test_nuvs_without_hmm_profiles_fails_saying_how_to_install_them(
    public_client, jobs_client, ctx, admin, tmp_path
):
    reference, index = await build_index(public_client, admin[1])
    sample = await ready_sample(public_client, jobs_client, admin[1], READS, QUALITY)

    async with our_runner(jobs_client, tmp_path / "work"):
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        analysis = await start_analysis(public_client, admin[1], sample["id"], reference["id"], "nuvs", [])
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

    assert job["state"] == "error"
    failed = job["status"][-1]
    assert failed["step_name"] == "Download the HMM profiles"
    assert failed["error"]["details"][0].startswith("No HMM profiles are installed")
    assert "virtool-api hmms install" in failed["error"]["details"][0]
    response = await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])
    assert response.status == 404


@pytest.mark.skipif(why_missing([SPADES]) is not None, reason=f"needs SPAdes: {why_missing([SPADES])}")
async def test_nuvs_with_profiles_hmmer_cannot_read_fails_saying_so(
    public_client, jobs_client, ctx, admin, tmp_path
):
    """The server checks an HMM file's outline when it is installed; HMMER reads it whole."""
    export = json.loads(gzip.decompress(REFERENCE_EXPORT))
    export["otus"] = [otu for otu in export["otus"] if otu["name"] != GLRAV3]
    reference = await import_reference(public_client, admin[1], gzip.compress(json.dumps(export).encode()))
    index = await (
        await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    ).json()
    sample = await ready_sample(public_client, jobs_client, admin[1], READS, QUALITY)
    # tests/support/hmm_data.py's stand-ins
    assert (await install_hmms(public_client, admin[1])).status == 200

    async with our_runner(jobs_client, tmp_path / "work"):
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        analysis = await start_analysis(public_client, admin[1], sample["id"], reference["id"], "nuvs", [])
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

    assert job["state"] == "error"
    failed = job["status"][-1]
    assert failed["step_name"] == "Find ORFs and HMM hits"
    assert failed["error"]["details"][0].startswith("The installed HMM profiles are not an HMMER3 file")
