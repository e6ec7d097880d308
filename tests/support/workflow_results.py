"""NuVs and Pathoscope results as the workflows send them at finalize (`virtool_api/analyses/results.py`):
an ORF with an HMM hit, a Pathoscope result, and NuVs results of any size."""

import json
from typing import Any

NUVS_ORF = {
    "pro": "MSKVQLTEDSKAPLRVGELLKNTLDAVEKTGRFSIEDARRLADEGIALGHLTLRHCAS" * 2,
    "frame": 1,
    "strand": -1,
    "pos": [112, 475],
    "index": 0,
    "hits": [
        {
            "hit": "ugeb2lmp",
            "full_e": 3.4e-21,
            "full_score": 75.2,
            "full_bias": 0.3,
            "best_e": 5.1e-21,
            "best_bias": 0.3,
            "best_score": 74.6,
        }
    ],
}

PATHOSCOPE_RESULTS = {
    "subtracted_count": 112,
    "read_count": 7982,
    "hits": [
        {
            "id": "dq7o1lz6",
            "otu": {"id": "6tli5mz3", "version": 30},
            "align": [0, 0, 3, 5, 8, 8, 7, 2],
            "coverage": 0.75,
            "depth": 4,
            "final": {"pi": 0.9123, "best": 0.9, "high": 0.88, "low": 0.0, "reads": 7201},
            "initial": {"pi": 0.85, "best": 0.83, "high": 0.8, "low": 0.01, "reads": 6990},
        }
    ],
}


def large_nuvs_results(size: int) -> dict[str, Any]:
    """NuVs contigs adding up to about `size` bytes of JSON."""
    hits = []
    total = 0
    while total < size:
        hit = {"index": len(hits), "sequence": "ACGTTGCAAC" * 500, "orfs": [{**NUVS_ORF, "index": 0}]}
        total += len(json.dumps(hit))
        hits.append(hit)
    return {"hits": hits}
