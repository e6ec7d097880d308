// Subtractions (host genomes whose reads an analysis sets aside). Administrators add them.
import { html, useState } from "../html.js";
import { post } from "../api.js";
import { setQuery, useLocation } from "../router.js";
import { Badge, Empty, ErrorMessage, Field, formatDate, Pager, Resource, useResource } from "../ui.js";

export function SubtractionsPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const subtractions = useResource("/subtractions", { page, per_page: 25 });
  const [name, setName] = useState("");
  const [error, setError] = useState(null);
  const create = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      await post("/subtractions", { name });
      setName("");
      subtractions.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<section>
    <h1>Subtractions</h1>
    <${Resource} resource=${subtractions} what="subtractions">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No subtractions yet.<//>` : html`
        <table class="list"><thead><tr><th>Name</th><th>State</th><th>Created</th></tr></thead>
        <tbody>${result.documents.map((item) => html`<tr key=${item.id}><td>${item.name}</td>
          <td>${item.ready ? html`<${Badge} state="ready" />` : html`<${Badge} state="running">being built<//>`}</td><td>${formatDate(item.created_at)}</td></tr>`)}</tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} />`}
    <//>
    ${account.administrator ? html`<form class="card" onSubmit=${create} aria-label="new subtraction"><h2>New subtraction</h2>
      <${Field} id="subtraction-name" label="Name"><input id="subtraction-name" required value=${name} onInput=${(e) => setName(e.target.value)} /><//>
      <${ErrorMessage} error=${error} /><button type="submit" class="primary">Create subtraction</button></form>` : null}
  </section>`;
}
