"""A first start in the browser: the server prints a one-time setup link; whoever opens it creates the first
administrator by keyboard alone and is signed in; the link is dead afterwards and the page offers to sign in.

`virtool-api serve` on a fresh data path, real Chromium; every page checked with axe-core and saved
(`docs/screenshots/setup-*.png` when run with `VIRTOOL_SCREENSHOTS=docs/screenshots`).
"""

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.support.browser import Browser, requires_browser, start_browser
from tests.support.forked import virtool_api_process
from tests.support.real_server import free_port, printed_link, wait_for_port
from tests.support.web_site import call

pytestmark = requires_browser

PASSWORD = "first of the lab"


@dataclass
class FirstStart:
    url: str
    link: str
    """The setup link the first start printed."""


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstStart]:
    """`virtool-api serve` on a fresh data path, as `make run` starts it (without the runner: no job here)."""
    directory = tmp_path_factory.mktemp("first-start")
    port = free_port()
    output = directory / "stdout"
    with output.open("w") as stdout:
        process = virtool_api_process(
            [
                "--log-level=warning",
                "serve",
                "--no-runner",
                "--host=127.0.0.1",
                f"--port={port}",
                f"--jobs-port={free_port()}",
                f"--data-path={directory / 'data'}",
            ],
            stdout=stdout,
        )
    try:
        wait_for_port(process, port)
        yield FirstStart(f"http://127.0.0.1:{port}", printed_link(output, process))
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0
        shutil.rmtree(directory / "data", ignore_errors=True)


@pytest.fixture(scope="module")
def browser(first_start: FirstStart) -> Iterator[Browser]:
    yield from start_browser(first_start.url)


def test_the_printed_link_is_for_this_server(first_start: FirstStart) -> None:
    link = urlsplit(first_start.link)
    assert f"{link.scheme}://{link.netloc}" == first_start.url
    assert link.path == "/setup"


def test_without_an_administrator_every_page_offers_the_setup(browser: Browser) -> None:
    browser.open("/samples")
    browser.wait_for_text("h1", "Create the first administrator")
    # Without the link, the page asks for the token it holds.
    assert browser.find("#setup-token").get_attribute("required") == "true"
    assert browser.find_all("#login-handle") == []


def test_the_first_administrator_by_keyboard_alone(browser: Browser, first_start: FirstStart) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.driver.get(first_start.link)
    browser.wait_for_text("h1", "Create the first administrator")
    assert browser.find_all("#setup-token") == [], "the token comes from the link"
    assert browser.js("return document.activeElement.id") == "setup-handle"  # the form has the focus
    browser.screenshot("setup-01-first-administrator")

    # A slip first: the two passwords differ, and the page says so without asking the server.
    browser.driver.switch_to.active_element.send_keys(
        "ada", Keys.TAB, PASSWORD, Keys.TAB, "otherwise", Keys.ENTER
    )
    browser.wait_for_text("[role=alert]", "The two passwords differ.")
    repeat = browser.find("#setup-repeat")
    repeat.clear()
    repeat.send_keys(PASSWORD, Keys.ENTER)

    browser.wait_for_text("h1", "Welcome, ada")
    key = browser.find("#setup-key").text
    assert len(key) == 64  # the first API key, shown once
    assert call("GET", f"{first_start.url}/api/account", headers={"X-API-Key": key})["administrator"] is True
    browser.screenshot("setup-02-first-key")
    assert browser.js("return document.activeElement.textContent") == "Continue to Virtool"
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)

    browser.wait_for_text("h1", "Welcome, ada")  # the home page, signed in
    browser.wait_for_text(".topbar", "Administration")
    assert browser.driver.current_url == f"{first_start.url}/"
    assert browser.driver.get_cookie("virtool_session") is not None


def test_afterwards_the_link_is_dead_and_the_page_offers_to_sign_in(
    browser: Browser, first_start: FirstStart
) -> None:
    browser.driver.delete_all_cookies()
    browser.driver.get(first_start.link)
    browser.find("#login-handle")
    assert browser.find_all("#setup-handle") == []
    token = first_start.link.split("token=")[1]
    assert post_setup(first_start.url, {"token": token, "handle": "eve", "password": "another password"}) == (
        409,
        {"id": "conflict", "message": "The first administrator already exists"},
    )


def post_setup(url: str, body: dict[str, str]) -> tuple[int, Any]:
    """`POST /api/setup` as a script would (with our page's header): its status and answer."""

    async def send() -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{url}/api/setup", json=body, headers={"X-Requested-With": "XMLHttpRequest"}
            ) as answer,
        ):
            return answer.status, await answer.json()

    return asyncio.run(send())
