"""What the analysis report tests share: a finalized analysis holding given results as stored
(`finalized`), and NuVs results whose ORFs run off their contig (`OFF_THE_CONTIG`)."""

from typing import Any

from tests.support.workflow_results import NUVS_ORF
from virtool_api.analyses.stored_results import write_results
from virtool_api.utils import utc_now

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
