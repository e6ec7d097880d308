// Subtractions: host genomes whose reads an analysis sets aside. Administrators upload a genome's FASTA
// (gzip, with a progress bar) and create a subtraction from it; its create-subtraction job makes its files.

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
import { SubtractionState } from "./subtraction.js";

function NewSubtraction({ onCreated }) {
  const uploads = useResource("/uploads", { type: "subtraction", per_page: 100 });
  const [form, setForm] = useState({ upload: "", name: "", nickname: "" });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const files = uploads.data ? uploads.data.documents : [];
  const chosen = form.upload || (files[0] ? String(files[0].id) : "");
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await post("/subtractions", { name: form.name, nickname: form.nickname, upload_id: Number(chosen) }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return html`<form class="card" onSubmit=${submit} aria-label="new subtraction">
    <h2>New subtraction</h2>
    <${Uploader} type="subtraction" multiple=${false} label="Host genome (FASTA, gzip-compressed: .fa.gz or .fasta.gz)"
      onUploaded=${(created) => {
        setForm((old) => ({ ...old, upload: String(created.id) }));
        uploads.reload();
      }} />
    <div class="grid">
      <${Field} id="subtraction-upload" label="Genome file">
        <select id="subtraction-upload" value=${chosen} onChange=${set("upload")} disabled=${files.length === 0}>
          ${files.length === 0 ? html`<option value="">Upload a FASTA file first</option>` : null}
          ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name} (${formatBytes(file.size)}, ${formatDate(file.created_at)})</option>`)}
        </select>
      <//>
      <${Field} id="subtraction-name" label="Name" hint="Usually the host's species, e.g. Vitis vinifera.">
        <input id="subtraction-name" required maxlength="255" value=${form.name} onInput=${set("name")} />
      <//>
      <${Field} id="subtraction-nickname" label="Nickname" hint="Optional, e.g. grapevine.">
        <input id="subtraction-nickname" maxlength="255" value=${form.nickname} onInput=${set("nickname")} />
      <//>
    </div>
    <${ErrorMessage} error=${error} title="The subtraction was not created" />
    <button type="submit" class="primary" disabled=${busy || !chosen}>${busy ? "Creating…" : "Create subtraction"}</button>
  </form>`;
}

export function SubtractionsPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const subtractions = useResource("/subtractions", { page, per_page: 25 });
  return html`<section>
    <h1>Subtractions</h1>
    <${Resource} resource=${subtractions} what="subtractions">
      ${(result) => html`${
        result.documents.length === 0
          ? html`<${Empty}>No subtractions yet.${account.administrator ? " Create one below from a host genome." : " Administrators create them."}<//>`
          : html`<table class="list subtractions-table"><thead><tr><th>Name</th><th>Nickname</th><th>State</th><th>Sequences</th><th>Created</th></tr></thead>
          <tbody>${result.documents.map(
            (item) => html`<tr key=${item.id}>
            <td><a href=${`/subtractions/${item.id}`}>${item.name}</a></td><td>${item.nickname || html`<span class="muted">—</span>`}</td>
            <td><${SubtractionState} subtraction=${item} /></td><td>${formatNumber(item.count)}</td><td>${formatDate(item.created_at)}</td></tr>`,
          )}
          </tbody></table>`
      }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} label="subtraction pages" />`}
    <//>
    ${account.administrator ? html`<${NewSubtraction} onCreated=${(item) => navigate(`/subtractions/${item.id}`)} />` : null}
  </section>`;
}
