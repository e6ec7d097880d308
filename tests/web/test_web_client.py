"""The web client in real headless Chromium, against a real server process: the journeys people take.

Sign in; upload reads and watch the progress bar; create a sample; a runner (played here over the job API)
creates it and the page shows it available; start a NuVs analysis, which the runner finishes, and BLAST a
contig with the local BLAST+ backend until its hits show; change the sample's visibility; sign out. The
browser's console must stay free of errors throughout. Tests run in order and share one browser and one
server (`tests/support/web_site.py`, with `test_web_references.py`), as one person's session would.
"""

import gzip
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import Browser, dropdown, requires_browser
from tests.support.web_site import BLASTN, DEMO_DATA, MANY_SAMPLES, PASSWORD, QUALITY, Runner, Site, api, call

pytestmark = [pytest.mark.slow, requires_browser]


def demo_sequence(accession: str) -> str:
    """A genome from the demo plant-virus FASTA (the local BLAST database is made of that file)."""
    records = gzip.decompress((DEMO_DATA / "plant-viruses.fa.gz").read_bytes()).decode().split(">")[1:]
    for record in records:
        header, *lines = record.splitlines()
        if header.split()[0] == accession:
            return "".join(lines)
    raise KeyError(accession)


UNRELATED = "".join(random.Random(11).choice("ACGT") for _ in range(400))


@pytest.fixture(autouse=True)
def no_console_errors(browser: Browser) -> Iterator[None]:
    browser.console_errors()  # start clean
    yield
    assert browser.console_errors() == []
    browser.allowed_console = []


# --- the journeys ----------------------------------------------------------------------------------------


def test_sign_in(browser: Browser) -> None:
    browser.open("/samples?page=2")  # a deep link: after signing in, that is where the person is
    browser.find("#login-handle")
    browser.screenshot("01-sign-in")
    browser.fill("#login-handle", "alice")
    browser.fill("#login-password", "not the password")
    browser.find("form button[type=submit]").click()
    browser.allowed_console = ["api/account/login - Failed to load resource"]
    browser.wait_for_text(".error", "Invalid handle or password")

    browser.fill("#login-password", PASSWORD)
    browser.find("form button[type=submit]").click()
    count = browser.wait_for_text("#sample-count", "samples")
    assert count.text == f"{MANY_SAMPLES} samples"
    assert browser.driver.current_url.endswith("/samples?page=2")
    cookie = browser.driver.get_cookie("virtool_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"


def test_samples_list_pages_a_thousand_samples(browser: Browser) -> None:
    browser.wait_for_text(".pager span", f"Page 2 of {-(-MANY_SAMPLES // 25)}")
    rows = browser.find_all(".samples-table tbody tr")
    assert len(rows) == 25
    browser.screenshot("02-samples")
    browser.fill("#sample-find", "sample 0042")
    browser.wait_for_text("#sample-count", f"1 of {MANY_SAMPLES} samples match")
    assert browser.find(".samples-table tbody tr").text.startswith("Field sample 0042")
    assert "find=sample+0042" in browser.driver.current_url
    browser.driver.refresh()  # the search survives a reload
    browser.wait_for_text("#sample-count", f"1 of {MANY_SAMPLES} samples match")


def test_upload_reads_with_a_progress_bar(browser: Browser, tmp_path: Path) -> None:
    browser.open("/samples/new")
    browser.find("#reads-file")
    # Not gzip: the server refuses it and the page says why.
    plain = tmp_path / "notes.fq.gz"
    plain.write_text("@r1\nACGT\n+\nIIII\n")
    browser.allowed_console = ["api/uploads?name=notes.fq.gz&type=reads - Failed to load resource"]
    browser.find("#reads-file").send_keys(str(plain))
    browser.wait_for_text(".upload-row .error", "File is not compressed")

    # The demo reads (TMV and GLRaV-3 in grapevine, 494 KB), with the upload slowed to 200 KB/s so the bar has
    # time to move.
    reads = tmp_path / "grapevine_R1.fq.gz"
    shutil.copy(DEMO_DATA / "reads-tmv-grapevine.fq.gz", reads)
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    browser.js(
        "window.seenProgress = [];"
        "window.progressWatch = setInterval(() => {"
        " const bar = [...document.querySelectorAll('.upload-row progress')].pop();"
        " if (bar) window.seenProgress.push(bar.value); }, 25);"
    )
    try:
        browser.find("#reads-file").send_keys(str(reads))
        browser.wait_for(
            lambda: 20 <= (browser.js("return window.seenProgress.slice(-1)[0]") or 0) <= 80,
            20,
            "a half-full bar",
        )
        browser.screenshot("03-upload-progress")
        browser.wait_for_text(".uploads-table", "grapevine_R1.fq.gz", timeout=60)
    finally:
        browser.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
    seen = browser.js("clearInterval(window.progressWatch); return window.seenProgress")
    moving = [value for value in seen if 0 < value < 100]
    assert len(set(moving)) >= 3, seen
    assert moving == sorted(moving)  # the bar only moves forward
    assert "File is not compressed" in browser.find(".upload-row .error").text  # the refused one stays listed


def test_create_sample(browser: Browser, site: Site) -> None:
    label = browser.find("label[for^=upload-]")
    label.click()  # the label ticks its checkbox
    browser.fill("#sample-name", "Grapevine 17")
    browser.fill("#sample-host", "Vitis vinifera")
    browser.screenshot("04-new-sample")
    browser.wait_for_text("button[type=submit]", "Create sample").click()
    browser.wait_for_text("h1", "Grapevine 17")
    browser.wait_for_text(".facts", "awaiting data")
    browser.wait_for_text(".job-progress", "waiting")
    site.journey["sample_id"] = browser.driver.current_url.rstrip("/").split("/")[-1]
    browser.screenshot("05-sample-awaiting-data")


def test_runner_creates_the_sample_and_the_page_follows(browser: Browser, site: Site) -> None:
    sample_id = site.journey["sample_id"]
    sample = api(site, "GET", f"/samples/{sample_id}")
    runner = Runner(site, sample["job"]["id"])
    job = runner.get(f"/jobs/{runner.job_id}")
    upload_id = job["args"]["files"][0]["id"]

    runner.status("running", 40, "import reads")
    browser.wait_for_text(".facts", "importing")
    browser.wait_for_text(".job-progress", "40%")
    browser.screenshot("06-sample-importing")

    reads = runner.get(f"/uploads/{upload_id}")
    runner.upload(f"/samples/{sample_id}/reads/reads_1.fq.gz", reads)
    runner.patch(f"/samples/{sample_id}", {"quality": QUALITY})
    runner.status("complete", 100)

    browser.wait_for_text(".facts", "available", timeout=60)
    link = browser.wait_for_text("a[download]", "reads_1.fq.gz")
    assert link.get_attribute("href").endswith(f"/api/samples/{sample_id}/reads/reads_1.fq.gz")
    assert "482.3 KiB" in browser.find_all("a[download]")[0].find_element("xpath", "../..").text
    browser.screenshot("07-sample-available")

    browser.find(".tabs a[href$='/quality']").click()
    browser.wait_for(lambda: len(browser.find_all(".chart canvas")) == 3, 10, "three quality charts")
    browser.screenshot("08-sample-quality")


def test_nuvs_analysis_and_blast(browser: Browser, site: Site) -> None:
    if not BLASTN:
        pytest.skip("BLAST+ is not installed (Debian: apt-get install ncbi-blast+)")
    sample_id = site.journey["sample_id"]
    browser.open(f"/samples/{sample_id}/analyses")
    browser.wait_for_text("#analysis-reference", "Plant viruses")
    dropdown(browser.find("#analysis-workflow")).select_by_value("nuvs")
    browser.wait_for_text("button", "Start").click()
    browser.wait_for_text("h1", "NuVs analysis of")
    analysis_id = browser.driver.current_url.rstrip("/").split("/")[-1]
    browser.wait_for_text(".badge", "in progress")

    analysis = api(site, "GET", f"/analyses/{analysis_id}")
    runner = Runner(site, analysis["job"]["id"])
    runner.status("running", 60, "assemble")
    browser.wait_for_text(".job-progress", "60%")
    contig = demo_sequence("NC_001367")[1_000:1_600]  # 600 bases of Tobacco mosaic virus
    # The NuVs workflow's shape, which the server checks at finalize.
    hmm_hit = {
        "hit": "ugeb2lmp",
        "full_e": 1.2e-40,
        "full_score": 140.2,
        "full_bias": 0.1,
        "best_e": 2.5e-40,
        "best_score": 139.8,
        "best_bias": 0.1,
    }
    orf = {"index": 0, "frame": 0, "strand": 1, "pos": [2, 599], "pro": "M" + "K" * 198, "hits": [hmm_hit]}
    # As Virtool's NuVs sends some: a reverse-strand ORF starting before the contig, one ending past it, no
    # "hits" on them, and keys the page does not know (issue 16).
    before = {"index": 1, "frame": 2, "strand": -1, "pos": [-2, 120], "pro": "M" + "A" * 40, "nuc": "kept"}
    past = {"index": 2, "frame": 1, "strand": 1, "pos": [450, 640], "pro": "M" * 63}
    results = {
        "hits": [
            {"index": 0, "sequence": contig, "orfs": [orf, before, past], "family": "none"},
            {"index": 1, "sequence": UNRELATED, "orfs": []},
        ],
    }
    runner.upload(f"/analyses/{analysis_id}/files?name=contigs.fa", f">0\n{contig}\n".encode(), method="POST")
    runner.patch(f"/analyses/{analysis_id}", {"results": results})
    runner.status("complete", 100)

    browser.wait_for_text(".contig h3", "Contig 0", timeout=60)
    orfs = browser.find("#contig-0 .orfs").text
    assert "HMM ugeb2lmp" in orfs and "1.2e-40" in orfs
    assert "3\u2013599" in orfs  # 1-based and inclusive, for people
    assert "1\u2013120 clipped: starts before the contig" in orfs
    assert "451\u2013600 clipped: ends past the contig" in orfs
    assert len(browser.find_all("#contig-0 .contig-map .orf.clipped")) == 2
    browser.wait_for_text("a[download]", "contigs.fa")
    browser.find("button[aria-label='BLAST contig 0']").click()
    hits = browser.wait_for_text("#contig-0 .blast-hits", "NC_001367", timeout=60)
    assert "Tobacco mosaic virus" in hits.text
    assert "100.0%" in hits.text
    browser.screenshot("09-nuvs-blast")


def test_pathoscope_result_table(browser: Browser, site: Site) -> None:
    analysis = api(
        site,
        "POST",
        f"/samples/{site.journey['sample_id']}/analyses",
        json={"workflow": "pathoscope_bowtie", "ref_id": site.reference_id, "subtractions": []},
    )
    runner = Runner(site, analysis["job"]["id"])

    def hit(
        sequence: str, otu: str, pi: float, best: float, reads: int, coverage: float, depth: float
    ) -> dict:
        """One reference sequence as the Pathoscope workflow reports it."""
        scores = {"pi": pi, "best": best, "high": best, "low": 0.0, "reads": reads}
        return {
            "id": sequence,
            "otu": {"id": otu, "version": 3},
            "align": [int(depth)] * 50,
            "coverage": coverage,
            "depth": depth,
            "final": scores,
            "initial": {**scores, "pi": pi * 0.9},
        }

    hits = [
        hit("tmvseq01", "tmv00001", 0.62, 0.6, 2000, 0.98, 31.0),
        hit("tmvseq02", "tmv00001", 0.05, 0.02, 160, 0.41, 2.0),
        hit("glrseq01", "glrav003", 0.33, 0.31, 1000, 0.86, 6.0),
    ]
    runner.patch(
        f"/analyses/{analysis['id']}",
        {"results": {"read_count": 5000, "subtracted_count": 2000, "hits": hits}},
    )
    runner.status("complete", 100)

    browser.open(f"/analyses/{analysis['id']}")
    # This index has no OTU file (made before builds had files) and the reference no such OTUs: by id.
    table = browser.wait_for_text(".pathoscope-table", "OTU tmv00001")
    rows = [row.text for row in browser.find_all(".pathoscope-table > tbody > tr")]
    assert rows[0].startswith("OTU tmv00001 67.00% 62.00% 2,160 98.00% 31.0"), rows
    assert rows[1].startswith("OTU glrav003 33.00%"), rows
    table.find_element("css selector", "button").click()  # the OTU opens its sequences
    browser.wait_for_text(".pathoscope-table .inner", "tmvseq02")
    browser.screenshot("10-pathoscope")


def test_samples_list_shows_analyses_and_starts_several_at_once(browser: Browser, site: Site) -> None:
    browser.open("/samples?find=Grapevine")
    row = browser.wait_for_text(".samples-table tbody tr", "Grapevine 17")
    states = row.find_element("css selector", ".workflow-states").text
    assert "Pathoscope" in states and "NuVs" in states, states
    browser.fill("#sample-find", "Field sample 000")
    browser.wait_for_text("#sample-count", "10 of ")
    boxes = browser.find_all(".select-sample")[:2]
    for box in boxes:
        box.click()
    links = [box.find_element("xpath", "../..").find_element("css selector", "a") for box in boxes]
    chosen = [link.get_attribute("href").split("/")[-1] for link in links]
    browser.wait_for_text(".quick-analyze h2", "Analyze 2 selected samples")
    dropdown(browser.find("#quick-workflow")).select_by_value("nuvs")
    browser.screenshot("30-samples-quick-analyze")
    browser.wait_for_text(".quick-analyze button", "Start 2 analyses").click()
    browser.wait_for_text(".quick-outcome", "2 analyses started.")
    for sample_id in chosen:
        analyses = api(site, "GET", f"/samples/{sample_id}/analyses")["documents"]
        assert [analysis["workflow"] for analysis in analyses] == ["nuvs"]
    site.journey["quick_analysis"] = analyses[0]["id"]


def test_home_page_follows_a_runner_live(browser: Browser, site: Site) -> None:
    browser.open("/")
    browser.wait_for_text("h1", "Welcome, alice")
    browser.wait_for_text("#home-waiting", "waiting for a runner")
    # This server runs no runner (`--no-runner`): the page says so plainly, and how to start one.
    hint = browser.wait_for_text("#runner-hint", "no runner takes NuVs jobs")
    assert "2 NuVs jobs waiting" in hint.text and "virtool-api runner --jobs-url" in hint.text
    browser.wait_for_text(".home-analyses", "Grapevine 17")
    analysis = api(site, "GET", f"/analyses/{site.journey['quick_analysis']}")
    runner = Runner(site, analysis["job"]["id"])
    runner.status("running", 30, "assemble", step_name="Assemble the reads", step_description="SPAdes")
    # Nothing polls the home page: the runner's report arrives as a server-sent event.
    row = browser.wait_for_text(".home-jobs tbody tr", analysis["job"]["id"])
    browser.wait_for(lambda: "assemble" in row.text and "30%" in row.text, what="the step and its progress")
    browser.screenshot("31-home")
    row.find_element("css selector", "a").click()
    step = browser.wait_for_text("#job-step", "Assemble the reads")
    assert "SPAdes" in step.text
    browser.screenshot("32-job-step")
    runner.status("cancelled", 30)


def test_change_visibility(browser: Browser, site: Site) -> None:
    sample_id = site.journey["sample_id"]
    browser.open(f"/samples/{sample_id}/edit")  # a deep link straight to a tab
    select = browser.find("#edit-visibility")
    assert select.get_attribute("value") == "private"
    dropdown(select).select_by_value("public")
    browser.find("form[aria-label='edit sample'] button[type=submit]").click()
    browser.wait_for_text(".saved", "Saved.")
    browser.screenshot("11-sample-edit")
    assert api(site, "GET", f"/samples/{sample_id}")["visibility"] == "public"


def test_other_pages_render(browser: Browser) -> None:
    for path, marker, name in (
        ("/jobs", ".jobs-table", "12-jobs"),
        ("/account", ".keys-table, .empty", "15-account"),
        ("/administration/users", ".users-table", "16-administration"),
    ):
        browser.open(path)
        browser.find(marker)
        browser.screenshot(name)
    browser.open("/account")
    browser.fill("#key-name", "nightly export")
    browser.wait_for_text("button", "Create key").click()
    key = browser.find("#new-key-value").text
    assert len(key) == 64  # shown once, in full
    assert call("GET", f"{browser.base_url}/api/account", headers={"X-API-Key": key})["handle"] == "alice"


def test_docs(browser: Browser) -> None:
    browser.open("/docs")
    browser.wait_for_text(".opblock-tag", "samples")
    browser.wait_for_text(".opblock-tag", "job-api: samples")
    browser.screenshot("17-docs")
    browser.find("#operations-tag-account").click()
    browser.wait_for_text(".opblock-summary-path", "/api/account/login")


def test_sign_out(browser: Browser) -> None:
    browser.open("/samples")
    browser.wait_for_text("button", "Sign out").click()
    browser.find("#login-handle")
    assert browser.driver.get_cookie("virtool_session") is None
    browser.driver.refresh()
    browser.find("#login-handle")  # still signed out after a reload


def test_sign_in_with_the_keyboard_only(browser: Browser) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.open("/jobs")
    handle = browser.find("#login-handle")
    assert browser.js("return document.activeElement.id") == "login-handle"  # the form has the focus
    handle.send_keys("alice", Keys.TAB, PASSWORD, Keys.ENTER)
    browser.wait_for_text("h1", "Jobs")  # and the deep link is kept
    browser.wait_for_text("button", "Sign out").send_keys(Keys.ENTER)
    browser.find("#login-handle")
