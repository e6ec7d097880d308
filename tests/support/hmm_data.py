"""Small HMM data in the shapes NuVs runners read: annotations (a JSON list of clusters) and a HMMER3 file;
`install` puts HMM data in place as an administrator does (`PUT /api/hmms` of two uploads)."""

import gzip
import json

from tests.support.references_helpers import upload


def cluster(number: int, names: list[str]) -> dict:
    return {
        "_id": f"hmm{number:04d}",
        "cluster": number,
        "count": 12,
        "length": 210,
        "names": names,
        "families": {"Potyviridae": 10, "None": 2},
        "genera": {"Potyvirus": 9},
        "entries": [
            {"accession": "NP_056759.1", "gi": "9629651", "name": names[0], "organism": "Plum pox virus"}
        ],
        "mean_entropy": 0.52,
        "total_entropy": 109.4,
    }


CLUSTERS = [
    cluster(1, ["replicase", "RNA-dependent RNA polymerase"]),
    cluster(2, ["coat protein"]),
    cluster(3, ["movement protein", "MP", "30K protein"]),
]
ANNOTATIONS = json.dumps(CLUSTERS).encode()
ANNOTATIONS_GZ = gzip.compress(ANNOTATIONS)


def _profile(number: int) -> bytes:
    return (
        f"HMMER3/f [3.3.2 | Nov 2020]\nNAME  vFam_{number}\nLENG  4\nALPH  amino\n"
        "HMM          A        C        D\n            m->m     m->i     m->d\n"
        "  1      2.3 2.1 2.9      1 a - - -\n//\n"
    ).encode()


PROFILES = b"".join(_profile(number) for number in (1, 2, 3))


async def install(public_client, headers, annotations: bytes = ANNOTATIONS_GZ, profiles: bytes = PROFILES):
    body = {
        "annotations": await upload(public_client, headers, annotations, "hmm", "annotations.json.gz"),
        "profiles": await upload(public_client, headers, profiles, "hmm", "profiles.hmm"),
    }
    return await public_client.put("/api/hmms", json=body, headers=headers)
