"""A new lab's first analyses in the browser, as `make run` starts the server: `virtool-api serve` with its
runner on a fresh data path, real Chromium, and nothing played by hand.

Create the first administrator with the link the first start printed; upload simulated reads (TMV, GLRaV3
and a Grapevine virus A isolate the reference's index lacks, in grapevine) and create a sample; import the
plant-virus reference and build its index; create a subtraction from the host's genome; install HMM profiles
from the HMM page; start Pathoscope and NuVs from the sample's page; watch the NuVs job's steps arrive on
its page (live: the page is never reloaded); read the Pathoscope result (TMV and GLRaV3 named, with their
weights) and the NuVs result (the GVA isolate's contig with its HMM hits). The runner does every job with
Bowtie2, SPAdes and pyhmmer. Every page is checked with axe-core and saved (`docs/screenshots/journey-*.png`
when run with `VIRTOOL_SCREENSHOTS=docs/screenshots`); the console must hold no error.
"""

import gzip
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.browser import Browser, dropdown, requires_browser, start_browser
from tests.support.forked import virtool_api_process
from tests.support.real_server import free_port, printed_link, wait_for_port
from tests.support.references_helpers import DEMO_DATA
from virtool_api.dev import simulate
from virtool_api.dev.hmms import build as build_hmms
from virtool_api.dev.hmms import proteins, read_fasta_gz
from virtool_api.runner.tools import BOWTIE2, SPADES, why_missing

MISSING = why_missing([BOWTIE2, SPADES])
pytestmark = [
    pytest.mark.slow,
    requires_browser,
    pytest.mark.skipif(MISSING is not None, reason=f"needs {MISSING}"),
]

PASSWORD = "leafroll and fanleaf"
JOB_WAIT = 120.0
"""Seconds a job of this journey may take to finish on a loaded machine (each takes a few here)."""
NUVS_STEPS = [
    "Download the reads, the index and the subtractions",
    "Download the HMM profiles",
    "Eliminate known viruses and the host",
    "Assemble",
    "Find ORFs and HMM hits",
    "Upload the results",
]


@dataclass
class Lab:
    url: str
    setup_link: str
    """The one-time link to create the first administrator, as the first start printed it."""
    log: Path
    """The server's log, every request and job at `info`: a failed wait shows its end."""


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """`virtool-api serve --runner` on a fresh data path, as `make run` starts it."""
    port, jobs_port = free_port(), free_port()
    output, log = tmp_path / "stdout", tmp_path / "server.log"
    with output.open("w") as stdout, log.open("w") as stderr:
        process = virtool_api_process(
            [
                "--log-level=info",
                "serve",
                "--runner",
                "--host=127.0.0.1",
                f"--port={port}",
                f"--jobs-port={jobs_port}",
                f"--data-path={tmp_path / 'data'}",
            ],
            stdout=stdout,
            stderr=stderr,
        )
    try:
        wait_for_port(process, port)
        wait_for_port(process, jobs_port)
        yield Lab(f"http://127.0.0.1:{port}", printed_link(output, process), log)
    finally:
        process.terminate()
        assert process.wait(timeout=90) == 0
        shutil.rmtree(tmp_path / "data", ignore_errors=True)


@pytest.fixture
def browser(lab: Lab) -> Iterator[Browser]:
    yield from start_browser(lab.url, lab.log)


def files(directory: Path) -> tuple[dict[str, Path], int]:
    """The files a person has on their disk: reads, the reference export, a host genome, HMM data (and how
    many clusters it has)."""
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    host = simulate.random_genome(40_000, 0.4, seed=17)
    reads = simulate.reads(
        [
            ("NC_001367", genomes["NC_001367"], 2000),  # Tobacco mosaic virus
            ("NC_004667", genomes["NC_004667"], 1000),  # Grapevine leafroll-associated virus 3
            ("AF007415", genomes["AF007415"], 1200),  # Grapevine virus A isolate PA3: 79% like the index's
            ("host", host, 1000),
        ],
        seed=17,
    )
    gva, glrav3 = proteins(genomes["NC_003604"]), proteins(genomes["NC_004667"])
    named = [(1, "GVA movement protein (ORF3)", gva[0]), (2, "GVA replicase (ORF1)", gva[1])]
    named += [(10 + number, f"GLRaV3 protein {number + 1}", protein) for number, protein in enumerate(glrav3)]
    profiles, annotations = build_hmms(named)
    export = (DEMO_DATA / "plant-viruses.reference.json.gz").read_bytes()
    made = {
        "reads": ("vine-17_R1.fq.gz", reads),
        "reference": ("plant-viruses.reference.json.gz", export),
        "host": ("vitis-vinifera.fa.gz", gzip.compress(f">chr1\n{host}\n".encode())),
        "annotations": ("annotations.json.gz", annotations),
        "profiles": ("profiles.hmm", profiles),
    }
    for name, data in made.values():
        (directory / name).write_bytes(data)
    return {kind: directory / name for kind, (name, _) in made.items()}, len(named)


def heading(browser: Browser, text: str, timeout: float = 30) -> None:
    browser.wait_for(lambda: text in " ".join(browser.find("h1").text.split()), timeout, f"h1 {text!r}")


def page_id(browser: Browser) -> str:
    return browser.driver.current_url.split("?")[0].rstrip("/").split("/")[-1]


def sign_in(browser: Browser, lab: Lab) -> None:
    # The first start printed a one-time link: whoever opens it creates the first administrator.
    browser.driver.get(lab.setup_link)
    heading(browser, "Create the first administrator")
    browser.fill("#setup-handle", "admin")
    browser.fill("#setup-password", PASSWORD)
    browser.fill("#setup-repeat", PASSWORD)
    browser.screenshot("journey-01-first-administrator")
    browser.find("form button[type=submit]").click()
    browser.wait_for_text("button", "Continue to Virtool").click()
    heading(browser, "Welcome, admin")


def create_sample(browser: Browser, reads: Path) -> str:
    browser.open("/samples/new")
    browser.find("#reads-file").send_keys(str(reads))
    browser.wait_for_text(".uploads-table label", reads.name, timeout=60).click()
    browser.fill("#sample-name", "Vine 17")
    browser.fill("#sample-host", "Vitis vinifera")
    browser.fill("#sample-locale", "Okanagan")
    browser.screenshot("journey-02-new-sample")
    browser.wait_for_text("button[type=submit]", "Create sample").click()
    heading(browser, "Vine 17")
    return page_id(browser)


def import_reference_and_build_index(browser: Browser, export: Path) -> None:
    browser.open("/references")
    browser.find("#reference-file").send_keys(str(export))
    browser.wait_for_text("#reference-upload option", export.name, timeout=60)
    browser.wait_for_text("button[type=submit]", "Import reference").click()
    heading(browser, "Plant Viruses (subset)", 60)
    browser.wait_for_text("#otu-count", "25 OTUs")
    browser.open(f"/references/{page_id(browser)}/indexes")
    browser.wait_for_text("button", "Build index").click()
    browser.wait_for_text(".indexes-table tbody tr", "version 0")


def create_subtraction(browser: Browser, genome: Path) -> None:
    browser.open("/subtractions")
    browser.find("#subtraction-file").send_keys(str(genome))
    browser.wait_for_text("#subtraction-upload option", genome.name, timeout=60)
    browser.fill("#subtraction-name", "Vitis vinifera")
    browser.fill("#subtraction-nickname", "grapevine")
    browser.wait_for_text("button[type=submit]", "Create subtraction").click()
    heading(browser, "Vitis vinifera (grapevine)")


def install_hmms(browser: Browser, annotations: Path, profiles: Path, clusters: int) -> None:
    browser.open("/hmms")
    browser.wait_for_text(".empty", "No HMM data is installed")
    browser.find("#hmm-file").send_keys(f"{annotations}\n{profiles}")
    browser.wait_for(lambda: len(browser.find_all("#hmm-profiles option")) == 2, what="both uploads listed")
    browser.wait_for_text("button[type=submit]", "Install").click()
    browser.wait_for_text("#hmm-status", f"{clusters} clusters, {clusters} profiles")
    browser.screenshot("journey-05-hmms")


def start_analysis(browser: Browser, sample_id: str, workflow: str) -> str:
    """Start `workflow` from the sample's Analyses tab, with the reference and the host subtraction."""
    browser.open(f"/samples/{sample_id}/analyses")
    browser.wait_for_text("#analysis-reference option", "Plant Viruses (subset) (index version 0", JOB_WAIT)
    dropdown(browser.find("#analysis-workflow")).select_by_value(workflow)
    box = browser.wait_for_text(".checklist label", "Vitis vinifera (grapevine)", JOB_WAIT)
    box.find_element("css selector", "input").click()
    browser.wait_for_text("button", "Start").click()
    heading(browser, "analysis of Vine 17")
    return page_id(browser)


def test_a_new_lab_from_reads_to_named_viruses(browser: Browser, lab: Lab, tmp_path: Path) -> None:
    made, clusters = files(tmp_path)
    browser.console_errors()
    sign_in(browser, lab)
    sample_id = create_sample(browser, made["reads"])
    # The runner creates the sample while the person goes on: the reference, its index, the host, the HMMs.
    import_reference_and_build_index(browser, made["reference"])
    browser.wait_for_text(".indexes-table tbody tr .badge", "ready", JOB_WAIT)
    browser.screenshot("journey-03-index-ready")
    create_subtraction(browser, made["host"])
    browser.wait_for_text("#subtraction-state", "ready", JOB_WAIT)
    browser.screenshot("journey-04-subtraction")
    install_hmms(browser, made["annotations"], made["profiles"], clusters)

    browser.open(f"/samples/{sample_id}")
    browser.wait_for_text(".facts", "available", JOB_WAIT)
    browser.wait_for_text("a[download]", "reads_1.fq.gz")
    assert "5,200 reads" in browser.find("main").text  # counted by the runner from the reads
    browser.screenshot("journey-06-sample")
    browser.find(".tabs a[href$='/quality']").click()
    browser.wait_for(lambda: len(browser.find_all(".chart canvas")) == 3, what="three quality charts")
    browser.screenshot("journey-07-quality")

    pathoscope_id = start_analysis(browser, sample_id, "pathoscope_bowtie")
    nuvs_id = start_analysis(browser, sample_id, "nuvs")
    # The NuVs job's steps arrive as the runner reports them; the page is never reloaded.
    browser.js(
        "window.journey = 'not reloaded'; window.seenSteps = [];"
        "window.stepWatch = setInterval(() => {"
        " const step = document.querySelector('.job-progress .muted');"
        " const text = step && step.textContent.trim();"
        " if (text && window.seenSteps[window.seenSteps.length - 1] !== text) window.seenSteps.push(text);"
        "}, 25);"
    )
    browser.wait_for_text(".job-progress", "Assemble", JOB_WAIT)
    browser.screenshot("journey-08-nuvs-running")
    browser.wait_for_text(".contig h3", "Contig", JOB_WAIT)
    marker, seen = browser.js("clearInterval(window.stepWatch); return [window.journey, window.seenSteps]")
    assert marker == "not reloaded"
    # The watch starts when the job may already be running, and the steps after "Assemble" can pass between
    # two looks; "Assemble", then the contigs, on a page never reloaded show the steps arrive live.
    assert "Assemble" in seen, seen
    assert seen == [step for step in NUVS_STEPS if step in seen], seen  # in the workflow's order
    contigs = browser.find(".nuvs").text
    assert "GVA replicase (ORF1)" in contigs, contigs
    assert browser.driver.current_url.endswith(f"/analyses/{nuvs_id}")
    browser.screenshot("journey-10-nuvs")

    browser.open(f"/analyses/{pathoscope_id}")
    browser.wait_for_text(".pathoscope-table", "Tobacco mosaic virus", JOB_WAIT)
    rows = {
        row.find_element("css selector", "button").text: row.text
        for row in browser.find_all(".pathoscope-table > tbody > tr.otu-row")
    }
    # Weights within 2 points of the truth: the share of the reads that map to the reference (not the host's).
    for name, reads in (("Tobacco mosaic virus", 2000), ("Grapevine leafroll-associated virus 3", 1000)):
        weight = float(rows[name].split("%")[0].split()[-1])
        assert abs(weight - 100 * reads / 4200) < 2, rows
    assert browser.find("#analysis-subtractions").text == "Vitis vinifera"
    browser.find(".pathoscope-table > tbody > tr.otu-row button").click()
    browser.wait_for_text(".pathoscope-table .sequences", "NC_")
    browser.screenshot("journey-09-pathoscope")
    assert browser.console_errors() == []
