"""References, OTUs, indexes, subtractions and HMMs in the web client, in real headless Chromium against the
same real server and browser as `test_web_client.py` (`tests/support/web_site.py`).

An administrator imports the demo plant-virus reference export through the page (a bad file first, whose 400
the page shows), browses and searches its OTUs and opens one; builds an index (a second build is refused with
the 409 shown) while a build-index runner, played over the job API, works and finishes it; creates a
subtraction from an uploaded gzip FASTA, finished by its runner; starts an analysis picking the reference and
the subtraction by name, whose Pathoscope result names the reference's OTUs; and reads the HMM page before and
after installing HMM data from uploads. Tests run in order, as one person's session would.
"""

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import hmm_data
from tests.support.browser import WAIT, Browser, dropdown, requires_browser
from tests.support.runner import stand_in_index
from tests.support.web_site import DEMO_DATA, Runner, Site, api, call, sign_in
from tests.support.workbooks import read_workbook

pytestmark = [pytest.mark.slow, requires_browser]

EXPORT = DEMO_DATA / "plant-viruses.reference.json.gz"
EXPORT_NAME = "Plant Viruses (subset)"


@pytest.fixture(autouse=True)
def no_console_errors(browser: Browser) -> Iterator[None]:
    browser.console_errors()  # start clean
    yield
    assert browser.console_errors() == []
    browser.allowed_console = []


def heading(browser: Browser, text: str, timeout: float = WAIT) -> str:
    """Wait for the page's heading to read `text` (a flex box: its pieces come back on lines of their own)."""

    def shown() -> str | None:
        words = " ".join(browser.find("h1").text.split())
        return words if text in words else None

    return browser.wait_for(shown, timeout, f"h1 {text!r}")


def watch_progress(browser: Browser) -> None:
    """Record every value the newest upload's progress bar shows (read back with `seen_progress`)."""
    browser.js(
        "window.seenProgress = [];"
        "window.progressWatch = setInterval(() => {"
        " const bar = [...document.querySelectorAll('.upload-row progress')].pop();"
        " if (bar) window.seenProgress.push(bar.value); }, 20);"
    )


def seen_progress(browser: Browser) -> list[int]:
    return browser.js("clearInterval(window.progressWatch); return window.seenProgress")


def throttle_uploads(browser: Browser, bytes_per_second: int) -> None:
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second},
    )


def test_import_the_plant_virus_reference(browser: Browser, site: Site, tmp_path: Path) -> None:
    sign_in(browser, "/references")
    browser.find("form[aria-label='import a reference']")

    # Not gzip: the upload is kept, but importing it is a 400 that the page shows as a sentence.
    bad = tmp_path / "not-an-export.json.gz"
    bad.write_text('{"otus": []}')
    browser.find("#reference-file").send_keys(str(bad))
    browser.wait_for_text("#reference-upload option", "not-an-export.json.gz")
    browser.allowed_console = ["api/references - Failed to load resource"]
    browser.wait_for_text("button[type=submit]", "Import reference").click()
    browser.wait_for_text(".error", "The reference was not imported: Reference file is not gzip-compressed")

    # The demo export (145 KB) at 60 KB/s, so its progress bar has time to show.
    export = tmp_path / "plant-viruses.reference.json.gz"
    export.write_bytes(EXPORT.read_bytes())
    throttle_uploads(browser, 60_000)
    watch_progress(browser)
    try:
        browser.find("#reference-file").send_keys(str(export))
        browser.wait_for(lambda: 0 < (browser.js("return window.seenProgress.slice(-1)[0]") or 0) < 100)
        browser.screenshot("18-reference-upload")
        selected = browser.wait_for_text("#reference-upload option", "plant-viruses.reference.json.gz", 60)
    finally:
        throttle_uploads(browser, -1)
    assert any(0 < value < 100 for value in seen_progress(browser))
    assert selected.get_attribute("selected")  # the new upload is the one picked
    browser.wait_for_text("button[type=submit]", "Import reference").click()

    heading(browser, EXPORT_NAME, 60)
    site.journey["reference_id"] = browser.driver.current_url.rstrip("/").split("/")[-1]
    assert browser.find("#reference-otu-count").text == "25"
    assert "none yet" in browser.find("#reference-latest-index").text
    browser.wait_for_text("#otu-count", "25 OTUs")
    assert len(browser.find_all(".otus-table tbody tr")) == 25
    browser.screenshot("19-reference-otus")

    browser.open("/references")
    row = browser.wait_for_text(".references-table tbody tr", EXPORT_NAME)
    assert "virus" in row.text and "25" in row.text and "none" in row.text
    browser.screenshot("13-references")


def test_search_the_otus_and_open_one(browser: Browser, site: Site) -> None:
    reference_id = site.journey["reference_id"]
    browser.open(f"/references/{reference_id}")
    browser.fill("#otu-find", "tobacco")
    browser.wait_for_text("#otu-count", "2 of 25 OTUs match")
    names = [link.text for link in browser.find_all(".otus-table tbody tr a")]
    assert names == ["Tobacco mosaic virus", "Tobacco rattle virus"]
    assert "find=tobacco" in browser.driver.current_url
    browser.driver.refresh()  # the search survives a reload
    browser.wait_for_text("#otu-count", "2 of 25 OTUs match")
    assert browser.find("#otu-find").get_attribute("value") == "tobacco"

    browser.wait_for_text(".otus-table a", "Tobacco mosaic virus").click()
    assert heading(browser, "Tobacco mosaic virus") == "Tobacco mosaic virus (TMV)"
    isolates = browser.find_all(".isolate")
    assert [" ".join(isolate.find_element("css selector", "h3").text.split()) for isolate in isolates] == [
        "Isolate USA default",
        "Isolate Chengjiang",
    ]
    assert "NC_001367" in isolates[0].text and "6,395 nt" in isolates[0].text
    browser.find("button[aria-label='Show sequence NC_001367']").click()
    sequence = browser.find(".isolate pre.sequence").text.replace("\n", "")
    assert len(sequence) == 6395 and set(sequence) <= set("ACGTU")
    assert EXPORT_NAME in browser.find(".facts").text  # the reference, named and linked
    browser.screenshot("20-otu")


def test_build_an_index_and_see_it_ready(browser: Browser, site: Site) -> None:
    reference_id = site.journey["reference_id"]
    browser.open(f"/references/{reference_id}/indexes")
    browser.wait_for_text(".empty", "No index yet")
    browser.wait_for_text("button", "Build index").click()
    row = browser.wait_for_text(".indexes-table tbody tr", "version 0")
    assert "building: waiting" in row.text

    # While it works, "Build index" is disabled and says why.
    button = browser.wait_for_text("button", "Build index")
    browser.wait_for(lambda: not button.is_enabled(), what="a disabled Build index")
    assert "An index is being built" in browser.find("#build-index-note").text
    # A page that had not heard of it yet (someone else's build): the 409, said readably.
    browser.allowed_console = [f"api/references/{reference_id}/indexes - Failed to load resource"]
    browser.js("arguments[0].disabled = false; arguments[0].click();", button)
    browser.wait_for_text(
        ".build-index .error",
        "No index was started: An index is already being built for this reference. Wait until it is ready",
    )

    # The build-index runner, over the job API: reads the index's OTUs, builds, uploads, finalizes.
    index = api(site, "GET", f"/references/{reference_id}/indexes")["documents"][0]
    runner = Runner(site, index["job"]["id"])
    runner.status("running", 50, "build")
    browser.wait_for_text(".indexes-table tbody tr", "50%")
    browser.wait_for_text(".indexes-table tbody tr", "building: running")
    browser.screenshot("21-index-building")
    otus = json.loads(gzip.decompress(runner.get(f"/indexes/{index['id']}/files/otus.json.gz")))
    assert len(otus) == 25
    fasta = "".join(
        f">{sequence['_id']}\n{sequence['sequence']}\n"
        for otu in otus
        for isolate in otu["isolates"]
        for sequence in isolate["sequences"]
    ).encode()
    # Bowtie2's six files stand in: what the page shows does not depend on their content.
    files = {"reference.fa.gz": gzip.compress(fasta), **stand_in_index("reference")}
    for name, data in files.items():
        runner.upload(f"/indexes/{index['id']}/files/{name}", data)
    runner.patch(f"/indexes/{index['id']}", {})
    runner.status("complete", 100)

    browser.wait_for_text(".indexes-table tbody tr .badge", "ready", 60)
    browser.wait_for_text("#reference-latest-index", "version 0")
    browser.screenshot("22-reference-indexes")
    browser.find(".indexes-table a[href^='/indexes/']").click()
    heading(browser, f"Index version 0 of {EXPORT_NAME}")
    shown = [row.text.split()[0] for row in browser.find_all(".index-files tbody tr")]
    assert sorted(shown) == sorted(["otus.json.gz", *files])  # the server's file and the runner's seven
    browser.screenshot("23-index")


def test_create_a_subtraction_from_a_gzip_fasta(browser: Browser, site: Site, tmp_path: Path) -> None:
    browser.open("/subtractions")
    browser.wait_for_text(".empty", "No subtractions yet")
    genome = tmp_path / "vitis-chr1-2.fa.gz"
    genome.write_bytes(gzip.compress(b">chr1\nACGTACGGTTACCA\nGGCATTAC\n>chr2\nTTAGGCCAATNNAC\n"))
    browser.find("#subtraction-file").send_keys(str(genome))
    browser.wait_for_text("#subtraction-upload option", "vitis-chr1-2.fa.gz")
    browser.fill("#subtraction-name", "Vitis vinifera")
    browser.fill("#subtraction-nickname", "grapevine")
    browser.wait_for_text("button[type=submit]", "Create subtraction").click()
    assert heading(browser, "Vitis vinifera") == "Vitis vinifera (grapevine)"
    browser.wait_for_text("#subtraction-state", "being created: waiting")
    subtraction_id = browser.driver.current_url.rstrip("/").split("/")[-1]
    site.journey["subtraction_id"] = subtraction_id

    # The create-subtraction runner: downloads the upload, builds, uploads the files, finalizes.
    runner = Runner(site, api(site, "GET", f"/subtractions/{subtraction_id}")["job"]["id"])
    job = runner.get(f"/jobs/{runner.job_id}")
    assert gzip.decompress(runner.get(f"/uploads/{job['args']['files'][0]['id']}")).startswith(b">chr1")
    runner.status("running", 30, "bowtie2-build")
    browser.wait_for_text("#subtraction-state", "30%")
    files = {"subtraction.fa.gz": genome.read_bytes(), **stand_in_index("subtraction")}
    for name, data in files.items():
        runner.upload(f"/subtractions/{subtraction_id}/files/{name}", data)
    gc = {"a": 0.26, "c": 0.24, "g": 0.2, "t": 0.25, "n": 0.05}
    runner.patch(f"/subtractions/{subtraction_id}", {"gc": gc, "count": 2})
    runner.status("complete", 100)

    browser.wait_for_text("#subtraction-state", "ready", 60)
    facts = browser.find(".facts").text
    assert "GC 44.0%" in facts and "vitis-chr1-2.fa.gz" in facts
    assert len(browser.find_all(".subtraction-files tbody tr")) == 7
    browser.screenshot("24-subtraction")
    browser.open("/subtractions")
    browser.wait_for_text(".subtractions-table tbody tr", "Vitis vinifera")
    browser.screenshot("14-subtractions")


def test_start_an_analysis_picking_reference_and_subtraction_by_name(browser: Browser, site: Site) -> None:
    sample = api(site, "GET", "/samples?find=Field sample 0000")["documents"][0]
    browser.open(f"/samples/{sample['id']}/analyses")
    select = dropdown(browser.find("#analysis-reference"))
    browser.wait_for(lambda: len(select.options) == 2, what="both references")
    chosen = next(option for option in select.options if option.text.startswith(EXPORT_NAME))
    assert chosen.text == f"{EXPORT_NAME} (index version 0, 25 OTUs)"
    select.select_by_visible_text(chosen.text)
    browser.wait_for_text(".checklist label", "Vitis vinifera (grapevine)").click()
    browser.wait_for_text("button", "Start").click()

    heading(browser, "Pathoscope analysis of Field sample 0000")
    assert browser.find("#analysis-reference-name").text == f"{EXPORT_NAME}, index 0"
    assert browser.find("#analysis-subtractions").text == "Vitis vinifera"
    analysis_id = browser.driver.current_url.rstrip("/").split("/")[-1]
    site.journey["pathoscope_id"] = analysis_id

    # The Pathoscope runner reports hits by sequence id and OTU id and version, as it read them from the
    # index's otus.json.gz; the page names the OTUs, isolates and sequences from the same file.
    analysis = api(site, "GET", f"/analyses/{analysis_id}")
    runner = Runner(site, analysis["job"]["id"])
    otus = json.loads(gzip.decompress(runner.get(f"/indexes/{analysis['index']['id']}/files/otus.json.gz")))
    by_name = {otu["name"]: otu for otu in otus}
    tmv, other = (
        by_name["Tobacco mosaic virus"],
        next(otu for otu in otus if otu["name"] != "Tobacco mosaic virus"),
    )

    def hit(otu: dict, sequence: dict, pi: float, reads: int, coverage: float, depth: float) -> dict:
        scores = {"pi": pi, "best": pi * 0.9, "high": pi, "low": 0.0, "reads": reads}
        align = [0] * 10 + [int(depth * 2)] * 30 + [1] * 10
        return {
            "id": sequence["_id"],
            "otu": {"id": otu["_id"], "version": otu["version"]},
            "align": align,
            "coverage": coverage,
            "depth": depth,
            "final": scores,
            "initial": scores,
        }

    tmv_sequences = [sequence for isolate in tmv["isolates"] for sequence in isolate["sequences"]]
    other_sequence = other["isolates"][0]["sequences"][0]
    hits = [
        hit(tmv, tmv_sequences[0], 0.6, 1200, 0.97, 24.5),
        hit(tmv, tmv_sequences[-1], 0.2, 400, 0.5, 3.25),
        hit(other, other_sequence, 0.15, 1800, 0.88, 7.0),
    ]
    runner.patch(
        f"/analyses/{analysis_id}", {"results": {"read_count": 4000, "subtracted_count": 31, "hits": hits}}
    )
    runner.status("complete", 100)
    row = browser.wait_for_text(".pathoscope-table > tbody > tr", "Tobacco mosaic virus", 60)
    assert row.text.startswith("Tobacco mosaic virus TMV 80.00% 72.00% 1,600 97.00% 24.5"), row.text
    row.find_element("css selector", "button").click()
    browser.wait_for_text(".pathoscope-table .detail a", "Tobacco mosaic virus in the reference")
    detail = browser.wait_for_text(".pathoscope-table .sequences", tmv_sequences[0]["accession"])
    assert "Isolate" in detail.text or "isolate" in detail.text
    assert len(browser.find_all(".sequences .coverage-track polygon")) == 2
    browser.screenshot("25-analysis-names")

    # Sorted by reads, the other OTU comes first; the export links carry the same query.
    dropdown(browser.find("#otu-sort")).select_by_value("reads")
    browser.wait_for(lambda: "sort=reads" in browser.driver.current_url, what="the sort in the address")
    browser.wait_for_text(".pathoscope-table > tbody > tr.otu-row", other["name"])
    browser.wait_for(
        lambda: browser.find_all(".pathoscope-table > tbody > tr.otu-row")[0].text.startswith(other["name"]),
        what="the other OTU first",
    )
    browser.find("#open-all").click()
    browser.wait_for(lambda: len(browser.find_all(".sequence-row")) == 3, what="every sequence shown")
    browser.screenshot("29-pathoscope-sorted")
    shown_otus = [cells(row) for row in browser.find_all(".pathoscope-table > tbody > tr.otu-row")]
    shown_sequences = [cells(row)[:-1] for row in browser.find_all(".sequence-row")]  # less the drawing

    csv_href = browser.find("#export-csv").get_attribute("href")
    xlsx_href = browser.find("#export-xlsx").get_attribute("href")
    assert "sort=reads" in csv_href and "sort=reads" in xlsx_href
    headers = {"X-API-Key": site.admin_key}
    rows = list(csv.reader(io.StringIO(call("GET", csv_href, headers=headers).decode())))
    # The CSV: one row per sequence, in the page's order, with the numbers the page shows.
    assert [page_values(row) for row in shown_sequences] == [csv_values(row)[1:] for row in rows[1:]]
    assert [row[0] for row in rows[1:]] == [other["name"], tmv["name"], tmv["name"]]
    # The workbook: the same sequences, and the OTUs as the table shows them (name and abbreviation).
    book = read_workbook(call("GET", xlsx_href, headers=headers))
    sheet_otus = [list(row) for row in book["OTUs"].iter_rows(values_only=True)][1:]
    assert [page_values(row) for row in shown_otus] == [
        [f"{row[0]} {row[1] or ''}".strip(), *(float(value) for value in row[2:])] for row in sheet_otus
    ]
    sheet_sequences = [list(row) for row in book["Sequences"].iter_rows(values_only=True)][1:]
    assert [csv_values(row) for row in rows[1:]] == [csv_values(row) for row in sheet_sequences]


def cells(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.text for cell in row.find_elements("css selector", "td")]


def page_values(row: list[str]) -> list:
    """What a table row shows, as values: `80.00%` and `1,600` as numbers, names as they are (the OTU's
    abbreviation, shown beside its name, left out)."""
    values: list = []
    for text in row:
        plain = text.replace(",", "").removesuffix("%")
        try:
            values.append(float(plain))
        except ValueError:
            values.append(text.split(" (default)")[0])
    return values


def csv_values(row: list) -> list:
    values: list = []
    for value in row:
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            values.append(value)
    return values


def test_a_result_read_and_exported_by_keyboard_only(browser: Browser, site: Site) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.open(f"/analyses/{site.journey['pathoscope_id']}")
    sort = browser.find("#otu-sort")
    sort.send_keys(Keys.ARROW_DOWN)  # from weight to reads, with the keyboard
    browser.wait_for(lambda: "sort=reads" in browser.driver.current_url, what="the sort in the address")
    browser.wait_for(
        lambda: "1,800" in browser.find_all(".pathoscope-table > tbody > tr.otu-row")[0].text,
        what="the most reads first",
    )
    first = browser.find(".pathoscope-table > tbody > tr.otu-row button")
    first.send_keys(Keys.ENTER)  # opens its isolates and sequences
    browser.wait_for_text(".pathoscope-table .sequences", "Isolate")
    assert first.get_attribute("aria-expanded") == "true"
    # Every control of the result is reached with Tab, the export links too.
    reached = set()
    browser.find("#otu-find").send_keys("")  # focus the first control, as Tab from the heading would
    for _ in range(40):
        reached.add(browser.js("return document.activeElement.id || document.activeElement.textContent"))
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
    assert {"otu-sort", "otu-order", "filter-min_weight", "export-csv", "export-xlsx", "open-all"} <= reached


def tab_to(browser: Browser, target: str, presses: int = 80) -> Any:
    """Press Tab until the element whose id (or, without one, text) is `target` has the focus: it is
    reachable by keyboard. Returns it."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    script = "const e = document.activeElement; return e.id || e.textContent.trim()"
    for _ in range(presses):
        if browser.js(script) == target:
            return browser.driver.switch_to.active_element
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"{target!r} not reached with {presses} presses of Tab")


def test_a_sample_created_and_analysed_by_keyboard_only(browser: Browser, site: Site, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    reads = tmp_path / "keyboard_R1.fq.gz"
    reads.write_bytes((DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes())
    browser.open("/samples/new")
    chooser = tab_to(browser, "reads-file")
    chooser.send_keys(str(reads))  # what the file chooser, opened with Enter, hands the page
    label = browser.wait_for_text(".uploads-table label", reads.name, timeout=60)
    tab_to(browser, label.get_attribute("for")).send_keys(Keys.SPACE)
    assert browser.find(f"#{label.get_attribute('for')}").is_selected()
    tab_to(browser, "sample-name").send_keys("Keyboard 1", Keys.ENTER)  # Enter submits the form
    heading(browser, "Keyboard 1")

    sample = api(site, "GET", "/samples?find=Field sample 0001")["documents"][0]
    browser.open(f"/samples/{sample['id']}/analyses")
    tab_to(browser, "analysis-workflow").send_keys("n")  # typed letters choose an option: NuVs
    reference = tab_to(browser, "analysis-reference")
    browser.wait_for(lambda: len(dropdown(reference).options) == 2, what="both references")
    for _ in range(2):  # the arrow keys go through the references
        if dropdown(reference).first_selected_option.text.startswith(EXPORT_NAME):
            break
        reference.send_keys(Keys.ARROW_DOWN)
    assert dropdown(reference).first_selected_option.text.startswith(EXPORT_NAME)
    tab_to(browser, "Start").send_keys(Keys.ENTER)
    heading(browser, "NuVs analysis of Field sample 0001")
    assert browser.find("#analysis-reference-name").text == f"{EXPORT_NAME}, index 0"


def test_hmms_before_and_after_installing(browser: Browser, tmp_path: Path) -> None:
    browser.open("/hmms")
    browser.wait_for_text(".empty", "No HMM data is installed")
    command = browser.find("#hmm-install-command").text
    assert command == "virtool-api hmms install annotations.json.gz profiles.hmm"
    browser.screenshot("26-hmms-not-installed")

    annotations, profiles = tmp_path / "annotations.json.gz", tmp_path / "profiles.hmm"
    annotations.write_bytes(hmm_data.ANNOTATIONS_GZ)
    profiles.write_bytes(hmm_data.PROFILES)
    browser.find("#hmm-file").send_keys(f"{annotations}\n{profiles}")
    browser.wait_for(lambda: len(browser.find_all("#hmm-profiles option")) == 2, what="both uploads listed")
    assert dropdown(browser.find("#hmm-annotations")).first_selected_option.text == "annotations.json.gz"
    assert dropdown(browser.find("#hmm-profiles")).first_selected_option.text == "profiles.hmm"
    browser.wait_for_text("button[type=submit]", "Install").click()

    browser.wait_for_text("#hmm-status", "3 clusters, 3 profiles")
    browser.fill("#hmm-find", "coat")
    browser.wait_for_text("#hmm-count", "1 of 3 clusters match")
    assert "find=coat" in browser.driver.current_url
    browser.screenshot("27-hmms")
    browser.find(".hmms-table a").click()
    heading(browser, "Cluster 2: coat protein")
    assert "Plum pox virus" in browser.find(".hmm-entries").text
    assert "Potyviridae (10)" in browser.find(".facts").text
    browser.screenshot("28-hmm")


def test_sign_out_again(browser: Browser) -> None:
    browser.wait_for_text("button", "Sign out").click()
    browser.find("#login-handle")  # the browser is left as the next module expects it
