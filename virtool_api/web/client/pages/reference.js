// One reference: what it is, its OTUs (searched and paged by the server; the search and page live in the
// address) and its indexes (/references/{id}/indexes), where administrators build the next one.
import { html, useEffect, useState } from "../html.js";
import { setQuery, useLocation } from "../router.js";
import { Empty, formatDate, formatNumber, Pager, Resource, useResource } from "../ui.js";
import { Indexes } from "./indexes.js";

const TABS = [
  ["", "OTUs"],
  ["indexes", "Indexes"],
];

function Otus({ reference }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = useState(query.find || "");
  const otus = useResource(`/references/${reference.id}/otus`, { find: query.find, page, per_page: 25 });

  // Search as the person types, a moment after they stop; the address keeps the search.
  useEffect(() => {
    if ((query.find || "") === find) return undefined;
    const timer = setTimeout(() => setQuery({ find, page: undefined }), 300);
    return () => clearTimeout(timer);
  }, [find]);

  return html`<div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <label for="otu-find">Search OTUs
        <input id="otu-find" type="search" placeholder="Name or abbreviation" value=${find} onInput=${(e) => setFind(e.target.value)} />
      </label>
    </form>
    <${Resource} resource=${otus} what="OTUs">
      ${(result) => html`
        <p class="muted" aria-live="polite" id="otu-count">${
          result.found_count === result.total_count
            ? `${formatNumber(result.total_count)} OTUs`
            : `${formatNumber(result.found_count)} of ${formatNumber(result.total_count)} OTUs match`
        }</p>
        ${
          result.documents.length === 0
            ? html`<${Empty}>${result.total_count ? "No OTU matches the search." : "This reference has no OTUs."}<//>`
            : html`<table class="list otus-table">
              <thead><tr><th>Name</th><th>Abbreviation</th><th>Isolates</th><th>Version</th></tr></thead>
              <tbody>${result.documents.map(
                (otu) => html`<tr key=${otu.id}>
                <td><a href=${`/otus/${otu.id}`}>${otu.name}</a></td><td>${otu.abbreviation || html`<span class="muted">—</span>`}</td>
                <td>${otu.isolate_count}</td><td>${otu.version}</td></tr>`,
              )}
              </tbody></table>`
        }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="OTU pages" />`}
    <//>
  </div>`;
}

export function ReferencePage({ params, account }) {
  const reference = useResource(`/references/${params.id}`);
  const tab = params.tab || "";
  if (!TABS.some(([key]) => key === tab))
    return html`<p>No such tab. <a href=${`/references/${params.id}`}>Back to the reference</a></p>`;
  return html`<${Resource} resource=${reference} what="the reference">
    ${(ref) => html`<section>
      <h1>${ref.name}</h1>
      <dl class="facts">
        <dt>OTUs</dt><dd id="reference-otu-count">${formatNumber(ref.otu_count)}</dd>
        <dt>Latest ready index</dt><dd id="reference-latest-index">${
          ref.latest_index
            ? html`<a href=${`/indexes/${ref.latest_index.id}`}>version ${ref.latest_index.version}</a>`
            : html`none yet${ref.otu_count ? "" : " (a reference needs OTUs before an index can be built)"}`
        }</dd>
        <dt>Data type</dt><dd>${ref.data_type}${ref.organism ? `, ${ref.organism}` : ""}</dd>
        <dt>Created</dt><dd>${formatDate(ref.created_at)}${ref.user ? ` by ${ref.user.handle || ref.user.id}` : ""}${ref.imported_from ? `, imported from ${ref.imported_from.name}` : ""}</dd>
      </dl>
      <nav class="tabs" aria-label="reference">
        ${TABS.map(([key, text]) => html`<a key=${key} href=${`/references/${ref.id}${key ? `/${key}` : ""}`} class=${tab === key ? "active" : ""} aria-current=${tab === key ? "page" : undefined}>${text}</a>`)}
      </nav>
      ${tab === "" ? html`<${Otus} reference=${ref} />` : html`<${Indexes} reference=${ref} account=${account} onChange=${reference.reload} />`}
    </section>`}
  <//>`;
}
