"""Public API: references imported from a Virtool export, and their OTUs (`virtool_api/references/`)."""

import asyncio
import copy
import gzip
from collections.abc import Callable

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.reads import FASTQ_GZ
from tests.support.references_helpers import (
    REFERENCE_EXPORT,
    export_bytes,
    export_json,
    import_reference,
    upload,
)


@pytest.fixture
async def person(factory):
    return await factory.person()


def bad_request(message: str) -> dict[str, str]:
    return {"id": "bad_request", "message": message}


async def test_import_the_plant_virus_reference(public_client, ctx, admin, person):
    reference = await import_reference(public_client, admin[1])

    assert reference["name"] == "Plant Viruses (subset)"
    assert (reference["data_type"], reference["organism"]) == ("genome", "virus")
    assert (reference["otu_count"], reference["latest_index"]) == (25, None)
    assert reference["imported_from"]["name"] == "reference.json.gz"
    assert await ctx.db.otus.count_documents({"reference.id": reference["id"]}) == 25

    # Everyone signed in reads it.
    response = await public_client.get(f"/api/references/{reference['id']}", headers=person[1])
    assert response.status == 200
    assert (await response.json())["otu_count"] == 25


async def test_an_import_keeps_every_isolate_and_sequence(public_client, ctx, admin):
    reference = await import_reference(public_client, admin[1])
    source = {otu["name"]: otu for otu in export_json()["otus"]}

    stored = await ctx.db.otus.find({"reference.id": reference["id"]}).to_list(None)
    assert sum(len(i["sequences"]) for otu in stored for i in otu["isolates"]) == 120
    assert sum(len(otu["isolates"]) for otu in stored) == 76
    for otu in stored:
        assert otu["version"] == 0
        original = source[otu["name"]]
        assert [(s["accession"], s["sequence"]) for i in otu["isolates"] for s in i["sequences"]] == [
            (s["accession"], s["sequence"]) for i in original["isolates"] for s in i["sequences"]
        ]


async def test_an_export_can_be_imported_twice_as_two_references(public_client, ctx, admin):
    first = await import_reference(public_client, admin[1])
    second = await import_reference(public_client, admin[1])

    assert first["id"] != second["id"]
    assert await ctx.db.otus.count_documents({}) == 50


async def test_the_name_given_wins_over_the_exports(public_client, admin):
    upload_id = await upload(public_client, admin[1], REFERENCE_EXPORT, "reference")
    response = await public_client.post(
        "/api/references", json={"import_from": upload_id, "name": "Grapevine panel"}, headers=admin[1]
    )
    assert response.status == 201
    assert response.headers["Location"] == f"/api/references/{(await response.json())['id']}"
    assert (await response.json())["name"] == "Grapevine panel"


async def test_list_otus_and_find_by_name_or_abbreviation(public_client, admin, person):
    reference = await import_reference(public_client, admin[1])
    url = f"/api/references/{reference['id']}/otus"

    everything = await (await public_client.get(f"{url}?per_page=10", headers=person[1])).json()
    assert (everything["found_count"], everything["total_count"], everything["page_count"]) == (25, 25, 3)
    assert everything["documents"][0]["name"] == "African cassava mosaic virus"

    tobacco = await (await public_client.get(f"{url}?find=tobacco", headers=person[1])).json()
    assert [otu["name"] for otu in tobacco["documents"]] == ["Tobacco mosaic virus", "Tobacco rattle virus"]
    assert tobacco["total_count"] == 25

    by_abbreviation = await (await public_client.get(f"{url}?find=GLRaV3", headers=person[1])).json()
    assert [otu["abbreviation"] for otu in by_abbreviation["documents"]] == ["GLRaV3"]
    assert by_abbreviation["documents"][0]["isolate_count"] == 4

    regex = await (await public_client.get(f"{url}?find=.*", headers=person[1])).json()
    assert regex["found_count"] == 0


async def test_get_otu_with_isolates_and_sequences(public_client, admin, person):
    reference = await import_reference(public_client, admin[1])
    listing = await (
        await public_client.get(f"/api/references/{reference['id']}/otus?find=plum", headers=person[1])
    ).json()

    response = await public_client.get(f"/api/otus/{listing['documents'][0]['id']}", headers=person[1])

    assert response.status == 200
    otu = await response.json()
    assert (otu["name"], otu["abbreviation"], otu["version"]) == ("Plum pox virus", "PPV", 0)
    assert otu["reference"] == {"id": reference["id"]}
    assert [isolate["default"] for isolate in otu["isolates"]] == [True, False, False, False]
    # IUPAC ambiguity codes are nucleotides: PPV JN596110 carries some.
    ambiguous = next(s for i in otu["isolates"] for s in i["sequences"] if s["accession"] == "JN596110")
    assert set(ambiguous["sequence"]) - set("ACGT")


async def test_unknown_reference_and_otu(public_client, person):
    for path in ("/api/references/nope", "/api/references/nope/otus", "/api/otus/nope"):
        response = await public_client.get(path, headers=person[1])
        assert response.status == 404
        assert await response.json() == NOT_FOUND


async def test_only_administrators_create_references(public_client, ctx, person):
    upload_id = await upload(public_client, person[1], REFERENCE_EXPORT, "reference")
    for body in ({"import_from": upload_id}, {"name": "Mine"}):
        response = await public_client.post("/api/references", json=body, headers=person[1])
        assert response.status == 403
        assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.references.count_documents({}) == 0


async def test_create_an_empty_reference(public_client, admin):
    response = await public_client.post(
        "/api/references", json={"name": "Plant viruses", "data_type": "barcode"}, headers=admin[1]
    )
    assert response.status == 201
    reference = await response.json()
    assert (reference["name"], reference["data_type"], reference["otu_count"]) == (
        "Plant viruses",
        "barcode",
        0,
    )


async def test_create_reference_invalid_input(public_client, admin):
    response = await public_client.post(
        "/api/references", json={"name": "", "data_type": "protein"}, headers=admin[1]
    )
    assert response.status == 422
    assert sorted((await response.json())["errors"]) == ["data_type", "name"]

    response = await public_client.post("/api/references", json={}, headers=admin[1])
    assert response.status == 422


async def test_import_from_an_unknown_upload_or_one_of_another_type(public_client, ctx, admin):
    reads = await upload(public_client, admin[1], FASTQ_GZ, "reads")
    for upload_id in (999, reads):
        response = await public_client.post(
            "/api/references", json={"import_from": upload_id}, headers=admin[1]
        )
        assert response.status == 400
        assert await response.json() == bad_request("File does not exist")
    assert await ctx.db.references.count_documents({}) == 0


def _edited(edit) -> Callable[[], bytes]:
    """The plant-virus export with `edit` applied, made when its test runs (not as the suite is collected)."""

    def make() -> bytes:
        document = copy.deepcopy(export_json())
        edit(document)
        return export_bytes(document)

    return make


def _sequence(document, otu: int = 0, isolate: int = 0, sequence: int = 0):
    return document["otus"][otu]["isolates"][isolate]["sequences"][sequence]


BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "not gzip": (lambda: b'{"otus": []}', "Reference file is not gzip-compressed"),
    "corrupt gzip": (
        lambda: REFERENCE_EXPORT[:2000],
        "Reference file is not valid gzip (truncated or corrupt)",
    ),
    "not JSON": (lambda: gzip.compress(b"otus: ["), "Reference file is not valid JSON"),
    "not an object": (lambda: gzip.compress(b"[1, 2]"), "Reference file is not a JSON object"),
    "no otus": (lambda: export_bytes({"name": "Empty", "data_type": "genome"}), "Reference file has no otus"),
    "otus not a list": (
        lambda: export_bytes({"name": "Odd", "otus": {"a": 1}}),
        "Reference file's otus is not a list",
    ),
    "duplicate OTU id": (
        _edited(lambda d: d["otus"][1].update(_id=d["otus"][0]["_id"])),
        "Reference file has a duplicate OTU id: 1351a407",
    ),
    "duplicate sequence id": (
        _edited(lambda d: _sequence(d, 1).update(_id=_sequence(d, 0)["_id"])),
        "Reference file has a duplicate sequence id: bz71mqig",
    ),
    "non-nucleotide letters": (
        _edited(lambda d: _sequence(d, 2).update(sequence="ACGTJACGTXZ")),
        "Reference file is invalid: otus.2.isolates.0.sequences.0.sequence: non-nucleotide letters: J, X, Z",
    ),
    "no default isolate": (
        _edited(lambda d: d["otus"][0]["isolates"][0].update(default=False)),
        "OTU Tobacco mosaic virus (1351a407) has no default isolate",
    ),
    "missing field": (
        _edited(lambda d: _sequence(d, 3).pop("accession")),
        "Reference file is invalid: otus.3.isolates.0.sequences.0.accession: Field required",
    ),
    "a kept field no store can hold": (
        _edited(lambda d: d["otus"][4]["isolates"][0].update({"$where": "sleep(1)"})),
        "Reference file is invalid: otus.4.isolates.0.$where: key starts with '$', which the document store"
        " reserves",
    ),
    "a segment without a name": (
        _edited(lambda d: d["otus"][1]["schema"][0].pop("name")),
        "Reference file is invalid: otus.1.schema.0.name: Field required",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
async def test_a_bad_reference_file_is_refused_saying_why_and_stores_nothing(case, public_client, ctx, admin):
    make, message = BAD_FILES[case]
    upload_id = await upload(public_client, admin[1], make(), "reference")

    response = await public_client.post("/api/references", json={"import_from": upload_id}, headers=admin[1])

    assert response.status == 400
    assert await response.json() == bad_request(message)
    assert await ctx.db.references.count_documents({}) == 0
    assert await ctx.db.otus.count_documents({}) == 0


async def test_racing_imports_each_get_their_own_otus(public_client, ctx, admin):
    upload_id = await upload(public_client, admin[1], REFERENCE_EXPORT, "reference")
    responses = await asyncio.gather(
        *(
            public_client.post("/api/references", json={"import_from": upload_id}, headers=admin[1])
            for _ in range(3)
        )
    )
    assert [response.status for response in responses] == [201, 201, 201]
    for response in responses:
        reference = await response.json()
        assert await ctx.db.otus.count_documents({"reference.id": reference["id"]}) == 25
