// One subtraction: ready or where its create-subtraction job is (polled while it works), its nucleotide
// composition, files and the samples that use it. Administrators may remove it while nothing uses it.

import { remove } from "../api.js";
import { html } from "../html.js";
import { useLive } from "../live.js";
import { navigate } from "../router.js";
import {
  ActionButton,
  Badge,
  Empty,
  formatBytes,
  formatDate,
  formatNumber,
  Progress,
  Resource,
  useResource,
} from "../ui.js";

const ACTIVE_JOB = new Set(["waiting", "preparing", "running"]);
const percent = (value) => `${formatNumber(100 * value, 1)}%`;

export function SubtractionState({ subtraction }) {
  if (subtraction.ready) return html`<${Badge} state="ready" />`;
  const job = subtraction.job;
  if (!job) return html`<${Badge} state="waiting">being created<//>`;
  if (!ACTIVE_JOB.has(job.state)) return html`<${Badge} state=${job.state}>not created: ${job.state}<//>`;
  return html`<span class="subtraction-state"><${Badge} state=${job.state}>being created: ${job.state}<//>
    <${Progress} value=${job.progress} label="progress of the subtraction's job" />${job.stage ? html` <span class="muted">${job.stage}</span>` : null}</span>`;
}

export function SubtractionPage({ params, account }) {
  const subtraction = useResource(`/subtractions/${params.id}`);
  const data = subtraction.data;
  useLive(
    ["subtractions", "jobs"],
    null,
    () => subtraction.reload(),
    data && !data.ready && (!data.job || ACTIVE_JOB.has(data.job.state)),
  );
  return html`<${Resource} resource=${subtraction} what="the subtraction">
    ${(item) => html`<section>
      <div class="page-head">
        <h1>${item.name}${item.nickname ? html` <span class="muted">(${item.nickname})</span>` : null}</h1>
        ${
          account.administrator
            ? html`<${ActionButton} className="danger" confirm=${`Remove the subtraction “${item.name}” and its files?`}
          action=${async () => {
            await remove(`/subtractions/${item.id}`);
            navigate("/subtractions");
          }}>Remove</${ActionButton}>`
            : null
        }
      </div>
      <dl class="facts">
        <dt>State</dt><dd id="subtraction-state"><${SubtractionState} subtraction=${item} />${item.job ? html` <a href=${`/jobs/${item.job.id}`}>job</a>` : null}</dd>
        <dt>Genome file</dt><dd>${item.file.name}</dd>
        <dt>Sequences</dt><dd>${formatNumber(item.count)}</dd>
        <dt>Composition</dt><dd>${item.gc ? `GC ${percent(item.gc.g + item.gc.c)} (A ${percent(item.gc.a)}, C ${percent(item.gc.c)}, G ${percent(item.gc.g)}, T ${percent(item.gc.t)}, N ${percent(item.gc.n)})` : "measured by its job"}</dd>
        <dt>Created</dt><dd>${formatDate(item.created_at)}${item.user ? ` by ${item.user.handle || item.user.id}` : ""}</dd>
        <dt>Used by</dt><dd>${
          item.linked_samples.length
            ? item.linked_samples.map(
                (sample, index) =>
                  html`${index ? ", " : ""}<a key=${sample.id} href=${`/samples/${sample.id}`}>${sample.name}</a>`,
              )
            : "no sample"
        }</dd>
      </dl>
      <h2>Files</h2>
      ${
        item.files.length === 0
          ? html`<${Empty}>No files yet: the create-subtraction job uploads its FASTA and Bowtie2 index.<//>`
          : html`<table class="list subtraction-files"><thead><tr><th>File</th><th>Type</th><th>Size</th></tr></thead><tbody>
            ${item.files.map((file) => html`<tr key=${file.id}><td><a href=${`/api/subtractions/${item.id}/files/${encodeURIComponent(file.name)}`} download>${file.name}</a></td><td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`)}
          </tbody></table>`
      }
    </section>`}
  <//>`;
}
