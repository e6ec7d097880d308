"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
a sample's metadata record (`/api/v1/metadata/{id}`), read and changed.
"""

import pytest

from tests.support.onecodex_helpers import stored_sample
from virtool_api.utils import as_utc


async def test_metadata_record_is_a_view_of_the_samples_metadata(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, metadata={"name": "Vine 7", "lab_field": "kept"})
    url = f"/api/v1/metadata/{sample['_id']}"

    body = await (await public_client.get(url, headers=headers)).json()
    assert body == {
        "$uri": url,
        "sample": {"$ref": f"/api/v1/samples/{sample['_id']}"},
        "name": "Vine 7",
        "lab_field": "kept",
        "custom": {},
        "starred": False,
    }

    response = await public_client.patch(
        url,
        json={
            "custom": {"row": 3, "block": "B", "irrigated": True, "note": None},
            "date_collected": "2024-05-01T10:00:00Z",
            "location_lat": 49.9,
            "location_lon": -119.4,
            "starred": True,
        },
        headers=headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["custom"] == {"row": 3, "block": "B", "irrigated": True, "note": None}
    assert body["date_collected"] == "2024-05-01T10:00:00+00:00"
    assert (body["name"], body["lab_field"], body["starred"]) == ("Vine 7", "kept", True)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["metadata"] == {
        "name": "Vine 7",
        "lab_field": "kept",
        "custom": {"row": 3, "block": "B", "irrigated": True, "note": None},
        "date_collected": "2024-05-01T10:00:00+00:00",
        "location_lat": 49.9,
        "location_lon": -119.4,
        "starred": True,
    }
    assert as_utc(stored["updated_at"]) > sample["updated_at"]

    # `custom` is replaced whole; other keys stay.
    response = await public_client.patch(url, json={"custom": {"row": 4}, "name": None}, headers=headers)
    body = await response.json()
    assert (body["custom"], body["name"], body["location_lat"]) == ({"row": 4}, None, 49.9)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"sample": {"$ref": "/api/v1/samples/x"}}, "Unknown or read-only field: sample"),
        ({"$uri": "/api/v1/metadata/x"}, "Unknown or read-only field: $uri"),
        ({"lab_field": "x"}, "Unknown or read-only field: lab_field"),
        ({"location_lat": 90.5}, "Invalid value for field: location_lat"),
        ({"location_lon": -181}, "Invalid value for field: location_lon"),
        ({"external_sample_id": "x" * 61}, "Invalid value for field: external_sample_id"),
        ({"name": "n" * 256}, "Invalid value for field: name"),
        ({"custom": {"nested": {"a": 1}}}, "Invalid value for field: custom"),
        ({"custom": {"a.b": 1}}, "Invalid value for field: custom"),
        ({"custom": {"$where": 1}}, "Invalid value for field: custom"),
        ({"custom": {"a\x00b": 1}}, "Invalid value for field: custom"),
        ({"custom": {"reads": 2**63}}, "Invalid value for field: custom"),
        ({"custom": {"ratio": float("nan")}}, "Invalid value for field: custom"),
        ({"custom": {"ratio": float("inf")}}, "Invalid value for field: custom"),
        ({"name": "Vine \ud800"}, "Invalid value for field: name"),
        ({"custom": None}, "Invalid value for field: custom"),
        ({"starred": "yes"}, "Invalid value for field: starred"),
        ({"date_collected": "yesterday"}, "Invalid value for field: date_collected"),
    ],
)
async def test_metadata_update_refuses_what_one_codex_refuses(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, metadata={"name": "Vine 7"})
    response = await public_client.patch(f"/api/v1/metadata/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    assert (await response.json())["message"] == message
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["metadata"] == {"name": "Vine 7"}
