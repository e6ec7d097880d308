// Indexes: the versions of a reference that analyses use. A reference's list (with its build-index jobs'
// progress, polled while one works) and "Build index" for administrators; one index with its files and OTUs.

import { messageOf, post } from "../api.js";
import { html, useEffect, useState } from "../html.js";
import { useLive } from "../live.js";
import {
  Badge,
  Empty,
  ErrorMessage,
  formatBytes,
  formatDate,
  formatNumber,
  Pager,
  Progress,
  Resource,
  useResource,
} from "../ui.js";

const ACTIVE_JOB = new Set(["waiting", "preparing", "running"]);

/** Ready, or where its build-index job is. */
export function IndexState({ index }) {
  if (index.ready) return html`<${Badge} state="ready" />`;
  if (!index.job) return html`<${Badge} state="waiting">being created<//>`;
  const job = index.job;
  return html`<span class="index-state"><${Badge} state=${job.state}>${ACTIVE_JOB.has(job.state) ? `building: ${job.state}` : `not built: ${job.state}`}<//>
    ${ACTIVE_JOB.has(job.state) ? html` <${Progress} value=${job.progress} label=${`progress of index ${index.version}`} />${job.stage ? html` <span class="muted">${job.stage}</span>` : null}` : null}
    <a href=${`/jobs/${job.id}`}>job</a></span>`;
}

/** "Build index", disabled while one is built (a second would be refused with 409); the 409 of a race with
another person's build is still said readably. */
function BuildIndex({ referenceId, onBuilt, building }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const build = async () => {
    setBusy(true);
    setError(null);
    try {
      onBuilt(await post(`/references/${referenceId}/indexes`));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const hint = error && error.status === 409 ? " Wait until it is ready (or its job ends), then build again." : "";
  const message = error ? messageOf(error).replace(/([^.!?])$/, "$1.") : "";
  return html`<div class="build-index">
    <button type="button" class="primary" disabled=${busy || building} aria-describedby=${building ? "build-index-note" : undefined} onClick=${build}>${busy ? "Starting…" : "Build index"}</button>
    ${building ? html` <span class="muted" id="build-index-note">An index is being built: the next one can be built when it is ready or its job has ended.</span>` : null}
    ${error ? html`<div class="error" role="alert"><strong>No index was started: </strong>${message}${hint}</div>` : null}
  </div>`;
}

/** A reference's indexes, newest first. `onChange` is called when an index becomes ready or one is started. */
export function Indexes({ reference, account, onChange }) {
  const [page, setPage] = useState(1);
  const indexes = useResource(`/references/${reference.id}/indexes`, { page, per_page: 25 });
  const documents = indexes.data ? indexes.data.documents : [];
  const building = documents.some((index) => !index.ready && (!index.job || ACTIVE_JOB.has(index.job.state)));
  useLive(["indexes", "jobs"], null, () => indexes.reload(), building);
  const readyCount = documents.filter((index) => index.ready).length;
  useEffect(() => {
    if (indexes.data) onChange();
  }, [readyCount]);
  const onBuilt = () => {
    indexes.reload();
    onChange();
  };

  return html`<div>
    ${account.administrator && reference.otu_count ? html`<${BuildIndex} referenceId=${reference.id} onBuilt=${onBuilt} building=${building} />` : null}
    <${Resource} resource=${indexes} what="indexes">
      ${(result) => html`${
        result.documents.length === 0
          ? html`<${Empty}>No index yet.${account.administrator ? " Build one: a build-index job makes its files." : " Administrators build them."}<//>`
          : html`<table class="list indexes-table">
            <thead><tr><th>Version</th><th>State</th><th>Changed OTUs</th><th>By</th><th>Created</th></tr></thead>
            <tbody>${result.documents.map(
              (index) => html`<tr key=${index.id}>
              <td><a href=${`/indexes/${index.id}`}>version ${index.version}</a></td>
              <td><${IndexState} index=${index} /></td>
              <td>${formatNumber(index.modified_otu_count)}</td>
              <td>${index.user.handle || index.user.id}</td><td>${formatDate(index.created_at)}</td></tr>`,
            )}
            </tbody></table>`
      }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${setPage} label="index pages" />`}
    <//>
  </div>`;
}

export function IndexPage({ params }) {
  const index = useResource(`/indexes/${params.id}`);
  const data = index.data;
  useLive(
    ["indexes", "jobs"],
    null,
    () => index.reload(),
    data && !data.ready && (!data.job || ACTIVE_JOB.has(data.job.state)),
  );
  return html`<${Resource} resource=${index} what="the index">
    ${(item) => html`<section>
      <h1>Index version ${item.version} of <a href=${`/references/${item.reference.id}/indexes`}>${item.reference.name}</a></h1>
      <dl class="facts">
        <dt>State</dt><dd><${IndexState} index=${item} /></dd>
        <dt>OTUs</dt><dd>${formatNumber(item.otus.length)} (${formatNumber(item.modified_otu_count)} changed since the previous ready index)</dd>
        <dt>Created</dt><dd>${formatDate(item.created_at)} by ${item.user.handle || item.user.id}</dd>
      </dl>
      <h2>Files</h2>
      ${
        item.files.length === 0
          ? html`<${Empty}>No files yet: the build-index job uploads them.<//>`
          : html`<table class="list index-files"><thead><tr><th>File</th><th>Type</th><th>Size</th></tr></thead><tbody>
            ${item.files.map((file) => html`<tr key=${file.id}><td><a href=${`/api/indexes/${item.id}/files/${encodeURIComponent(file.name)}`} download>${file.name}</a></td><td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`)}
          </tbody></table>`
      }
      <h2>OTUs</h2>
      <table class="list"><thead><tr><th>OTU</th><th>Version</th><th>Changed</th></tr></thead><tbody>
        ${item.otus.map((otu) => html`<tr key=${otu.id}><td><a href=${`/otus/${otu.id}`}>${otu.name}</a></td><td>${item.manifest[otu.id]}</td><td>${otu.change_count ? "yes" : "no"}</td></tr>`)}
      </tbody></table>
      ${index.error ? html`<${ErrorMessage} error=${index.error} />` : null}
    </section>`}
  <//>`;
}
