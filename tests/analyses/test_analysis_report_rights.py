"""Who may read an analysis's report and exports, and of which analyses (`GET /analyses/{id}/report`,
`.csv`, `.xlsx`, `.fa`): read rights on the sample, a finished Pathoscope or NuVs analysis, sequences of NuVs
only."""

from tests.support.analysis_reports import OFF_THE_CONTIG, finalized
from tests.support.workflow_results import PATHOSCOPE_RESULTS


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
