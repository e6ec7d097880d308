"""The committed bundle of the web client (`static/app/client.js`) is what its sources build to.

The server serves the bundle as committed (no Node at run time); this rebuilds it with the esbuild pinned in
package-lock.json and compares, byte for byte. Where npm is missing it is skipped, saying so.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "virtool_api" / "web"
BUNDLE = WEB / "static" / "app" / "client.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


def _install() -> None:
    """The pinned tools, installed by `npm ci` when they are not (as `make web` and `make lint` do)."""
    if ESBUILD.exists():
        return
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("Node and npm are not installed: the committed web bundle cannot be rebuilt to compare")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_committed_bundle_matches_its_sources(tmp_path: Path) -> None:
    _install()
    rebuilt = tmp_path / "client.js"
    subprocess.run(["node", str(WEB / "build.mjs"), str(rebuilt)], cwd=tmp_path, check=True, timeout=120)
    assert rebuilt.read_bytes() == BUNDLE.read_bytes(), (
        "static/app/client.js differs from what virtool_api/web/client/ builds to: run `make web`"
    )


def test_bundle_holds_every_page_and_no_bare_import() -> None:
    text = BUNDLE.read_text()
    for page in sorted((WEB / "client" / "pages").glob("*.js")):
        assert f"// virtool_api/web/client/pages/{page.name}" in text, page.name
    assert 'from "preact' not in text and 'from "htm"' not in text  # the page has no import map
