"""The NuVs and Pathoscope result shapes (`virtool_api/analyses/results.py`): what a finalize checks, what the
OpenAPI document says.

A NuVs result's contigs are checked, because BLAST relies on them: a contig sent as `contig` instead of
`sequence` used to finalize and then BLAST answered "Sequence not found". The rest of it is checked only where
the web client draws from it, never narrower than what real runners send. A Pathoscope result is only
documented: the server reads nothing in it.
"""

import copy
from typing import Any

from tests.support.analysis_jobs import running_analysis, running_nuvs
from tests.support.errors import refused
from tests.support.workflow_results import NUVS_ORF, PATHOSCOPE_RESULTS


def nuvs_results(contigs: int = 3) -> dict[str, Any]:
    """A result as `virtool/workflow-nuvs` sends it: indexes unique but not contiguous (contigs whose ORFs
    matched no HMM are dropped), ORFs without `nuc`, an ORF with no HMM hit."""
    hits = []
    for index in range(0, 2 * contigs, 2):
        quiet_orf = {**NUVS_ORF, "index": 1, "strand": 1, "frame": 0, "pos": [500, 800], "hits": []}
        orfs = copy.deepcopy([NUVS_ORF, quiet_orf])
        hits.append({"index": index, "sequence": "ACGTTGCAAN" * 80, "orfs": orfs})
    return {"hits": hits}


async def finalize(jobs_client, analysis, auth, results):  # type: ignore[no-untyped-def]
    return await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": results}, headers=auth
    )


async def test_a_nuvs_result_as_the_workflow_sends_it_is_stored_and_shown_with_blast(
    jobs_client, public_client, factory, ctx
):
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = nuvs_results()
    results["hits"][0]["orfs"][0]["nuc"] = "ATG"  # keys beyond the workflow's are kept

    response = await finalize(jobs_client, analysis, auth, results)

    assert response.status == 200, await response.text()
    shown = (await response.json())["results"]
    assert shown == {"hits": [{**hit, "blast": None} for hit in results["hits"]]}
    _, admin = await factory.person(administrator=True)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    assert (await response.json())["results"] == shown


async def test_a_contig_without_its_sequence_is_refused(jobs_client, factory, ctx):
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = nuvs_results()
    results["hits"][1]["contig"] = results["hits"][1].pop("sequence")

    response = await finalize(jobs_client, analysis, auth, results)

    assert await refused(response) == {"results.hits.1.sequence": ["Field required"]}
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert (document["ready"], document["results"]) == (False, None)
    response = await finalize(jobs_client, analysis, auth, nuvs_results())
    assert response.status == 200


async def test_a_sequence_must_be_nucleotides(jobs_client, factory, ctx):
    analysis, auth = await running_nuvs(factory, jobs_client)
    not_nucleotides = [
        "Value error, must be a nucleotide sequence (IUPAC codes: A C G T U R Y S W K M B D H V N)"
    ]

    for sequence in ("", "MSKVQLTEDS", "ACGT ACGT", "ACGT\n", 42):
        results = nuvs_results()
        results["hits"][2]["sequence"] = sequence
        errors = await refused(await finalize(jobs_client, analysis, auth, results))
        if sequence == 42:
            assert errors == {"results.hits.2.sequence": ["Input should be a valid string"]}
        else:
            assert errors == {"results.hits.2.sequence": not_nucleotides}, sequence

    results = nuvs_results()
    results["hits"][0]["sequence"] = "acgtRYKMswbdhvnU"
    assert (await finalize(jobs_client, analysis, auth, results)).status == 200


async def test_contig_indexes_are_unique_integers(jobs_client, factory, ctx):
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = nuvs_results(4)
    results["hits"][2]["index"] = results["hits"][3]["index"] = results["hits"][0]["index"]

    assert await refused(await finalize(jobs_client, analysis, auth, results)) == {
        "results.hits.2.index": ["index 0 is also hit 0's"],
        "results.hits.3.index": ["index 0 is also hit 0's"],
    }
    for index, message in (
        ("4", "Input should be a valid integer"),
        (True, "Input should be a valid integer"),
        (4.0, "Input should be a valid integer"),
        (-1, "Input should be greater than or equal to 0"),
        (2**31, "Input should be less than or equal to 2147483647"),
    ):
        results = nuvs_results()
        results["hits"][1]["index"] = index
        errors = await refused(await finalize(jobs_client, analysis, auth, results))
        assert errors == {"results.hits.1.index": [message]}, index


async def test_what_real_nuvs_runners_send_is_stored_and_served_as_sent(
    jobs_client, public_client, factory, ctx
):
    """Virtool's ORF finder gives a reverse-strand ORF that runs off the contig's end a negative start (the
    real workflow's finalize failed with 422 on `[-2, 469]`); ORFs come without `hits`, with keys of their
    own, or without keys the shape names."""
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = nuvs_results()
    contig = results["hits"][1]
    contig["orfs"][0] = {**NUVS_ORF, "pos": [-2, 469]}
    contig["orfs"][1] = {**NUVS_ORF, "index": 1, "pos": [-1, 1700], "nuc": "ATGAAA", "score": 12.5}
    contig["orfs"].append({"index": 2, "pro": "MK" * 60, "frame": 2, "strand": 1, "pos": [700, 1100]})
    contig["orfs"].append({"index": 3, "pos": [-1, 311]})
    contig["orfs"][0]["hits"] = [{**NUVS_ORF["hits"][0], "cluster": 112, "names": ["coat protein"]}]
    contig["assembler"] = {"name": "SPAdes", "k": [21, 33, 55, 75]}
    results["hits"][2].pop("orfs")
    results["hmm_version"] = "vFam 2014"

    response = await finalize(jobs_client, analysis, auth, results)

    assert response.status == 200, await response.text()
    shown = {**results, "hits": [{**hit, "blast": None} for hit in results["hits"]]}
    assert (await response.json())["results"] == shown
    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)
    assert (await response.json())["results"] == shown
    _, admin = await factory.person(administrator=True)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    assert (await response.json())["results"] == shown
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert document["ready"] is True


async def test_keys_the_web_client_draws_from_must_have_the_type_it_draws(jobs_client, factory, ctx):
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = nuvs_results()
    orf = results["hits"][0]["orfs"][0] = copy.deepcopy(NUVS_ORF)
    orf["strand"] = 0
    orf["pos"] = [1, 2, 3]
    orf["hits"][0]["full_e"] = "3.4e-21"
    results["hits"][1]["orfs"][0] = {**NUVS_ORF, "pos": [1.5, 30]}
    results["hits"][2]["orfs"] = {"0": NUVS_ORF}

    assert await refused(await finalize(jobs_client, analysis, auth, results)) == {
        "results.hits.0.orfs.0.strand": ["Value error, must be 1 (forward) or -1 (reverse)"],
        "results.hits.0.orfs.0.pos": ["List should have at most 2 items after validation, not 3"],
        "results.hits.0.orfs.0.hits.0.full_e": ["Input should be a valid number"],
        "results.hits.1.orfs.0.pos.0": ["Input should be a valid integer"],
        "results.hits.2.orfs": ["Input should be a valid list"],
    }
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert (document["ready"], document["results"]) == (False, None)


async def test_a_nuvs_result_needs_a_list_of_contigs(jobs_client, factory, ctx):
    analysis, auth = await running_nuvs(factory, jobs_client)

    assert await refused(await finalize(jobs_client, analysis, auth, {})) == {
        "results.hits": ["Field required"]
    }
    assert await refused(await finalize(jobs_client, analysis, auth, {"hits": {"0": {}}})) == {
        "results.hits": ["Input should be a valid list"]
    }
    assert await refused(await finalize(jobs_client, analysis, auth, {"hits": ["ACGT"]})) == {
        "results.hits.0": ["Input should be a valid dictionary or instance of NuvsHit"]
    }
    assert (await finalize(jobs_client, analysis, auth, {"hits": []})).status == 200


async def test_pathoscope_results_are_stored_as_sent(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await finalize(jobs_client, analysis, auth, PATHOSCOPE_RESULTS)

    assert response.status == 200
    assert (await response.json())["results"] == PATHOSCOPE_RESULTS


async def test_the_server_relies_on_nothing_in_a_pathoscope_result(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    # The spec's own example of a finalize; a NuVs-like shape is fine too on a Pathoscope analysis.
    response = await finalize(jobs_client, analysis, auth, {"foo": "bar", "hits": [{"contig": "ACGT"}]})

    assert response.status == 200


async def test_openapi_documents_the_result_shapes(public_client):
    document = await (await public_client.get("/api/openapi.json")).json()
    schemas = document["components"]["schemas"]

    finalize = document["paths"]["/analyses/{analysis_id}"]["patch"]
    assert finalize["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FinalizeAnalysisRequest"
    }
    sent = schemas["FinalizeAnalysisRequest"]["properties"]["results"]["anyOf"]
    assert sent[:2] == [
        {"$ref": "#/components/schemas/NuvsResults"},
        {"$ref": "#/components/schemas/PathoscopeResults"},
    ]
    # Only what the server relies on is required (BLAST: a contig's index and sequence).
    assert schemas["NuvsHit"]["required"] == ["index", "sequence"]
    assert "required" not in schemas["NuvsOrf"]
    assert set(schemas["NuvsOrf"]["properties"]) == set(NUVS_ORF)
    assert "required" not in schemas["NuvsHmmHit"]
    assert set(schemas["NuvsHmmHit"]["properties"]) == set(NUVS_ORF["hits"][0])
    assert set(schemas["PathoscopeResults"]["required"]) == set(PATHOSCOPE_RESULTS)
    assert set(schemas["PathoscopeHit"]["required"]) == set(PATHOSCOPE_RESULTS["hits"][0])

    shown = schemas["Analysis"]["properties"]["results"]["anyOf"]
    assert {"$ref": "#/components/schemas/RenderedNuvsResults"} in shown
    assert schemas["RenderedNuvsHit"]["properties"]["blast"]["anyOf"][0] == {
        "$ref": "#/components/schemas/NuvsBlastRecord"
    }
