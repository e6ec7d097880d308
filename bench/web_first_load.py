"""First load of the web client in headless Chromium: bytes transferred and time until the page is usable.

    .venv/bin/python bench/web_first_load.py [--samples 1000] [--repeat 5]

Starts `virtool-api serve` over a temporary data path holding `--samples` samples and a signed-in user, then,
in a fresh Chromium profile each time (an empty cache), opens `/samples` with that user's session cookie and
waits until the list of samples is on the screen. Reports, best and median of `--repeat` loads:

- transferred: the bytes of every response of the load (the page, scripts, styles, the API calls), as the
  browser counted them on the wire (Resource Timing `transferSize`, gzip included);
- usable: milliseconds from navigation start until the samples table and its count are rendered.

A second, cached load (the same profile, reloaded) shows what a returning person waits for.
"""

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.browser import skip_reason, start_browser
from tests.support.real_server import free_port, serve_command, wait_for_port
from virtool_api.config import Config
from virtool_api.samples.documents import create_sample
from virtool_api.samples.search import search_fields
from virtool_api.server.context import create_context
from virtool_api.users.service import create_user
from virtool_api.users.sessions import create_session
from virtool_api.utils import random_id, utc_now

MEASURE = r"""
const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
return {
  bytes: entries.reduce((sum, entry) => sum + (entry.transferSize || 0), 0),
  decoded: entries.reduce((sum, entry) => sum + (entry.decodedBodySize || 0), 0),
  requests: entries.length,
  code: entries.filter((entry) => /\.m?js(\?|$)/.test(entry.name)).length,
  usable: window.usableAt,
};
"""

WATCH = """
window.usableAt = null;
const check = () => {
  if (document.querySelector('.samples-table tbody tr') && document.querySelector('#sample-count')) {
    window.usableAt = performance.now();
  } else { requestAnimationFrame(check); }
};
check();
"""


async def seed(data_path: Path, count: int) -> str:
    ctx = await create_context(Config(data_path=data_path))
    try:
        user = await create_user(ctx, "bench", administrator=True)
        owner = {"id": user["_id"], "handle": "bench"}
        first = await create_sample(ctx, name="Sample 00000", user=owner, ready=True, status="available")
        await ctx.db.samples.insert_many(
            [
                {
                    **first,
                    "_id": random_id(),
                    "name": f"Sample {number:05d}",
                    **search_fields(f"Sample {number:05d}"),
                    "created_at": utc_now(),
                }
                for number in range(1, count)
            ]
        )
        _, token = await create_session(ctx, user["_id"], remember=True)
        return token
    finally:
        await ctx.close()


def load(url: str, token: str, cached_too: bool) -> list[dict]:
    results = []
    for browser in start_browser(url):
        driver = browser.driver
        browser.open("/static/favicon.svg")  # on the origin, to set the cookie
        driver.add_cookie({"name": "virtool_session", "value": token, "path": "/"})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        for _ in range(2 if cached_too else 1):
            if results:
                driver.refresh()
            else:
                browser.open("/samples")
            browser.wait_for(partial(browser.js, "return window.usableAt"), 20, "the samples list")
            results.append(driver.execute_script(MEASURE))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if reason := skip_reason():
        sys.exit(reason)
    root = Path(tempfile.mkdtemp(prefix="virtool-web-bench-"))
    token = asyncio.run(seed(root / "data", args.samples))
    port = free_port()
    process = subprocess.Popen(
        [
            *serve_command(),
            "--log-level=warning",
            "serve",
            "--only=public",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--data-path={root / 'data'}",
        ]
    )
    try:
        wait_for_port(process, port)
        first, cached = [], []
        for _ in range(args.repeat):
            cold, warm = load(f"http://127.0.0.1:{port}", token, cached_too=True)
            first.append(cold)
            cached.append(warm)
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)

    def line(label: str, loads: list[dict]) -> str:
        usable = sorted(item["usable"] for item in loads)
        return (
            f"{label:<14} {loads[0]['requests']:>3} requests ({loads[0]['code']} for code), "
            f"{loads[0]['bytes'] / 1024:7.1f} KiB transferred"
            " "
            f"({loads[0]['decoded'] / 1024:.1f} KiB decoded); usable after {usable[0]:.0f} ms best, "
            f"{statistics.median(usable):.0f} ms median"
        )

    print(f"/samples with {args.samples} samples, {args.repeat} loads each, Chromium headless, loopback")
    print(line("first load", first))
    print(line("cached reload", cached))


if __name__ == "__main__":
    main()
