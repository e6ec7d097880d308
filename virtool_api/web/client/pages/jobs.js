// Jobs: the caller's (administrators: everyone's), with progress while runners work, and cancelling.

import { put } from "../api.js";
import { html } from "../html.js";
import { useLive } from "../live.js";
import { setQuery, useLocation } from "../router.js";
import { ActionButton, Badge, Empty, formatDate, Pager, Progress, Resource, useResource } from "../ui.js";
import { RunnerHint } from "./runners.js";

const STATES = ["waiting", "preparing", "running", "complete", "error", "cancelled", "terminated", "timeout"];
const WORKFLOWS = ["create_sample", "pathoscope_bowtie", "nuvs", "aodp", "build_index", "create_subtraction"];
const ACTIVE = new Set(["waiting", "preparing", "running"]);

function CancelButton({ job, onCancelled }) {
  if (!ACTIVE.has(job.state)) return null;
  return html`<${ActionButton} confirm="Cancel this job?" action=${async () => onCancelled(await put(`/jobs/${job.id}/cancel`))}>Cancel</${ActionButton}>`;
}

/** What a job works on, as links. */
const SUBJECTS = [
  ["sample_id", "/samples", "sample"],
  ["analysis_id", "/analyses", "analysis"],
  ["index_id", "/indexes", "index"],
  ["subtraction_id", "/subtractions", "subtraction"],
];

function JobSubject({ args }) {
  const links = SUBJECTS.filter(([key]) => args[key]).map(
    ([key, path, text]) => html`<a key=${key} href=${`${path}/${args[key]}`}>${text}</a>`,
  );
  return links.map((link, index) => html`${index ? " " : ""}${link}`);
}

export function JobsPage() {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const jobs = useResource("/jobs", { state: query.state, workflow: query.workflow, page, per_page: 25 });
  useLive("jobs", null, () => jobs.reload());
  const filter = (key) => (event) => setQuery({ ...query, [key]: event.target.value, page: undefined });
  return html`<section>
    <h1>Jobs</h1>
    <${RunnerHint} />
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label for="job-state">State <select id="job-state" value=${query.state || ""} onChange=${filter("state")}>
        <option value="">Any</option>${STATES.map((state) => html`<option value=${state}>${state}</option>`)}</select></label>
      <label for="job-workflow">Workflow <select id="job-workflow" value=${query.workflow || ""} onChange=${filter("workflow")}>
        <option value="">Any</option>${WORKFLOWS.map((workflow) => html`<option value=${workflow}>${workflow}</option>`)}</select></label>
    </form>
    <${Resource} resource=${jobs} what="jobs">
      ${(result) => html`${
        result.documents.length === 0
          ? html`<${Empty}>No jobs.<//>`
          : html`
        <table class="list jobs-table"><thead><tr><th>Job</th><th>Workflow</th><th>State</th><th>Progress</th><th>For</th><th>By</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${result.documents.map(
          (job) => html`<tr key=${job.id}>
          <td><a href=${`/jobs/${job.id}`}>${job.id}</a></td><td>${job.workflow}</td>
          <td><${Badge} state=${job.state} /></td><td><${Progress} value=${job.progress} label=${`progress of job ${job.id}`} /></td>
          <td><${JobSubject} args=${job.args} /></td><td>${job.user.handle || job.user.id}</td><td>${formatDate(job.created_at)}</td>
          <td><${CancelButton} job=${job} onCancelled=${() => jobs.reload()} /></td></tr>`,
        )}
        </tbody></table>`
      }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="job pages" />`}
    <//>
  </section>`;
}

/** The step the runner last reported (`step_name`, `step_description` of its newest status), or null. */
export function currentStep(job) {
  const entry = [...(job.status || [])].reverse().find((item) => item.step_name || item.stage);
  return entry ? { name: entry.step_name || entry.stage, description: entry.step_description || "" } : null;
}

export function JobPage({ params }) {
  const job = useResource(`/jobs/${params.id}`);
  useLive("jobs", params.id, () => job.reload(), job.data && ACTIVE.has(job.data.state));
  return html`<${Resource} resource=${job} what="the job">
    ${(data) => html`<section>
      <div class="page-head"><h1>Job ${data.id} <${Badge} state=${data.state} /></h1><${CancelButton} job=${data} onCancelled=${job.setData} /></div>
      <dl class="facts">
        <dt>Workflow</dt><dd>${data.workflow}</dd>
        <dt>Progress</dt><dd><${Progress} value=${data.progress} label="job progress" /></dd>
        <dt>Step</dt><dd id="job-step">${currentStep(data) ? html`${currentStep(data).name}${currentStep(data).description ? html` <span class="muted">${currentStep(data).description}</span>` : null}` : "—"}</dd>
        <dt>For</dt><dd><${JobSubject} args=${data.args} /></dd>
        <dt>By</dt><dd>${data.user.handle || data.user.id}</dd>
        <dt>Created</dt><dd>${formatDate(data.created_at)}</dd>
        <dt>Acquired</dt><dd>${data.acquired ? "yes" : "not yet"}</dd>
      </dl>
      <h2>Status history</h2>
      <table class="list"><thead><tr><th>When</th><th>State</th><th>Step</th><th>Progress</th><th>Error</th></tr></thead><tbody>
        ${(data.status || []).map(
          (
            entry,
            index,
          ) => html`<tr key=${index}><td>${formatDate(entry.timestamp)}</td><td><${Badge} state=${entry.state} /></td>
          <td>${entry.step_name || entry.stage || ""}</td><td>${entry.progress}%</td><td>${entry.error ? `${entry.error.type}: ${entry.error.details ? [].concat(entry.error.details).join(" ") : ""}` : ""}</td></tr>`,
        )}
      </tbody></table>
      <h2>Arguments</h2><pre class="json" tabindex="0">${JSON.stringify(data.args, null, 2)}</pre>
    </section>`}
  <//>`;
}
