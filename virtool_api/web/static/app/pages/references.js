// References and their indexes. Administrators add references and build indexes.
import { html, useState } from "../html.js";
import { post } from "../api.js";
import { navigate, setQuery, useLocation } from "../router.js";
import { ActionButton, Empty, ErrorMessage, Field, formatDate, Pager, Resource, useResource } from "../ui.js";

function NewReference({ onCreated }) {
  const [name, setName] = useState("");
  const [dataType, setDataType] = useState("genome");
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      onCreated(await post("/references", { name, data_type: dataType }));
      setName("");
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="new reference">
    <h2>New reference</h2>
    <div class="grid">
      <${Field} id="reference-name" label="Name"><input id="reference-name" required value=${name} onInput=${(e) => setName(e.target.value)} /><//>
      <${Field} id="reference-type" label="Data type"><select id="reference-type" value=${dataType} onChange=${(e) => setDataType(e.target.value)}>
        <option value="genome">Genome</option><option value="barcode">Barcode</option></select><//>
    </div>
    <${ErrorMessage} error=${error} />
    <button type="submit" class="primary">Create reference</button>
  </form>`;
}

export function ReferencesPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const references = useResource("/references", { page, per_page: 25 });
  return html`<section>
    <h1>References</h1>
    <${Resource} resource=${references} what="references">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No references yet.<//>` : html`
        <table class="list references-table"><thead><tr><th>Name</th><th>Data type</th><th>Latest index</th><th>Created</th>${account.administrator ? html`<th></th>` : null}</tr></thead>
        <tbody>${result.documents.map((ref) => html`<tr key=${ref.id}>
          <td><a href=${`/references/${ref.id}`}>${ref.name}</a></td><td>${ref.data_type}</td>
          <td>${ref.latest_index ? `version ${ref.latest_index.version}` : html`<span class="muted">none</span>`}</td>
          <td>${formatDate(ref.created_at)}</td>
          ${account.administrator ? html`<td><${ActionButton} action=${async () => { await post(`/references/${ref.id}/indexes`); references.reload(); }}>Build index</${ActionButton}></td>` : null}
        </tr>`)}</tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} />`}
    <//>
    ${account.administrator ? html`<${NewReference} onCreated=${(ref) => navigate(`/references/${ref.id}`)} />` : null}
  </section>`;
}

export function ReferencePage({ params, account }) {
  const references = useResource("/references", { per_page: 100 });
  return html`<${Resource} resource=${references} what="the reference">
    ${(result) => {
      const ref = result.documents.find((item) => item.id === params.id);
      if (!ref) return html`<p>No such reference. <a href="/references">All references</a></p>`;
      return html`<section>
        <h1>${ref.name}</h1>
        <dl class="facts"><dt>Data type</dt><dd>${ref.data_type}</dd>
          <dt>Latest ready index</dt><dd>${ref.latest_index ? `version ${ref.latest_index.version}` : "none"}</dd>
          <dt>Created</dt><dd>${formatDate(ref.created_at)}</dd></dl>
        ${account.administrator ? html`<${ActionButton} className="primary" action=${async () => { await post(`/references/${ref.id}/indexes`); references.reload(); }}>Build an index</${ActionButton}>` : null}
      </section>`;
    }}
  <//>`;
}
