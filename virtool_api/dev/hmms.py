"""Real HMMER3 profiles for the demo data and the tests, built with pyhmmer from the proteins of the demo
reference's viruses.

Virtool's vFam profiles are built from alignments of many viral proteins; a profile built from one protein
(as `phmmer` does) finds the same protein in a related isolate, which is what a NuVs test needs: a virus
whose reads come from one isolate is recognised by the profile of another's protein.
"""

import gzip
import io
import json
from pathlib import Path
from typing import Any

from pyhmmer import easel, plan7

from virtool_api.runner.orfs import find_orfs

AMINO = easel.Alphabet.amino()


def read_fasta_gz(path: Path) -> dict[str, str]:
    sequences: dict[str, list[str]] = {}
    name = ""
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                name = line[1:].split()[0]
                sequences[name] = []
            else:
                sequences[name].append(line.strip())
    return {key: "".join(parts) for key, parts in sequences.items()}


def proteins(sequence: str, min_length: int = 200) -> list[str]:
    """The long ORFs of a genome, from their first methionine: stand-ins for its proteins."""
    found = []
    for orf in find_orfs(sequence, min_length):
        start = orf.protein.find("M")
        if start >= 0 and len(orf.protein) - start >= min_length:
            found.append(orf.protein[start:])
    return found


def build(named: list[tuple[int, str, str]]) -> tuple[bytes, bytes]:
    """`(cluster, name, protein)` -> (profiles.hmm, annotations.json.gz) as Virtool's HMM data has them."""
    builder = plan7.Builder(AMINO)
    background = plan7.Background(AMINO)
    buffer = io.BytesIO()
    annotations: list[dict[str, Any]] = []
    for cluster, name, protein in named:
        sequence = easel.TextSequence(name=f"vFam_{cluster}".encode(), sequence=protein).digitize(AMINO)
        hmm, _, _ = builder.build(sequence, background)
        hmm.write(buffer)
        annotations.append(
            {
                "_id": f"hmm{cluster:04d}",
                "cluster": cluster,
                "count": 1,
                "length": len(protein),
                "names": [name],
                "families": {"None": 1},
                "genera": {"None": 1},
                "entries": [
                    {"accession": f"P{cluster:05d}", "gi": str(cluster), "name": name, "organism": name}
                ],
                "mean_entropy": 0.5,
                "total_entropy": 100.0,
            }
        )
    return buffer.getvalue(), gzip.compress(json.dumps(annotations).encode())
