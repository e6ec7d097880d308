"""What an upload holds is checked whole as it streams in, before anything can be made from it: reads are
gzip-compressed FASTQ, a subtraction's host genome gzip-compressed FASTA (`virtool_api/uploads/content.py`),
and a reference export is checked whole when it is imported. Empty, junk and truncated files get a 400
naming the problem, and leave no upload, no file, no sample or subtraction and no job."""

import gzip

import pytest

from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.references_helpers import REFERENCE_EXPORT
from virtool_api.errors import BadRequest
from virtool_api.uploads.content import FastaCheck, FastqCheck

FASTA_GZ = gzip.compress(b">chr1 host\n" + b"ACGTTGCA" * 50 + b"\nacgtnNRY\n>chr2\nGGCC\n")
TRUNCATED_FASTQ = FASTQ_GZ[: len(FASTQ_GZ) // 2]
TRUNCATED_FASTA = FASTA_GZ[: len(FASTA_GZ) - 12]


def bad_request(message: str) -> dict[str, str]:
    return {"id": "bad_request", "message": message}


async def post_upload(client, headers, data: bytes, upload_type: str):  # type: ignore[no-untyped-def]
    return await client.post(
        f"/api/uploads?name=file.gz&type={upload_type}", data=multipart_file(data), headers=headers
    )


async def assert_nothing_kept(client, ctx, headers) -> None:  # type: ignore[no-untyped-def]
    listing = await (await client.get("/api/uploads", headers=headers)).json()
    assert listing["documents"] == []
    assert [path.name for path in ctx.files.uploads_dir().iterdir()] == []
    assert await ctx.db.jobs.count_documents({}) == 0


READS_REFUSALS = {
    "empty": (b"", "File is empty"),
    "junk": (b"these are not reads", "File is not compressed"),
    "truncated gzip": (TRUNCATED_FASTQ, "File is not valid gzip (truncated or corrupt)"),
    "gzip of nothing": (gzip.compress(b""), "Reads file has no reads"),
    "gzip of junk": (gzip.compress(b"hello world\n"), "Reads file is not valid FASTQ: the read at line 1"),
    "FASTA": (FASTA_GZ, "Reads file is not valid FASTQ: the read at line 1"),
    "a letter that is no nucleotide": (
        gzip.compress(b"@r1\nACGT\n+\nIIII\n@r2\nACJT\n+\nIIII\n"),
        "Reads file is not valid FASTQ: the read at line 5",
    ),
    "a last read cut short": (
        gzip.compress(b"@r1\nACGT\n+\nIIII\n@r2\nACGT\n"),
        "Reads file is not valid FASTQ (the last read is cut short): the read at line 5",
    ),
}


@pytest.mark.parametrize("case", READS_REFUSALS, ids=list(READS_REFUSALS))
async def test_reads_that_are_not_whole_fastq_are_refused_and_not_kept(public_client, ctx, factory, case):
    data, message = READS_REFUSALS[case]
    _, headers = await factory.person()
    response = await post_upload(public_client, headers, data, "reads")
    assert response.status == 400
    assert await response.json() == bad_request(message)
    await assert_nothing_kept(public_client, ctx, headers)


NO_HEADER = "Subtraction file is not valid FASTA (it does not start with a > header): line 1"
SUBTRACTION_REFUSALS = {
    "empty": (b"", "File is empty"),
    "junk": (b"not a genome", "File is not compressed"),
    "truncated gzip": (TRUNCATED_FASTA, "File is not valid gzip (truncated or corrupt)"),
    "gzip of nothing": (gzip.compress(b""), "Subtraction file has no sequences"),
    "gzip of junk": (gzip.compress(b"hello world\n"), NO_HEADER),
    "FASTQ": (FASTQ_GZ, NO_HEADER),
    "headers only": (gzip.compress(b">chr1\n>chr2\n"), "Subtraction file has no sequences"),
    "a letter that is no nucleotide": (
        gzip.compress(b">chr1\nACGT\nACGJ\n"),
        "Subtraction file is not valid FASTA: line 3",
    ),
    "sequence before any header": (
        gzip.compress(b"\n\nACGT\n>chr1\nACGT\n"),
        "Subtraction file is not valid FASTA (it does not start with a > header): line 3",
    ),
}


@pytest.mark.parametrize("case", SUBTRACTION_REFUSALS, ids=list(SUBTRACTION_REFUSALS))
async def test_a_host_genome_that_is_not_whole_fasta_is_refused_and_not_kept(
    public_client, ctx, factory, case
):
    data, message = SUBTRACTION_REFUSALS[case]
    _, admin = await factory.person(administrator=True)
    response = await post_upload(public_client, admin, data, "subtraction")
    assert response.status == 400
    assert await response.json() == bad_request(message)
    await assert_nothing_kept(public_client, ctx, admin)
    assert await ctx.db.subtractions.count_documents({}) == 0


async def test_whole_files_are_taken_in_any_gzip_layout(public_client, ctx, factory):
    """Concatenated gzip members (bgzip's layout), Windows line ends, a last line without its newline, and
    a chromosome on one line of 20 MB."""
    _, admin = await factory.person(administrator=True)
    accepted = [
        (gzip.compress(b"@r1\r\nACGT\r\n+\r\nIIII\r\n") + gzip.compress(b"@r2\nACGN\n+r2\nII#I"), "reads"),
        (FASTQ_GZ, "reads"),
        (gzip.compress(b">chr1\nACGT") + gzip.compress(b"ACGT\n>chr2\r\nTTGA\r\n"), "subtraction"),
        (gzip.compress(b">chr1\n" + b"ACGT" * 5_000_000 + b"\n", 1), "subtraction"),
        (FASTA_GZ, "subtraction"),
    ]
    for data, upload_type in accepted:
        response = await post_upload(public_client, admin, data, upload_type)
        assert response.status == 201, (upload_type, await response.text())


async def test_a_subtraction_is_made_only_from_a_whole_fasta(public_client, ctx, factory):
    """The case issue 18 found: gzip of junk as a host genome, accepted and a job started for it."""
    _, admin = await factory.person(administrator=True)
    refused = await post_upload(public_client, admin, gzip.compress(b"\x00junk\xff" * 100), "subtraction")
    assert refused.status == 400
    good = await post_upload(public_client, admin, FASTA_GZ, "subtraction")
    assert good.status == 201
    created = await public_client.post(
        "/api/subtractions",
        json={"name": "Vitis", "nickname": "", "upload_id": (await good.json())["id"]},
        headers=admin,
    )
    assert created.status == 201
    assert await ctx.db.jobs.count_documents({}) == 1


REFERENCE_REFUSALS = {
    "empty": (b"", "Reference file is empty"),
    "junk": (b"not an export", "Reference file is not gzip-compressed"),
    "truncated gzip": (
        REFERENCE_EXPORT[: len(REFERENCE_EXPORT) // 2],
        "Reference file is not valid gzip (truncated or corrupt)",
    ),
    "gzip of nothing": (gzip.compress(b""), "Reference file is not valid JSON"),
}


@pytest.mark.parametrize("case", REFERENCE_REFUSALS, ids=list(REFERENCE_REFUSALS))
async def test_a_reference_export_that_is_not_whole_is_refused_before_anything_is_made(
    public_client, ctx, factory, case
):
    data, message = REFERENCE_REFUSALS[case]
    _, admin = await factory.person(administrator=True)
    uploaded = await post_upload(public_client, admin, data, "reference")
    assert uploaded.status == 201  # exports are checked whole when imported
    response = await public_client.post(
        "/api/references", json={"import_from": (await uploaded.json())["id"]}, headers=admin
    )
    assert response.status == 400
    assert await response.json() == bad_request(message)
    assert await ctx.db.references.count_documents({}) == 0
    assert await ctx.db.otus.count_documents({}) == 0


@pytest.mark.parametrize("step", [1, 3, 4096])
def test_the_checks_answer_alike_wherever_the_chunks_split_the_file(step):
    """The network splits an upload anywhere: inside a gzip header, a line, a `\\r\\n`, a record."""
    cases = [(data, message, FastqCheck) for data, message in READS_REFUSALS.values()]
    cases += [(data, message, FastaCheck) for data, message in SUBTRACTION_REFUSALS.values()]
    cases += [(FASTQ_GZ, None, FastqCheck), (FASTA_GZ, None, FastaCheck)]
    for data, message, kind in cases:
        check = kind()
        try:
            for start in range(0, len(data), step):
                check.feed(data[start : start + step])
            check.finish()
        except BadRequest as error:
            assert error.message == message, (data[:40], step)
        else:
            assert message is None, (data[:40], step)
