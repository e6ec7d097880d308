"""What is stored for an analysis: its results file on disk (`virtool_api/analyses/stored_results.py`)."""

import gzip
import json
from pathlib import Path
from typing import Any


def results_dir(ctx, analysis_id: str) -> Path:  # type: ignore[no-untyped-def]
    return ctx.config.data_path / "analyses" / "results" / analysis_id


async def stored_results(ctx, analysis_id: str) -> Any:  # type: ignore[no-untyped-def]
    """The analysis's results file, read whole (or the results a document from before files still holds)."""
    document = await ctx.db.analyses.find_one({"_id": analysis_id})
    if document.get("results_file") is None:
        return document.get("results")
    path = results_dir(ctx, analysis_id) / document["results_file"]["name"]
    return json.loads(gzip.decompress(path.read_bytes()))
