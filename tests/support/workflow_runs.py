"""Every kind of job played end to end as a Virtool workflow runner (virtool-workflow 7.x) plays it, one
function each in the spec's order (`run_build_index`, `run_create_sample`, `run_create_subtraction`,
`run_analysis`), and the world the end-to-end tests start from, made over the public API as people make it.
`starts` is how every runner's calls begin."""

import gzip
import json

from tests.support import runner_models as models
from tests.support.hmm_data import PROFILES
from tests.support.reads import FASTQ_GZ, QUALITY
from tests.support.references_helpers import import_reference, upload
from tests.support.runner import (
    annotations,
    bowtie2_index,
    index_fasta,
    nucleotide_composition,
    stand_in_index,
)

HOST_FASTA = (
    b">chr1 host\n"
    + b"ACGTTGCAAGGCTTAACCGGTTAAGCTAGCTAGGATCC" * 200
    + b"\n>chr2 host\n"
    + b"GATTACA" * 300
    + b"\n"
)


# The runners, one function each, in the spec's order.


async def run_build_index(runner, *, fail: bool = False, real: bool = True) -> dict[str, bytes]:
    """The build-index runner: reads the index and its OTUs, builds, uploads, finalizes. Returns the files."""
    job = await runner.start()
    index_id = job.args["index_id"]
    index = await runner.get(f"/indexes/{index_id}", models.Index)
    assert index.manifest == job.args["manifest"]
    otus_json = await runner.download(f"/indexes/{index_id}/files/otus.json.gz")
    otus = [models.IndexOTU.model_validate(otu) for otu in json.loads(gzip.decompress(otus_json))]
    assert {otu.id: otu.version for otu in otus} == index.manifest
    await runner.status("running", 20, stage="build", step_name="Build index")
    if fail:
        await runner.fail(f"/indexes/{index_id}")
        return {}
    fasta = index_fasta(otus)
    files = {
        "reference.fa.gz": gzip.compress(fasta),
        "reference.json.gz": gzip.compress(
            json.dumps({"otus": json.loads(gzip.decompress(otus_json))}).encode()
        ),
        **(bowtie2_index(fasta, "reference") if real else stand_in_index("reference")),
    }
    for name, data in files.items():
        stored = await runner.upload(
            "PUT", f"/indexes/{index_id}/files/{name}?name={name}&format=fasta", data, name, models.IndexFile
        )
        assert (stored.name, stored.size) == (name, len(data))
    finalized = await runner.patch(f"/indexes/{index_id}", {}, models.Index)
    assert (finalized.ready, finalized.has_files) == (True, True)
    await runner.status("complete", 100)
    return {"otus.json.gz": otus_json, **files}


async def run_create_sample(runner, *, fail: bool = False) -> None:
    job = await runner.start()
    sample_id = job.args["sample_id"]
    sample = await runner.get(f"/samples/{sample_id}", models.Sample)
    assert (sample.ready, sample.quality, sample.reads, sample.job.id) == (False, None, [], job.id)
    reads = await runner.download(f"/uploads/{job.args['files'][0]['id']}")
    await runner.status("running", 30, stage="fastqc", step_name="Run FastQC")
    if fail:
        await runner.fail(f"/samples/{sample_id}")
        return
    await runner.upload(
        "PUT", f"/samples/{sample_id}/reads/reads_1.fq.gz", reads, "reads_1.fq.gz", models.Read
    )
    await runner.upload(
        "POST",
        f"/samples/{sample_id}/artifacts?name=quality.json&type=json",
        b'{"count": 1000}',
        "quality.json",
        models.Artifact,
    )
    finalized = await runner.patch(f"/samples/{sample_id}", {"quality": QUALITY}, models.Sample)
    assert finalized.ready is True and finalized.quality is not None
    await runner.status("complete", 100)


async def run_create_subtraction(runner, *, fail: bool = False, real: bool = True) -> None:
    job = await runner.start()
    subtraction_id = job.args["subtraction_id"]
    subtraction = await runner.get(f"/subtractions/{subtraction_id}", models.Subtraction)
    assert (subtraction.ready, subtraction.files) == (False, [])
    fasta_gz = await runner.download(f"/uploads/{job.args['files'][0]['id']}")
    await runner.status("running", 40, stage="bowtie2_build")
    if fail:
        await runner.fail(f"/subtractions/{subtraction_id}")
        return
    fasta = gzip.decompress(fasta_gz)
    files = {
        "subtraction.fa.gz": fasta_gz,
        **(bowtie2_index(fasta, "subtraction") if real else stand_in_index("subtraction")),
    }
    for name, data in files.items():
        await runner.upload(
            "PUT",
            f"/subtractions/{subtraction_id}/files/{name}?name={name}&format=unknown",
            data,
            name,
            models.SubtractionFile,
        )
    gc, count = nucleotide_composition(fasta)
    finalized = await runner.patch(
        f"/subtractions/{subtraction_id}", {"gc": gc, "count": count}, models.Subtraction
    )
    assert (finalized.ready, finalized.count) == (True, 2)
    await runner.status("complete", 100)


async def run_analysis(
    runner, *, expected_index: dict[str, bytes], nuvs: bool = False, fail: bool = False
) -> None:
    """The pathoscope or NuVs runner: its analysis, sample, reads, index (nine files), subtractions (and
    HMMs), then a result file, finalize, complete."""
    job = await runner.start()
    analysis = await runner.get(f"/analyses/{job.args['analysis_id']}", models.Analysis)
    sample = await runner.get(f"/samples/{analysis.sample['id']}", models.Sample)
    assert sample.quality is not None and sample.quality.length[1] > 0
    for read in sample.reads:
        assert await runner.download(read.download_url) == FASTQ_GZ
    index = await runner.get(f"/indexes/{analysis.index['id']}", models.Index)
    for name in [
        "otus.json.gz",
        "reference.json.gz",
        "reference.fa.gz",
        "reference.1.bt2",
        "reference.2.bt2",
        "reference.3.bt2",
        "reference.4.bt2",
        "reference.rev.1.bt2",
        "reference.rev.2.bt2",
    ]:
        assert await runner.download(f"/indexes/{index.id}/files/{name}") == expected_index[name], name
    for nested in analysis.subtractions:
        subtraction = await runner.get(f"/subtractions/{nested.id}", models.Subtraction)
        assert len(subtraction.files) == 7
        for file in subtraction.files:
            assert (
                len(await runner.download(f"/subtractions/{subtraction.id}/files/{file.name}")) == file.size
            )
    if nuvs:
        assert [
            hmm.cluster for hmm in annotations(await runner.download("/hmms/files/annotations.json.gz"))
        ] == [1, 2, 3]
        assert await runner.download("/hmms/files/profiles.hmm") == PROFILES
    await runner.status("running", 50, stage="map", step_name="Map reads")
    if fail:
        await runner.fail(f"/analyses/{analysis.id}")
        return
    await runner.upload(
        "POST",
        f"/analyses/{analysis.id}/files?name=report.tsv&format=tsv",
        b"otu\treads\nTMV\t2000\n",
        "report.tsv",
        models.AnalysisFile,
    )
    results = {"hits": [], "read_count": 5000} if not nuvs else {"hits": []}
    finalized = await runner.patch(f"/analyses/{analysis.id}", {"results": results}, models.Analysis)
    assert finalized.ready is True and [f.name for f in finalized.files] == ["report.tsv"]
    await runner.status("complete", 100)


# The world each test starts from, made over the public API as people make it.


async def start_index_build(public_client, admin) -> dict:
    reference = await import_reference(public_client, admin[1])
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201
    return reference


async def create_sample(public_client, admin) -> dict:
    upload_id = await upload(public_client, admin[1], FASTQ_GZ, "reads", "reads.fq.gz")
    response = await public_client.post(
        "/api/samples", json={"name": "Grapevine 1", "files": [upload_id]}, headers=admin[1]
    )
    assert response.status == 201
    return await response.json()


async def create_subtraction(public_client, admin) -> dict:
    upload_id = await upload(public_client, admin[1], gzip.compress(HOST_FASTA), "subtraction", "host.fa.gz")
    response = await public_client.post(
        "/api/subtractions",
        json={"name": "Vitis vinifera", "nickname": "Grapevine", "upload_id": upload_id},
        headers=admin[1],
    )
    assert response.status == 201
    return await response.json()


async def ready_world(public_client, runner, admin, real: bool) -> tuple[dict, dict, dict, dict[str, bytes]]:
    """A finalized sample, a ready index of the plant-virus reference and a ready subtraction."""
    reference = await start_index_build(public_client, admin)
    index_files = await run_build_index(runner("build_index"), real=real)
    sample = await create_sample(public_client, admin)
    await run_create_sample(runner("create_sample"))
    subtraction = await create_subtraction(public_client, admin)
    await run_create_subtraction(runner("create_subtraction"), real=real)
    return reference, sample, subtraction, index_files


async def start_analysis(public_client, admin, sample, reference, subtraction, workflow: str) -> dict:
    response = await public_client.post(
        f"/api/samples/{sample['id']}/analyses",
        json={"workflow": workflow, "ref_id": reference["id"], "subtractions": [subtraction["id"]]},
        headers=admin[1],
    )
    assert response.status == 201, await response.text()
    return await response.json()


STARTS = ["BLPOP jobs_{}", "PATCH /jobs/{{id}}", "PUT /jobs/{{id}}/ping"]


def starts(workflow: str) -> list[str]:
    return [call.format(workflow) for call in STARTS]
