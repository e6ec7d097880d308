"""Real headless Chromium through Selenium, for the web client's tests.

One browser per test module (`browser` fixture), one real server process per module (`web_server`). Tests
are skipped, saying why, where Chromium, its driver or Selenium are missing. Every page a test visits is saved
as a PNG under `$VIRTOOL_SCREENSHOTS` (default `build/screenshots/`; `docs/screenshots/` holds the copies the
docs show), and the browser's console is checked for errors after each test.
"""

import base64
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("VIRTOOL_SCREENSHOTS") or ROOT / "build" / "screenshots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = ROOT / "tests" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
"""axe-core, vendored for the tests only (tests/vendor/VENDORED.md)."""
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then((result) => done(result.violations.map((violation) => ({
  id: violation.id, impact: violation.impact, help: violation.help,
  nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")), count: violation.nodes.length,
})))).catch((error) => done(String(error)));
"""
TEXT_CANDIDATES = """
const [css, text] = arguments;
const squeezed = (value) => value.replace(/\\s+/g, "").toLowerCase();
const sought = squeezed(text);
const elements = [...document.querySelectorAll(css)];
return elements.filter((element) => squeezed(element.textContent).includes(sought));
"""
"""The elements matching `css` whose text content, without white space and in lower case, holds `text` so
reduced: a superset of those whose visible text holds it (visible text is some of the content, its white space
rearranged, its case perhaps changed by CSS)."""
WAIT = 30.0
"""Seconds a page may take to reach what a test waits for. A wait is a state the page must reach, not a speed
the test measures: generous, because `make test` shares the two cores among its workers (10 s was missed
there while the other worker and other work loaded the machine)."""
POLL_MAX = 0.4
"""Seconds between looks at a page that takes long to reach what a test waits for (`Browser.wait_for`)."""

try:
    import selenium  # noqa: F401

    SELENIUM = True
except ImportError:  # pragma: no cover - the dev dependencies install it
    SELENIUM = False


def skip_reason() -> str | None:
    if not SELENIUM:
        return "selenium is not installed (pip install -e '.[dev]')"
    if CHROMIUM is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
    return None


requires_browser = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)


def dropdown(element: Any) -> Any:
    """Selenium's `Select` over a `<select>` element: its options, the one chosen, choosing another."""
    # Here, as the Browser's own: collecting imports every test module in every worker (this is 0.2 s of CPU).
    from selenium.webdriver.support.ui import Select

    return Select(element)


class Browser:
    """A Chromium session with the checks every browser test wants."""

    def __init__(self, driver: Any, base_url: str, server_log: Path | None = None) -> None:
        self.driver = driver
        self.base_url = base_url
        self.allowed_console: list[str] = []
        self.server_log = server_log
        """The log of the server the page talks to, if the test keeps one: a failed wait ends with its last
        lines (what the server and its runner did meanwhile)."""

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def find(self, css: str, timeout: float = WAIT) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)),
            f"no visible {css!r} within {timeout} s on {self.driver.current_url}",
        )

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, condition: Callable[[], Any], timeout: float = WAIT, what: str = "condition") -> Any:
        """Poll `condition` (a plain function) until it returns something truthy: every 0.05 s at first (a
        page renders in that time), less often the longer it takes, up to every `POLL_MAX` s (a job the page
        follows runs for seconds; each look is a round trip through chromedriver that takes CPU from it)."""
        deadline = time.monotonic() + timeout
        pause = 0.05
        while True:
            try:
                result = condition()
            except Exception:  # the DOM changes under us while the page renders: try again
                result = None
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what} not met within {timeout} s on {self.driver.current_url}{self._server_log_tail()}"
                )
            time.sleep(pause)
            pause = min(pause * 1.25, POLL_MAX)

    def wait_for_text(self, css: str, text: str, timeout: float = WAIT) -> Any:
        """The first element matching `css` whose visible text (Selenium's `.text`) holds `text`. Each look
        asks the page, in one script, which elements' text content could hold it, and reads the visible
        text of those only. Reading one element's visible text is a WebDriver call of its own (about 15 ms
        of Chromium's CPU), and every element matching `css` had been read on every look: a look at 25 rows
        of the samples table cost 380 ms, now 5 ms. The page's answer only narrows the elements read: should
        it ever miss one (text hidden in the middle of the words sought), all are read again before the wait
        fails."""

        def shown_in(elements: list[Any]) -> Any:
            return next((element for element in elements if text in element.text), None)

        what = f"{text!r} in {css!r}"
        try:
            return self.wait_for(lambda: shown_in(self.js(TEXT_CANDIDATES, css, text)), timeout, what)
        except AssertionError as error:
            elements = self.find_all(css)
            found = shown_in(elements)
            if found is None:
                shown = [element.text for element in elements[:5]]
                raise AssertionError(f"{css!r} shows {shown!r}; {error}") from None
            return found

    def _server_log_tail(self, lines: int = 40) -> str:
        if self.server_log is None or not self.server_log.exists():
            return ""
        tail = self.server_log.read_text(errors="replace").splitlines()[-lines:]
        return f"\nthe last {len(tail)} lines of the server's log ({self.server_log}):\n" + "\n".join(tail)

    def fill(self, css: str, text: str) -> None:
        element = self.find(css)
        element.clear()
        element.send_keys(text)

    def screenshot(self, name: str) -> Path:
        """Save the page as `name`.png and check it with axe-core (every page a test visits is saved)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # What WebDriver's screenshot does (the viewport, as a PNG), with Chromium's fast PNG encoder: the
        # same pixels, in a file about 20% larger, for 20 ms of the browser's CPU instead of 55 ms.
        fast_png = {"format": "png", "optimizeForSpeed": True}
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", fast_png)
        path.write_bytes(base64.b64decode(shot["data"]))
        self.check_accessibility(name)
        return path

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on the page as it is now (the vendored axe injected into it first)."""
        if not self.js("return typeof window.axe === 'object'"):
            # Run as a script of the page's own (through the DevTools protocol), not through WebDriver's
            # executeScript, which wraps its 650 kB in a function each time: 90 ms of Chromium's CPU a page
            # instead of 138 ms.
            script = {"expression": AXE_SOURCE, "sourceURL": AXE.name, "persistScript": True}
            compiled = self.driver.execute_cdp_cmd("Runtime.compileScript", script)
            ran = self.driver.execute_cdp_cmd("Runtime.runScript", {"scriptId": compiled["scriptId"]})
            assert "exceptionDetails" not in ran, ran
        found = self.driver.execute_async_script(AXE_RUN)
        assert isinstance(found, list), found
        return found

    def check_accessibility(self, name: str) -> None:
        """No serious or critical axe-core violation on a page of ours (`/docs` is Swagger UI's: recorded
        only); every page's violations are recorded in `axe.json` beside the screenshots."""
        violations = self.axe()
        # Workers running browser modules at once share the record: each read-modify-write holds its lock.
        with open(SCREENSHOTS / "axe.json", "a+") as record:
            fcntl.flock(record, fcntl.LOCK_EX)
            record.seek(0)
            recorded = json.loads(record.read() or "{}")
            recorded[name] = {"url": self.driver.current_url, "violations": violations}
            record.seek(0)
            record.truncate()
            record.write(json.dumps(recorded, indent=1, sort_keys=True))
        if self.driver.current_url.split("?")[0].endswith("/docs"):
            return
        serious = [item for item in violations if item["impact"] in ("serious", "critical")]
        assert not serious, f"axe-core on {name} ({self.driver.current_url}): {json.dumps(serious, indent=1)}"

    def console_errors(self) -> list[str]:
        """Console errors since the last call, except those a test said it expects."""
        entries = self.driver.get_log("browser")
        errors = [entry["message"] for entry in entries if entry["level"] == "SEVERE"]
        return [error for error in errors if not any(allowed in error for allowed in self.allowed_console)]

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)


def start_browser(base_url: str, server_log: Path | None = None) -> Iterator[Browser]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="virtool-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    try:
        yield Browser(driver, base_url, server_log)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
