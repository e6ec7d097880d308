// The home page: what is running now (jobs with their progress), the newest analyses, and samples that wait
// for something (reads to arrive, an import to finish, a failed import to look at). It follows changes live.
import { html } from "../html.js";
import { useLive } from "../live.js";
import { Badge, Empty, formatDate, Progress, Resource, useResource } from "../ui.js";
import { RunnerHint } from "./runners.js";

const WORKFLOW_NAMES = { pathoscope_bowtie: "Pathoscope", nuvs: "NuVs", aodp: "AODP" };

function RunningJobs() {
  const running = useResource("/jobs", { state: "running", per_page: 10 });
  const preparing = useResource("/jobs", { state: "preparing", per_page: 10 });
  const waiting = useResource("/jobs", { state: "waiting", per_page: 1 });
  useLive("jobs", null, () => {
    running.reload();
    preparing.reload();
    waiting.reload();
  });
  const jobs = [...(running.data?.documents || []), ...(preparing.data?.documents || [])];
  const waitingCount = waiting.data?.found_count || 0;
  return html`<section class="card" aria-labelledby="home-jobs">
    <h2 id="home-jobs">Running jobs</h2>
    ${
      jobs.length === 0
        ? html`<p class="muted">No job is running.</p>`
        : html`<table class="list home-jobs"><thead><tr><th scope="col">Job</th><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Step</th><th scope="col">Progress</th></tr></thead><tbody>
          ${jobs.map(
            (job) => html`<tr key=${job.id}><td><a href=${`/jobs/${job.id}`}>${job.id}</a></td><td>${job.workflow}</td>
            <td><${Badge} state=${job.state} /></td><td>${job.stage || "—"}</td><td><${Progress} value=${job.progress} label=${`progress of job ${job.id}`} /></td></tr>`,
          )}</tbody></table>`
    }
    <${RunnerHint} />
    <p id="home-waiting">${waitingCount ? html`<a href="/jobs?state=waiting">${waitingCount} job${waitingCount === 1 ? "" : "s"} waiting</a> for a runner.` : "No job is waiting for a runner."}</p>
  </section>`;
}

function RecentAnalyses() {
  const analyses = useResource("/analyses", { per_page: 8 });
  useLive("analyses", null, () => analyses.reload());
  return html`<section class="card" aria-labelledby="home-analyses">
    <h2 id="home-analyses">Recent analyses</h2>
    <${Resource} resource=${analyses} what="analyses">
      ${(result) =>
        result.documents.length === 0
          ? html`<${Empty}>No analyses yet. Start one from a sample's Analyses tab.<//>`
          : html`<table class="list home-analyses"><thead><tr><th scope="col">Sample</th><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Started</th></tr></thead><tbody>
          ${result.documents.map(
            (
              analysis,
            ) => html`<tr key=${analysis.id}><td><a href=${`/analyses/${analysis.id}`}>${analysis.sample.name}</a></td>
              <td>${WORKFLOW_NAMES[analysis.workflow] || analysis.workflow}</td>
              <td>${analysis.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</td>
              <td>${formatDate(analysis.created_at)}</td></tr>`,
          )}</tbody></table>`}
    <//>
  </section>`;
}

const WAITING_STATUSES = [
  ["awaiting_data", "waiting for its reads"],
  ["importing", "importing its reads"],
  ["failed_validation", "failed: look at it"],
];

function WaitingSamples() {
  const lists = WAITING_STATUSES.map(([status]) => useResource("/samples", { status, per_page: 10 }));
  useLive("samples", null, () => {
    for (const list of lists) list.reload();
  });
  const rows = WAITING_STATUSES.flatMap(([status, text], index) =>
    (lists[index].data?.documents || []).map((sample) => ({ sample, status, text })),
  );
  return html`<section class="card" aria-labelledby="home-samples">
    <h2 id="home-samples">Samples that wait for something</h2>
    ${
      rows.length === 0
        ? html`<p class="muted">None: every sample you may see is available.</p>`
        : html`<ul class="home-samples">${rows.map(
            ({ sample, status, text }) =>
              html`<li key=${sample.id}><a href=${`/samples/${sample.id}`}>${sample.name}</a> <${Badge} state=${status}>${text}<//></li>`,
          )}</ul>`
    }
  </section>`;
}

export function HomePage({ account }) {
  return html`<section>
    <h1>Welcome, ${account.handle}</h1>
    <div class="home-grid">
      <${RunningJobs} />
      <${RecentAnalyses} />
      <${WaitingSamples} />
    </div>
  </section>`;
}
