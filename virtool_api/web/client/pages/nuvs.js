// A NuVs result: each contig drawn with its ORFs on both strands (SVG) and their HMM hits, BLAST per contig,
// sorted and filtered in the address, exported as CSV, Excel or FASTA with the same query. ORFs whose
// positions run off the contig come clipped to it from the server (GET /analyses/{id}/report) and are marked.
import { put, queryString } from "../api.js";
import { html, useState } from "../html.js";
import { useLive } from "../live.js";
import { setQuery, useLocation } from "../router.js";
import { ActionButton, Empty, formatDate, formatNumber, Resource, useResource } from "../ui.js";
import { reportQuery } from "./pathoscope.js";

const SORTS = [
  ["index", "Contig number"],
  ["length", "Length"],
  ["e", "Best E-value"],
  ["orfs", "ORFs"],
];
const FILTERS = ["sort", "order", "min_length", "max_e", "with_hits"];
const CLIPPED = { start: "starts before the contig", end: "ends past the contig" };

export function clippedText(orf) {
  return orf.clipped.map((end) => CLIPPED[end]).join(" and ");
}

function hitNames(hit) {
  return hit.names.length ? hit.names.join(", ") : `HMM ${hit.hit}`;
}

/** The contig as a line, its ORFs as arrows: the plus strand above, the minus strand below. */
export function ContigMap({ contig }) {
  const width = 800;
  const x = (position) => (contig.length ? (position / contig.length) * width : 0);
  const arrow = (orf) => {
    const left = x(orf.start - 1);
    const right = Math.max(x(orf.end), left + 1);
    const head = Math.min(10, (right - left) / 2);
    const [top, bottom] = orf.strand === 1 ? [6, 26] : [54, 74];
    const middle = (top + bottom) / 2;
    // A clipped end has no head: the ORF goes on past the contig.
    const headRight = orf.strand === 1 && !orf.clipped.includes("end");
    const headLeft = orf.strand === -1 && !orf.clipped.includes("start");
    const points = [
      headLeft ? `${left},${middle}` : `${left},${top}`,
      headLeft ? `${left + head},${top}` : null,
      headRight ? `${right - head},${top}` : `${right},${top}`,
      headRight ? `${right},${middle}` : null,
      headRight ? `${right - head},${bottom}` : `${right},${bottom}`,
      headLeft ? `${left + head},${bottom}` : `${left},${bottom}`,
    ].filter(Boolean);
    const label = `ORF ${orf.index}, ${orf.strand === 1 ? "plus" : "minus"} strand, ${orf.start}–${orf.end}${orf.clipped.length ? `, clipped: ${clippedText(orf)}` : ""}${orf.hits.length ? `, ${hitNames(orf.hits[0])}` : ""}`;
    return html`<g key=${orf.index} class=${`orf${orf.hits.length ? " with-hits" : ""}${orf.clipped.length ? " clipped" : ""}`}>
      <title>${label}</title>
      <polygon points=${points.join(" ")} />
      ${orf.clipped.includes("start") ? html`<line class="clip-mark" x1=${left + 1} x2=${left + 1} y1=${top - 4} y2=${bottom + 4} />` : null}
      ${orf.clipped.includes("end") ? html`<line class="clip-mark" x1=${right - 1} x2=${right - 1} y1=${top - 4} y2=${bottom + 4} />` : null}
    </g>`;
  };
  return html`<svg class="contig-map" viewBox=${`0 0 ${width} 80`} preserveAspectRatio="none" role="img" aria-label=${`Contig ${contig.index}: ${contig.length} bases, ${contig.orfs.length} ORFs`}>
    <line class="contig-line" x1="0" x2=${width} y1="40" y2="40" />
    ${contig.orfs.map(arrow)}
  </svg>`;
}

function BlastHits({ blast }) {
  if (blast.error) return html`<div class="error" role="alert">BLAST failed: ${blast.error}</div>`;
  if (!blast.ready) {
    return html`<p class="blast-waiting" aria-live="polite"><span class="spinner" aria-hidden="true"></span> BLAST in progress${blast.rid ? ` (RID ${blast.rid})` : ""}; last checked ${formatDate(blast.last_checked_at)}. The page shows the hits when they arrive.</p>`;
  }
  const hits = blast.result?.hits || [];
  if (hits.length === 0) return html`<p class="muted">BLAST found no similar sequences.</p>`;
  return html`<table class="list blast-hits">
    <caption>BLAST hits (${blast.result.database ? blast.result.database.split("/").pop() : "database"}${blast.result.version ? `, ${blast.result.version}` : ""})</caption>
    <thead><tr><th scope="col">Accession</th><th scope="col">Name</th><th scope="col">E-value</th><th scope="col">Identity</th><th scope="col">Alignment</th><th scope="col">Bit score</th></tr></thead>
    <tbody>${hits.map(
      (hit, index) => html`<tr key=${index}>
      <td>${hit.accession}</td><td>${hit.name || hit.title}</td><td>${Number(hit.evalue).toExponential(2)}</td>
      <td>${hit.align_len ? `${formatNumber((100 * hit.identity) / hit.align_len, 1)}%` : "—"}</td>
      <td>${formatNumber(hit.align_len)} bp</td><td>${formatNumber(hit.bit_score, 1)}</td></tr>`,
    )}
    </tbody></table>`;
}

function OrfRow({ orf }) {
  return html`<tr class="orf-row">
    <td>${orf.index}</td><td>${orf.strand === 1 ? "+" : "-"}</td><td>${orf.frame}</td>
    <td>${orf.start}–${orf.end}${orf.clipped.length ? html` <span class="badge wait" title=${`Its position in the result runs off the contig (${orf.pos[0]}, ${orf.pos[1]}): shown clipped`}>clipped: ${clippedText(orf)}</span>` : null}</td>
    <td>${orf.length} aa</td>
    <td>${orf.hits.length ? orf.hits.map((hit, index) => html`<div key=${index}><a href=${`/hmms/${hit.hit}`}>${hitNames(hit)}</a> <span class="muted">E ${hit.e_text || "—"}</span></div>`) : html`<span class="muted">none</span>`}</td>
  </tr>`;
}

function Contig({ contig, onBlast }) {
  const [showSequence, setShowSequence] = useState(false);
  return html`<article class="contig card" id=${`contig-${contig.index}`}>
    <header class="contig-head">
      <h3>Contig ${contig.index}</h3>
      <span class="muted">${formatNumber(contig.length)} bp · ${contig.orfs.length} ORF${contig.orfs.length === 1 ? "" : "s"}${contig.best_e_text ? ` · best E ${contig.best_e_text}` : ""}</span>
      <button type="button" class="link" aria-expanded=${showSequence} onClick=${() => setShowSequence(!showSequence)}>${showSequence ? "Hide" : "Show"} sequence</button>
      <${ActionButton} className="blast-button" action=${() => onBlast(contig.index)} aria-label=${`${contig.blast ? "BLAST again" : "BLAST"} contig ${contig.index}`}>${contig.blast ? "BLAST again" : "BLAST"}</${ActionButton}>
    </header>
    <${ContigMap} contig=${contig} />
    ${showSequence ? html`<pre class="sequence" tabindex="0">${contig.sequence}</pre>` : null}
    ${
      contig.orfs.length
        ? html`<table class="list orfs"><caption class="visually-hidden">ORFs of contig ${contig.index}</caption><thead><tr><th scope="col">ORF</th><th scope="col">Strand</th><th scope="col">Frame</th><th scope="col">Position</th><th scope="col">Length</th><th scope="col">HMM hits</th></tr></thead>
          <tbody>${contig.orfs.map((orf) => html`<${OrfRow} key=${orf.index} orf=${orf} />`)}</tbody></table>`
        : null
    }
    ${contig.blast ? html`<${BlastHits} blast=${contig.blast} />` : null}
  </article>`;
}

function Filters({ query, analysisId }) {
  const change = (key) => (event) => setQuery({ ...query, [key]: event.target.value });
  const exported = queryString(reportQuery(query, FILTERS));
  const file = (suffix, extra = "") =>
    `/api/analyses/${analysisId}.${suffix}${exported}${extra && (exported ? "&" : "?")}${extra}`;
  return html`<form class="filters report-filters" onSubmit=${(event) => event.preventDefault()}>
    <label for="contig-sort">Sort by <select id="contig-sort" value=${query.sort || "index"} onChange=${change("sort")}>
      ${SORTS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}</select></label>
    <label for="contig-order">Order <select id="contig-order" value=${query.order || ""} onChange=${change("order")}>
      <option value="">Default</option><option value="asc">Ascending</option><option value="desc">Descending</option></select></label>
    <label for="filter-min_length">Length at least <input id="filter-min_length" type="number" min="0" value=${query.min_length || ""} onChange=${change("min_length")} /> bp</label>
    <label for="filter-max_e">E-value at most <input id="filter-max_e" type="text" inputmode="decimal" placeholder="1e-5" value=${query.max_e || ""} onChange=${change("max_e")} /></label>
    <label class="inline" for="filter-with_hits"><input id="filter-with_hits" type="checkbox" checked=${query.with_hits === "true"} onChange=${(event) => setQuery({ ...query, with_hits: event.target.checked ? "true" : undefined })} /> Only contigs with HMM hits</label>
    <span class="exports">Export: <a id="export-csv" href=${file("csv")} download>CSV</a> · <a id="export-xlsx" href=${file("xlsx")} download>Excel</a> · FASTA of <a href=${file("fa")} download>contigs</a>, <a href=${file("fa", "sequences=orfs")} download>ORFs</a>, <a href=${file("fa", "sequences=proteins")} download>proteins</a></span>
  </form>`;
}

export function Nuvs({ analysis }) {
  const { query } = useLocation();
  const report = useResource(`/analyses/${analysis.id}/report`, reportQuery(query, FILTERS));
  // A BLAST runs at NCBI or in BLAST+ for a while: its answer arrives as a change of the analysis.
  useLive("analyses", analysis.id, () => report.reload(), blasting(report.data));
  const blast = async (index) => {
    await put(`/analyses/${analysis.id}/${index}/blast`, {});
    await report.reload();
  };
  return html`<${Filters} query=${query} analysisId=${analysis.id} />
    <${Resource} resource=${report} what="the result">
      ${(
        data,
      ) => html`<p class="muted" id="result-counts">${data.contigs.length} contig${data.contigs.length === 1 ? "" : "s"} shown</p>
        <div class="nuvs">${data.contigs.length === 0 ? html`<${Empty}>No contigs to show.<//>` : data.contigs.map((contig) => html`<${Contig} key=${contig.index} contig=${contig} onBlast=${blast} />`)}</div>`}
    <//>`;
}

/** Whether a report still waits for a BLAST (the page follows it). */
export function blasting(data) {
  return Boolean(data?.contigs?.some((contig) => contig.blast && !contig.blast.ready && !contig.blast.error));
}
