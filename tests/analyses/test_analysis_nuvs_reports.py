"""A NuVs analysis's report and its exports (`GET /analyses/{id}/report`, `.csv`, `.xlsx`, `.fa`): its
contigs and ORFs (clipped where they run off the contig), sorted and filtered by one query; the files hold
them too."""

import csv
import io

from tests.support.analysis_reports import OFF_THE_CONTIG, finalized
from tests.support.workbooks import read_workbook
from tests.support.workflow_results import NUVS_ORF

PRO = str(len(NUVS_ORF["pro"]))


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
