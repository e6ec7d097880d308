"""An index's `otus.json.gz`: the reference's OTUs, whole and keyed as the build-index runners read them,
including the fields an imported export carried beyond ours."""

import gzip
import json

from tests.support.index_builds import build
from tests.support.references_helpers import REFERENCE_EXPORT, import_reference


async def test_the_otus_file_is_the_references_otus_keyed_as_runners_read_them(
    public_client, ctx, admin, reference
):
    index = await build(public_client, admin, reference)

    path = ctx.config.data_path / "indexes" / index["id"] / "otus.json.gz"
    otus = json.loads(gzip.decompress(path.read_bytes()))

    assert len(otus) == 25
    assert set(otus[0]) >= {"_id", "name", "abbreviation", "version", "isolates"}
    assert set(otus[0]["isolates"][0]) >= {"id", "default", "source_type", "source_name", "sequences"}
    assert set(otus[0]["isolates"][0]["sequences"][0]) >= {
        "_id",
        "accession",
        "definition",
        "segment",
        "sequence",
    }
    assert {otu["_id"] for otu in otus} == set(index["manifest"])
    assert sum(len(i["sequences"]) for otu in otus for i in otu["isolates"]) == 120


def exportable_otu(otu: dict) -> dict:
    """What the real build-index workflow (virtool/workflow-build-index) makes of each OTU of `otus.json.gz`
    for its `reference.json.gz`: it indexes these keys directly, so a missing one fails the job."""
    return {
        "_id": otu.get("remote", {}).get("id", otu["_id"]),
        **{key: otu[key] for key in ("name", "abbreviation", "schema")},
        "isolates": [
            {
                **{key: isolate[key] for key in ("id", "source_type", "source_name", "default")},
                "sequences": [
                    {
                        "_id": sequence["_id"],
                        **{key: sequence[key] for key in ("accession", "definition", "host", "sequence")},
                        **{key: sequence.get(key) for key in ("segment", "target")},
                    }
                    for sequence in isolate["sequences"]
                ],
            }
            for isolate in otu["isolates"]
        ],
    }


async def otus_file(public_client, ctx, admin, reference) -> list[dict]:
    index = await build(public_client, admin, reference)
    path = ctx.config.data_path / "indexes" / index["id"] / "otus.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


async def test_every_otu_is_served_whole_with_its_schema_as_build_index_runners_read_it(
    public_client, ctx, admin, reference
):
    export = {otu["name"]: otu for otu in json.loads(gzip.decompress(REFERENCE_EXPORT))["otus"]}
    otus = await otus_file(public_client, ctx, admin, reference)

    exportable = [exportable_otu(otu) for otu in otus]
    assert len(exportable) == 25
    for otu in exportable:
        source = export[otu["name"]]
        assert otu["schema"] == source["schema"]
        assert otu["abbreviation"] == source["abbreviation"]
        assert [isolate["id"] for isolate in otu["isolates"]] == [i["id"] for i in source["isolates"]]
        assert [s["accession"] for i in otu["isolates"] for s in i["sequences"]] == [
            s["accession"] for i in source["isolates"] for s in i["sequences"]
        ]
    assert export["Cucumber mosaic virus"]["schema"] == [
        {"name": "RNA 1", "molecule": "ssRNA+", "required": True},
        {"name": "RNA 2", "molecule": "ssRNA+", "required": True},
        {"name": "RNA 3", "molecule": "ssRNA+", "required": True},
    ]
    # Whole, as stored: the server's own fields too.
    stored = await ctx.db.otus.find_one({"_id": otus[0]["_id"]})
    assert set(otus[0]) == set(stored)
    assert otus[0]["reference"] == {"id": reference["id"]}


async def test_fields_an_export_carried_beyond_ours_are_kept_and_served(public_client, ctx, admin):
    document = json.loads(gzip.decompress(REFERENCE_EXPORT))
    tmv = document["otus"][0]
    tmv.update(taxid=12242, remote={"id": "r-tmv"}, issues=None)
    tmv["isolates"][0]["note"] = {"curated": True}
    tmv["isolates"][0]["sequences"][0]["target"] = "RdRp"
    del document["otus"][1]["schema"]
    reference = await import_reference(public_client, admin[1], gzip.compress(json.dumps(document).encode()))

    otus = {otu["name"]: otu for otu in await otus_file(public_client, ctx, admin, reference)}

    served = otus["Tobacco mosaic virus"]
    assert (served["taxid"], served["remote"], served["issues"]) == (12242, {"id": "r-tmv"}, None)
    assert served["isolates"][0]["note"] == {"curated": True}
    assert served["isolates"][0]["sequences"][0]["target"] == "RdRp"
    assert otus[document["otus"][1]["name"]]["schema"] == []
    assert exportable_otu(served)["_id"] == "r-tmv"
    assert exportable_otu(served)["isolates"][0]["sequences"][0]["target"] == "RdRp"
