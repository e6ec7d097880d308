"""A Pathoscope analysis's report and its exports (`GET /analyses/{id}/report`, `.csv`, `.xlsx`): the rows
the results page shows, named from the analysis's index, sorted and filtered by one query; the files hold it
too."""

import csv
import io
from typing import Any

from tests.support.analysis_reports import finalized
from tests.support.workbooks import read_workbook
from virtool_api.indexes.files import write_otus_file

TMV = {
    "_id": "tmv00001",
    "reference": {"id": "ref"},
    "name": "Tobacco mosaic virus",
    "lower_name": "tobacco mosaic virus",
    "abbreviation": "TMV",
    "version": 2,
    "isolates": [
        {
            "id": "iso1",
            "default": True,
            "source_type": "isolate",
            "source_name": "Canada",
            "sequences": [
                {
                    "_id": "seq1",
                    "accession": "NC_001367",
                    "definition": "TMV, complete genome",
                    "sequence": "A" * 6395,
                }
            ],
        },
        {
            "id": "iso2",
            "default": False,
            "source_type": "unknown",
            "source_name": "",
            "sequences": [
                {"_id": "seq2", "accession": "V01408", "definition": "TMV vulgare", "sequence": "C" * 6390}
            ],
        },
    ],
}
GLRAV = {
    "_id": "glrav003",
    "reference": {"id": "ref"},
    "name": '=HYPERLINK("http://example.com")',  # an imported name a spreadsheet would run
    "lower_name": "x",
    "abbreviation": "GLRaV-3",
    "version": 0,
    "isolates": [
        {
            "id": "iso1",
            "default": True,
            "source_type": "strain",
            "source_name": "NY1",
            "sequences": [
                {"_id": "seq3", "accession": "NC_004667", "definition": "GLRaV-3", "sequence": "G" * 100}
            ],
        }
    ],
}


def hit(sequence_id: str, otu_id: str, pi: float, reads: int, coverage: float, depth: float, align=None):  # type: ignore[no-untyped-def]
    return {
        "id": sequence_id,
        "otu": {"id": otu_id, "version": 2},
        "align": align if align is not None else [1, 2, 3, 0],
        "coverage": coverage,
        "depth": depth,
        "final": {"pi": pi, "best": pi / 2, "high": 0.0, "low": 0.0, "reads": reads},
        "initial": {"pi": pi, "best": pi, "high": 0.0, "low": 0.0, "reads": reads},
    }


PATHOSCOPE = {
    "read_count": 9000,
    "subtracted_count": 12,
    "hits": [
        hit("seq1", "tmv00001", 0.6, 5400, 0.98, 120.44),
        hit("seq2", "tmv00001", 0.1, 900, 0.5, 10.0),
        hit("seq3", "glrav003", 0.25, 2250, 0.75, 33.36),
        hit("lost", "gone0001", 0.05, 450, 0.1, 1.0),
    ],
}


async def with_index_otus(ctx, analysis: dict[str, Any], otus: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    await ctx.db.otus.insert_many(otus)
    await write_otus_file(ctx, analysis["index"]["id"], "ref", {}, [])


async def test_pathoscope_report_names_otus_isolates_and_accessions_from_the_index(
    public_client, factory, ctx
):
    analysis = await finalized(ctx, factory, "pathoscope_bowtie", PATHOSCOPE)
    await with_index_otus(ctx, analysis, [TMV, GLRAV])
    # Renamed after the index was built: the report names it as the analysis's index held it.
    await ctx.db.otus.update_one({"_id": "tmv00001"}, {"$set": {"name": "Renamed later"}})
    _, admin = await factory.person(administrator=True)

    response = await public_client.get(f"/api/analyses/{analysis['_id']}/report", headers=admin)

    assert response.status == 200
    report = await response.json()
    assert (report["workflow"], report["read_count"], report["subtracted_count"]) == (
        "pathoscope_bowtie",
        9000,
        12,
    )
    assert [otu["name"] for otu in report["otus"]] == ["Tobacco mosaic virus", GLRAV["name"], "OTU gone0001"]
    tmv = report["otus"][0]
    assert (tmv["weight"], tmv["best"], tmv["reads"], tmv["coverage"], tmv["depth"]) == (
        70.0,
        35.0,
        6300,
        98.0,
        120.4,
    )
    assert [(isolate["name"], isolate["default"]) for isolate in tmv["isolates"]] == [
        ("Isolate Canada", True),
        ("Unnamed isolate", False),
    ]
    sequence = tmv["isolates"][0]["sequences"][0]
    assert (sequence["accession"], sequence["definition"], sequence["length"]) == (
        "NC_001367",
        "TMV, complete genome",
        6395,
    )
    assert sequence["track"] == [1, 2, 3, 0]
    lost = report["otus"][2]
    assert lost["in_index"] is False
    assert lost["isolates"][0]["name"] == "Isolate not in the index"
    assert lost["isolates"][0]["sequences"][0]["accession"] == "lost"


async def test_pathoscope_report_falls_back_to_the_stored_otus_without_an_index_file(
    public_client, factory, ctx
):
    analysis = await finalized(ctx, factory, "pathoscope_bowtie", PATHOSCOPE)
    await ctx.db.otus.insert_many([TMV])
    _, admin = await factory.person(administrator=True)
    report = await (await public_client.get(f"/api/analyses/{analysis['_id']}/report", headers=admin)).json()
    assert report["otus"][0]["name"] == "Tobacco mosaic virus"
    assert report["otus"][1]["name"] == "OTU glrav003"


async def test_a_long_coverage_track_is_drawn_from_200_highest_points(public_client, factory, ctx):
    align = [0] * 10_000
    align[5_000] = 77
    results = {
        "read_count": 1,
        "subtracted_count": 0,
        "hits": [hit("seq1", "tmv00001", 1.0, 1, 1.0, 1.0, align)],
    }
    analysis = await finalized(ctx, factory, "pathoscope_bowtie", results)
    _, admin = await factory.person(administrator=True)
    report = await (await public_client.get(f"/api/analyses/{analysis['_id']}/report", headers=admin)).json()
    track = report["otus"][0]["isolates"][0]["sequences"][0]["track"]
    assert len(track) == 200 and max(track) == 77 and track.index(77) == 100


async def test_pathoscope_report_sorts_and_filters(public_client, factory, ctx):
    analysis = await finalized(ctx, factory, "pathoscope_bowtie", PATHOSCOPE)
    await with_index_otus(ctx, analysis, [TMV, GLRAV])
    _, admin = await factory.person(administrator=True)

    async def names(query: str) -> list[str]:
        response = await public_client.get(f"/api/analyses/{analysis['_id']}/report?{query}", headers=admin)
        assert response.status == 200, await response.text()
        return [otu["name"] for otu in (await response.json())["otus"]]

    assert await names("sort=reads&order=asc") == ["OTU gone0001", GLRAV["name"], "Tobacco mosaic virus"]
    assert await names("sort=name") == [
        '=HYPERLINK("http://example.com")',
        "OTU gone0001",
        "Tobacco mosaic virus",
    ]
    assert await names("find=tmv") == ["Tobacco mosaic virus"]  # the abbreviation
    assert await names("min_coverage=75&min_weight=20") == ["Tobacco mosaic virus", GLRAV["name"]]
    assert await names("min_depth=34") == ["Tobacco mosaic virus"]
    response = await public_client.get(f"/api/analyses/{analysis['_id']}/report?sort=length", headers=admin)
    assert response.status == 422
    assert (await response.json())["errors"] == {
        "sort": ["Input should be 'weight', 'reads', 'coverage', 'depth' or 'name'"]
    }


async def test_pathoscope_csv_and_workbook_hold_the_report_rows(public_client, factory, ctx):
    analysis = await finalized(ctx, factory, "pathoscope_bowtie", PATHOSCOPE)
    await with_index_otus(ctx, analysis, [TMV, GLRAV])
    _, admin = await factory.person(administrator=True)
    query = "sort=reads&min_reads=500"

    response = await public_client.get(f"/api/analyses/{analysis['_id']}.csv?{query}", headers=admin)

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows == [
        [
            "OTU",
            "Isolate",
            "Accession",
            "Definition",
            "Length",
            "Weight (%)",
            "Best hit (%)",
            "Reads",
            "Coverage (%)",
            "Depth",
        ],
        [
            "Tobacco mosaic virus",
            "Isolate Canada",
            "NC_001367",
            "TMV, complete genome",
            "6395",
            "60.0",
            "30.0",
            "5400",
            "98.0",
            "120.4",
        ],
        [
            "Tobacco mosaic virus",
            "Unnamed isolate",
            "V01408",
            "TMV vulgare",
            "6390",
            "10.0",
            "5.0",
            "900",
            "50.0",
            "10.0",
        ],
        [
            "'" + GLRAV["name"],
            "Strain NY1",
            "NC_004667",
            "GLRaV-3",
            "100",
            "25.0",
            "12.5",
            "2250",
            "75.0",
            "33.4",
        ],
    ]
    # Virtool's path answers the same.
    virtool = await public_client.get(f"/api/analyses/documents/{analysis['_id']}.csv?{query}", headers=admin)
    assert list(csv.reader(io.StringIO(await virtool.text()))) == rows

    response = await public_client.get(f"/api/analyses/{analysis['_id']}.xlsx?{query}", headers=admin)
    assert response.status == 200
    assert (
        response.headers["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = read_workbook(await response.read())
    assert book.sheetnames == ["Sequences", "OTUs"]
    sequences = [list(row) for row in book["Sequences"].iter_rows(values_only=True)]
    assert sequences[0] == rows[0]
    assert sequences[3][0] == GLRAV["name"]  # a string cell, never a formula
    assert book["Sequences"]["A4"].data_type == "s"
    assert [values(row) for row in sequences[1:]] == [values(row) for row in rows[1:]]
    otus = [list(row) for row in book["OTUs"].iter_rows(values_only=True)]
    assert otus == [
        ["OTU", "Abbreviation", "Weight (%)", "Best hit (%)", "Reads", "Coverage (%)", "Depth"],
        ["Tobacco mosaic virus", "TMV", 70, 35, 6300, 98, 120.4],
        [GLRAV["name"], "GLRaV-3", 25, 12.5, 2250, 75, 33.4],
    ]


def values(row: list[Any]) -> list[Any]:
    """A CSV row and a worksheet row compared as values: numbers as numbers, a CSV's `'` guard taken off."""
    compared: list[Any] = []
    for value in row:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = value.removeprefix("'")
        compared.append(float(value) if isinstance(value, int) else value)
    return compared
