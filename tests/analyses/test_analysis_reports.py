"""An analysis's report and its exports (`GET /analyses/{id}/report`, `.csv`, `.xlsx`, `.fa`): the rows the
results page shows, named from the analysis's index, sorted and filtered by one query; the files hold it too.
"""

import csv
import io
from typing import Any

from tests.support.workbooks import read_workbook
from tests.support.workflow_results import NUVS_ORF, PATHOSCOPE_RESULTS
from virtool_api.analyses.stored_results import write_results
from virtool_api.indexes.files import write_otus_file
from virtool_api.utils import utc_now

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


async def finalized(  # type: ignore[no-untyped-def]
    ctx, factory, workflow: str, results: dict[str, Any], sample: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A finalized analysis holding `results` as stored, whatever a finalize would check."""
    analysis = await factory.analysis(sample, workflow=workflow)
    stored = await write_results(ctx, analysis["_id"], workflow, results)
    await ctx.db.analyses.update_one(
        {"_id": analysis["_id"]},
        {"$set": {"ready": True, "results_file": stored.pointer, "updated_at": utc_now()}},
    )
    return analysis


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


PRO = str(len(NUVS_ORF["pro"]))
OFF_THE_CONTIG = {
    "hits": [
        {
            "index": 4,
            "sequence": "ATGC" * 100,  # 400 bases
            "extra_key": "kept",
            "orfs": [
                {**NUVS_ORF, "index": 0, "strand": 1, "frame": 1, "pos": [-2, 300], "note": "extra"},
                {**NUVS_ORF, "index": 1, "strand": -1, "frame": 0, "pos": [310, 469], "hits": []},
                {"index": 2, "pro": "MKV" * 40, "frame": 2, "strand": 1, "pos": [20, 140]},  # no "hits"
            ],
        },
        {"index": 9, "sequence": "AAAACCCCGGGGTTTT", "orfs": []},
    ]
}


async def test_nuvs_report_clips_orfs_that_run_off_the_contig(public_client, factory, ctx):
    analysis = await finalized(ctx, factory, "nuvs", OFF_THE_CONTIG)
    _, admin = await factory.person(administrator=True)

    response = await public_client.get(f"/api/analyses/{analysis['_id']}/report", headers=admin)

    assert response.status == 200
    contigs = (await response.json())["contigs"]
    assert [contig["index"] for contig in contigs] == [4, 9]
    orfs = contigs[0]["orfs"]
    assert [(orf["index"], orf["start"], orf["end"], orf["clipped"]) for orf in orfs] == [
        (0, 1, 300, ["start"]),
        (2, 21, 140, []),
        (1, 311, 400, ["end"]),
    ]
    assert orfs[0]["pos"] == [-2, 300]
    assert orfs[0]["best_e_text"] == "3.4e-21" and contigs[0]["best_e_text"] == "3.4e-21"
    assert orfs[1]["hits"] == [] and orfs[1]["length"] == 120  # "MKV" * 40, sent without "hits"
    assert contigs[1]["best_e"] is None and contigs[0]["blast"] is None


async def test_nuvs_report_sorts_and_filters(public_client, factory, ctx):
    analysis = await finalized(ctx, factory, "nuvs", OFF_THE_CONTIG)
    _, admin = await factory.person(administrator=True)

    async def indexes(query: str) -> list[int]:
        response = await public_client.get(f"/api/analyses/{analysis['_id']}/report?{query}", headers=admin)
        assert response.status == 200, await response.text()
        return [contig["index"] for contig in (await response.json())["contigs"]]

    assert await indexes("sort=length") == [4, 9]
    assert await indexes("sort=length&order=asc") == [9, 4]
    assert await indexes("with_hits=true") == [4]
    assert await indexes("max_e=1e-30") == []
    assert await indexes("min_length=100") == [4]
    assert await indexes("sort=e&order=desc") == [4, 9]  # without a hit: last either way


async def test_nuvs_csv_workbook_and_fasta(public_client, factory, ctx):
    analysis = await finalized(ctx, factory, "nuvs", OFF_THE_CONTIG)
    _, admin = await factory.person(administrator=True)
    url = f"/api/analyses/{analysis['_id']}"

    rows = list(csv.reader(io.StringIO(await (await public_client.get(f"{url}.csv", headers=admin)).text())))
    assert rows == [
        [
            "Contig",
            "Contig length",
            "ORF",
            "Strand",
            "Frame",
            "Start",
            "End",
            "Clipped",
            "Length (aa)",
            "HMM hits",
            "Best E-value",
        ],
        ["4", "400", "0", "+", "1", "1", "300", "start", PRO, "HMM ugeb2lmp", "3.4e-21"],
        ["4", "400", "2", "+", "2", "21", "140", "", "120", "", ""],
        ["4", "400", "1", "-", "0", "311", "400", "end", PRO, "", ""],
    ]
    book = read_workbook(await (await public_client.get(f"{url}.xlsx", headers=admin)).read())
    assert [list(row) for row in book["Contigs"].iter_rows(values_only=True)] == [
        ["Contig", "Length", "ORFs", "Best E-value"],
        [4, 400, 3, "3.4e-21"],
        [9, 16, 0, None],
    ]

    contigs = await (await public_client.get(f"{url}.fa", headers=admin)).text()
    assert contigs.startswith(">contig_4 length=400\n" + "ATGC" * 17 + "AT\n")
    assert ">contig_9 length=16\nAAAACCCCGGGGTTTT\n" in contigs
    orfs = await (await public_client.get(f"{url}.fa?sequences=orfs&min_length=100", headers=admin)).text()
    records = dict(record.split("\n", 1) for record in orfs.strip(">").split("\n>"))
    assert (
        records["contig_4_orf_1 311-400(-) length=90 clipped=end"].replace("\n", "")
        == ("ATGC" * 100)[310:400].translate(str.maketrans("ACGT", "TGCA"))[::-1]
    )
    assert "contig_4_orf_0 1-300(+) length=300 clipped=start" in records
    proteins = await (await public_client.get(f"{url}.fa?sequences=proteins", headers=admin)).text()
    assert proteins.startswith(
        ">contig_4_orf_0 1-300(+) length=" + PRO + "aa\n" + NUVS_ORF["pro"][:70] + "\n"
    )


async def test_reports_need_read_rights_and_a_finished_pathoscope_or_nuvs_analysis(
    public_client, factory, ctx
):
    private = await factory.sample(ready=True, all_read=False, all_write=False)
    analysis = await finalized(ctx, factory, "nuvs", OFF_THE_CONTIG, private)
    _, stranger = await factory.person()
    for path in ("/report", ".csv", ".xlsx", ".fa"):
        response = await public_client.get(f"/api/analyses/{analysis['_id']}{path}", headers=stranger)
        assert response.status == 403, path
        assert await response.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}
    _, admin = await factory.person(administrator=True)
    running = await factory.analysis(workflow="nuvs")
    response = await public_client.get(f"/api/analyses/{running['_id']}.csv", headers=admin)
    assert (response.status, (await response.json())["message"]) == (409, "Analysis is still running")
    aodp = await finalized(ctx, factory, "aodp", {"anything": 1})
    response = await public_client.get(f"/api/analyses/{aodp['_id']}/report", headers=admin)
    assert (response.status, (await response.json())["message"]) == (
        409,
        "Only Pathoscope and NuVs analyses have a report",
    )
    pathoscope = await finalized(ctx, factory, "pathoscope_bowtie", PATHOSCOPE_RESULTS)
    response = await public_client.get(f"/api/analyses/{pathoscope['_id']}.fa", headers=admin)
    assert (response.status, (await response.json())["message"]) == (
        409,
        "Only NuVs analyses have sequences to export",
    )
    response = await public_client.get("/api/analyses/nothing.xlsx", headers=admin)
    assert response.status == 404
