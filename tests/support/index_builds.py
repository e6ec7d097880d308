"""Building an index over the public API as an administrator, and the conflict bodies the index routes answer
with: what the index tests share."""


def conflict(message: str) -> dict[str, str]:
    return {"id": "conflict", "message": message}


async def build(public_client, admin, reference) -> dict:
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201, await response.text()
    return await response.json()
