"""The web client's page, files and documentation as served (over HTTP; the browser tests are in
test_web_client.py)."""

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.support.errors import NOT_FOUND
from virtool_api.users.sessions import create_session

STATIC = Path(__file__).resolve().parents[2] / "virtool_api" / "web" / "static"


async def session_cookie(ctx, user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, token = await create_session(ctx, user["_id"], remember=False)
    return {"Cookie": f"virtool_session={token}"}


def embedded_account(text: str) -> dict | None:
    match = re.search(r'<script type="application/json" id="account">(.*?)</script>', text)
    return None if match is None else json.loads(match.group(1))


# --- the page ---


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/samples",
        "/samples/abc123/quality",
        "/analyses/x",
        "/administration/users",
        "/references/abc/indexes",
        "/otus/abc",
        "/indexes/abc",
        "/subtractions/abc",
        "/hmms/abc",
    ],
)
async def test_client_routes_serve_the_page(public_client, path):
    response = await public_client.get(path)
    assert response.status == 200
    assert response.content_type == "text/html"
    text = await response.text()
    assert '<script type="module" src="/static/app/client.js"></script>' in text
    assert response.headers["Cache-Control"] == "no-store"
    assert embedded_account(text) is None  # nobody signed in: no account, and no request needed to learn it


@pytest.mark.parametrize("path", ["/api/nothing", "/static/app/missing.js", "/api/"])
async def test_other_api_and_file_paths_are_json_404s(public_client, path):
    response = await public_client.get(path)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


@pytest.mark.parametrize("path", ["/nothing", "/samplesx", "/otusx", "/redoc", "/a/b<script>"])
async def test_an_unknown_page_is_an_html_not_found_with_a_way_back(public_client, path):
    response = await public_client.get(path)
    assert response.status == 404
    assert response.content_type == "text/html"
    text = await response.text()
    assert "<h1>Not found</h1>" in text and '<a href="/">Go to the start page</a>' in text
    assert "<script>" not in text  # the address is escaped
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]


async def test_the_page_names_the_signed_in_account(public_client, ctx, factory):
    user, _ = await factory.person(handle="mira</script><b>")  # would break out of the script if unescaped
    response = await public_client.get("/samples", headers=await session_cookie(ctx, user))
    text = await response.text()
    account = embedded_account(text)
    assert account is not None and account["handle"] == "mira</script><b>" and account["id"] == user["_id"]
    assert "password" not in account
    assert "</script><b>" not in text.split('id="account">')[1].split("</script>")[0]


async def test_an_expired_or_unknown_session_renders_the_sign_in_page(public_client):
    response = await public_client.get("/samples", headers={"Cookie": "virtool_session=made-up"})
    assert response.status == 200
    assert embedded_account(await response.text()) is None


async def test_content_security_policy_admits_scripts_from_this_server_only(public_client):
    response = await public_client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_page_loads_its_code_in_one_request(public_client):
    """The first page was 24 modules; it is one bundle now (`make web`), with no bare import left in it."""
    text = await (await public_client.get("/samples")).text()
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", text)
    assert scripts == ["/static/app/client.js"]
    assert "modulepreload" not in text and "importmap" not in text
    assert (await public_client.get(scripts[0])).status == 200


# --- the files ---


async def test_assets_are_gzipped_and_revalidated(public_client):
    response = await public_client.get(
        "/static/app/client.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert gzip.decompress(await response.read()) == (STATIC / "app" / "client.js").read_bytes()
    etag = response.headers["ETag"]
    again = await public_client.get("/static/app/client.js", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""


async def test_assets_without_gzip(public_client):
    response = await public_client.get("/static/app/app.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert await response.read() == (STATIC / "app" / "app.css").read_bytes()


@pytest.mark.parametrize(
    "path",
    ["/static/../__init__.py", "/static/%2e%2e/routes.py", "/static/..%2f..%2fcli.py", "/static//etc/passwd"],
)
async def test_only_files_of_the_client_are_served(public_client, path):
    response = await public_client.get(path)
    assert response.status == 404


async def test_pages_and_files_need_no_credentials_but_the_api_does(public_client):
    assert (await public_client.get("/static/app/client.js")).status == 200
    assert (await public_client.get("/api/samples")).status == 401


@pytest.mark.parametrize(
    "vendor", [STATIC / "vendor", Path(__file__).parents[1] / "vendor"], ids=["client", "tests"]
)
def test_vendored_files_match_their_record(vendor: Path):
    """Every vendored file is listed in VENDORED.md with its SHA-256 (as npm shipped it), and nothing else."""
    recorded = dict(
        (name, digest)
        for digest, name in re.findall(
            r"\| `([0-9a-f]{64})` \| \d+ \| `([^`]+)` \|", (vendor / "VENDORED.md").read_text()
        )
    )
    present = {path.relative_to(vendor).as_posix() for path in vendor.rglob("*") if path.is_file()} - {
        "VENDORED.md"
    }
    assert set(recorded) == present
    for name, digest in recorded.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name


# --- the documentation ---


@pytest.mark.parametrize("path", ["/docs"])
async def test_docs_page(public_client, path):
    response = await public_client.get(path)
    assert response.status == 200
    text = await response.text()
    assert "/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js" in text
    assert "/static/docs.js" in text
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]


async def test_docs_script_reads_the_openapi_document(public_client):
    script = await (await public_client.get("/static/docs.js")).text()
    assert 'url: "/api/openapi.json"' in script
    assert "validatorUrl: null" in script  # no call to an online validator
    assert (await public_client.get("/api/openapi.json")).status == 200
