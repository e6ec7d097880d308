"""How an analysis goes out: its fields, then its results streamed from their file (`stored_results.py`)."""

from aiohttp import web

from virtool_api.analyses.documents import ShownAnalysis
from virtool_api.api.streaming import json_with_streamed_member

_RESULTS = {"results"}


def analysis_response(shown: ShownAnalysis) -> web.Response:
    """The `Analysis` document; `results` is copied through piece by piece, never held whole. The other fields
    are written by pydantic in one step from their dict, without building the model (`ModelFields`); without
    results, all of them (`results`, null, is the model's last field)."""
    if shown.results is None:
        return web.Response(body=shown.analysis.json(), content_type="application/json")
    head = shown.analysis.json(exclude=_RESULTS)
    return json_with_streamed_member(head, "results", shown.results)
