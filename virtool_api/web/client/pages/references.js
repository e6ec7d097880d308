// References (the OTUs analyses map reads against), paged by the server. Administrators import one from an
// uploaded Virtool reference export: upload it with a progress bar, then create the reference from it.

import { post } from "../api.js";
import { html, useState } from "../html.js";
import { navigate, setQuery, useLocation } from "../router.js";
import {
  Empty,
  ErrorMessage,
  Field,
  formatBytes,
  formatDate,
  formatNumber,
  Pager,
  Resource,
  useResource,
} from "../ui.js";
import { Uploader } from "./sample_new.js";

/** Upload an export, pick it (the newest is picked), optionally rename, import. */
function ImportReference({ onImported }) {
  const uploads = useResource("/uploads", { type: "reference", per_page: 100 });
  const [uploadId, setUploadId] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const files = uploads.data ? uploads.data.documents : [];
  const chosen = uploadId || (files[0] ? String(files[0].id) : "");

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onImported(
        await post("/references", { import_from: Number(chosen), ...(name.trim() ? { name: name.trim() } : {}) }),
      );
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return html`<form class="card" onSubmit=${submit} aria-label="import a reference">
    <h2>Import a reference</h2>
    <p class="muted">From a Virtool reference export (<code>.json.gz</code>): the reference and all its OTUs are checked, then stored.</p>
    <${Uploader} type="reference" multiple=${false} label="Reference export (gzip-compressed JSON)"
      onUploaded=${(created) => {
        setUploadId(String(created.id));
        uploads.reload();
      }} />
    <div class="grid">
      <${Field} id="reference-upload" label="Export to import">
        <select id="reference-upload" value=${chosen} onChange=${(e) => setUploadId(e.target.value)} disabled=${files.length === 0}>
          ${files.length === 0 ? html`<option value="">Upload an export first</option>` : null}
          ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name} (${formatBytes(file.size)}, ${formatDate(file.created_at)})</option>`)}
        </select>
      <//>
      <${Field} id="reference-name" label="Name" hint="Leave empty to use the export's name.">
        <input id="reference-name" maxlength="255" value=${name} onInput=${(e) => setName(e.target.value)} />
      <//>
    </div>
    <${ErrorMessage} error=${error} title="The reference was not imported" />
    <button type="submit" class="primary" disabled=${busy || !chosen}>${busy ? "Importing…" : "Import reference"}</button>
  </form>`;
}

export function ReferencesPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const references = useResource("/references", { page, per_page: 25 });
  return html`<section>
    <h1>References</h1>
    <${Resource} resource=${references} what="references">
      ${(result) => html`${
        result.documents.length === 0
          ? html`<${Empty}>No references yet.${account.administrator ? " Import one below." : " Administrators import them."}<//>`
          : html`<table class="list references-table">
          <thead><tr><th>Name</th><th>Organism</th><th>OTUs</th><th>Latest ready index</th><th>Created</th></tr></thead>
          <tbody>${result.documents.map(
            (ref) => html`<tr key=${ref.id}>
            <td><a href=${`/references/${ref.id}`}>${ref.name}</a></td>
            <td>${ref.organism || html`<span class="muted">—</span>`}</td>
            <td>${formatNumber(ref.otu_count)}</td>
            <td>${ref.latest_index ? html`<a href=${`/indexes/${ref.latest_index.id}`}>version ${ref.latest_index.version}</a>` : html`<span class="muted">none</span>`}</td>
            <td>${formatDate(ref.created_at)}</td>
          </tr>`,
          )}</tbody></table>`
      }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} label="reference pages" />`}
    <//>
    ${account.administrator ? html`<${ImportReference} onImported=${(ref) => navigate(`/references/${ref.id}`)} />` : null}
  </section>`;
}
