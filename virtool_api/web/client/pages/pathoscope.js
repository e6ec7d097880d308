// A Pathoscope result: its OTUs, each opening to its isolates and their sequences (by name and accession, with
// the coverage along each drawn from its depths), sorted and filtered in the address, and exported as CSV or
// Excel with the same query: the table and the files come from one report the server makes
// (GET /analyses/{id}/report), so they hold the same rows and numbers.
import { queryString } from "../api.js";
import { html, useState } from "../html.js";
import { setQuery, useLocation } from "../router.js";
import { Empty, formatNumber, Resource, useResource } from "../ui.js";

export const PATHOSCOPE_SORTS = [
  ["weight", "Weight"],
  ["reads", "Reads"],
  ["coverage", "Coverage"],
  ["depth", "Depth"],
  ["name", "Name"],
];
const FILTERS = ["find", "sort", "order", "min_weight", "min_reads", "min_coverage", "min_depth"];

/** The report's query from the address: the page and its exports use the same. */
export function reportQuery(query, keys) {
  return Object.fromEntries(
    keys.filter((key) => query[key] !== undefined && query[key] !== "").map((key) => [key, query[key]]),
  );
}

const percent = (value) => `${Number(value).toFixed(2)}%`;

/** A sequence's depth along its length (the server's ≤ 200 points, each a stretch's highest), as an area. */
export function CoverageTrack({ track, label }) {
  if (!track || track.length === 0) return html`<span class="muted">no depths</span>`;
  const width = 200;
  const height = 28;
  const top = Math.max(...track, 1);
  const step = track.length > 1 ? width / (track.length - 1) : width;
  const points = track.map(
    (depth, index) => `${(index * step).toFixed(1)},${(height - (depth / top) * height).toFixed(1)}`,
  );
  return html`<svg class="coverage-track" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label=${label}>
    <title>${label}</title>
    <polygon points=${`0,${height} ${points.join(" ")} ${width},${height}`} />
  </svg>`;
}

function Sequences({ otu }) {
  return html`<table class="list inner sequences">
    <caption>Isolates and sequences of ${otu.name}</caption>
    <thead><tr><th scope="col">Isolate</th><th scope="col">Accession</th><th scope="col">Definition</th><th scope="col">Length</th><th scope="col">Weight</th><th scope="col">Best hit</th><th scope="col">Reads</th><th scope="col">Coverage</th><th scope="col">Depth</th><th scope="col">Coverage along the sequence</th></tr></thead>
    <tbody>${otu.isolates.flatMap((isolate) =>
      isolate.sequences.map(
        (sequence) => html`<tr key=${`${isolate.id}-${sequence.id}`} class="sequence-row">
          <td>${isolate.name}${isolate.default ? html` <span class="muted">(default)</span>` : null}</td>
          <td>${sequence.accession}</td><td>${sequence.definition}</td><td>${formatNumber(sequence.length)}</td>
          <td>${percent(sequence.weight)}</td><td>${percent(sequence.best)}</td><td>${formatNumber(sequence.reads)}</td>
          <td>${percent(sequence.coverage)}</td><td>${Number(sequence.depth).toFixed(1)}</td>
          <td><${CoverageTrack} track=${sequence.track} label=${`Depth along ${sequence.accession}, highest ${Math.max(0, ...sequence.track)}`} /></td>
        </tr>`,
      ),
    )}</tbody>
  </table>`;
}

function Filters({ query, analysisId }) {
  const [find, setFind] = useState(query.find || "");
  const change = (key) => (event) => setQuery({ ...query, [key]: event.target.value });
  const number = (key, label, unit) => html`<label for=${`filter-${key}`}>${label}
    <input id=${`filter-${key}`} type="number" min="0" step="any" inputmode="decimal" value=${query[key] || ""} onChange=${change(key)} />${unit ? html` <span class="muted">${unit}</span>` : null}</label>`;
  const exported = queryString(reportQuery(query, FILTERS));
  return html`<form class="filters report-filters" role="search" onSubmit=${(event) => {
    event.preventDefault();
    setQuery({ ...query, find });
  }}>
    <label for="otu-find">OTU <input id="otu-find" type="search" placeholder="Name or abbreviation" value=${find} onInput=${(event) => setFind(event.target.value)} onChange=${change("find")} /></label>
    <label for="otu-sort">Sort by <select id="otu-sort" value=${query.sort || "weight"} onChange=${change("sort")}>
      ${PATHOSCOPE_SORTS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}</select></label>
    <label for="otu-order">Order <select id="otu-order" value=${query.order || ""} onChange=${change("order")}>
      <option value="">${query.sort === "name" ? "A to Z" : "Highest first"}</option><option value="asc">Ascending</option><option value="desc">Descending</option></select></label>
    ${number("min_weight", "Weight at least", "%")} ${number("min_coverage", "Coverage at least", "%")}
    ${number("min_reads", "Reads at least")} ${number("min_depth", "Depth at least")}
    <span class="exports">Export: <a id="export-csv" href=${`/api/analyses/${analysisId}.csv${exported}`} download>CSV</a> · <a id="export-xlsx" href=${`/api/analyses/${analysisId}.xlsx${exported}`} download>Excel</a></span>
  </form>`;
}

export function Pathoscope({ analysis }) {
  const { query } = useLocation();
  const report = useResource(`/analyses/${analysis.id}/report`, reportQuery(query, FILTERS));
  const [open, setOpen] = useState(() => new Set());
  const toggle = (id) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return html`<${Filters} query=${query} analysisId=${analysis.id} />
    <${Resource} resource=${report} what="the result">
    ${(data) => html`
      <p class="muted" id="result-counts">${formatNumber(data.read_count)} reads analysed${data.subtracted_count !== null ? `, ${formatNumber(data.subtracted_count)} subtracted` : ""}; ${data.otus.length} OTU${data.otus.length === 1 ? "" : "s"} shown</p>
      ${
        data.otus.length === 0
          ? html`<${Empty}>No OTU matches.<//>`
          : html`
      <p><button type="button" class="link" id="open-all" onClick=${() => setOpen(open.size === data.otus.length ? new Set() : new Set(data.otus.map((otu) => otu.id)))}>${open.size === data.otus.length ? "Close all" : "Open all"}</button></p>
      <table class="list pathoscope-table">
        <caption class="visually-hidden">OTUs detected</caption>
        <thead><tr><th scope="col">OTU</th><th scope="col">Weight</th><th scope="col">Best hit</th><th scope="col">Reads</th><th scope="col">Coverage</th><th scope="col">Depth</th></tr></thead>
        <tbody>${data.otus.map(
          (otu) => html`<tr key=${otu.id} class="otu-row">
              <td><button type="button" class="link" aria-expanded=${open.has(otu.id)} onClick=${() => toggle(otu.id)}>${otu.name}</button>${otu.abbreviation ? html` <span class="muted">${otu.abbreviation}</span>` : null}</td>
              <td>${percent(otu.weight)}</td><td>${percent(otu.best)}</td><td>${formatNumber(otu.reads)}</td>
              <td>${percent(otu.coverage)}</td><td>${Number(otu.depth).toFixed(1)}</td>
            </tr>
            ${open.has(otu.id) ? html`<tr class="detail"><td colspan="6">${otu.in_index ? html`<p><a href=${`/otus/${otu.id}`}>${otu.name} in the reference</a></p>` : null}<${Sequences} otu=${otu} /></td></tr>` : null}`,
        )}</tbody>
      </table>`
      }`}
  <//>`;
}
