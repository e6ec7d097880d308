// One analysis: its state while a runner works, then its result (a Pathoscope table, or NuVs contigs with
// ORFs, HMM hits and a BLAST per contig), and its result files.

import { put, remove } from "../api.js";
import { html, useMemo, useState } from "../html.js";
import { navigate } from "../router.js";
import {
  ActionButton,
  Badge,
  Empty,
  ErrorMessage,
  formatBytes,
  formatDate,
  formatNumber,
  Resource,
  usePoll,
  useResource,
} from "../ui.js";
import { JobProgress } from "./sample.js";

const percent = (value) => (value === undefined || value === null ? "—" : `${formatNumber(100 * value, 2)}%`);
const sum = (items, key) => items.reduce((total, item) => total + (Number(item[key]) || 0), 0);
const max = (items, key) => items.reduce((best, item) => Math.max(best, Number(item[key]) || 0), 0);

/**
 * Pathoscope hits grouped by OTU. The workflow sends one hit per reference sequence, naming its `otu` and with
 * Pathoscope's scores after reassignment in `final` (see the README); Virtool's formatted shape (OTUs with
 * isolates and sequences, scores at the top) is read too. `names` maps OTU ids to the names the analysis's
 * index lists (the workflow's hits name only the id and version).
 */
export function pathoscopeOtus(results, names = {}) {
  const groups = new Map();
  const scored = (sequence) => ({ ...sequence, ...(sequence.final || {}) });
  for (const hit of results.hits || []) {
    const sequences = (hit.isolates ? hit.isolates.flatMap((isolate) => isolate.sequences || []) : [hit]).map(scored);
    const otu = hit.isolates ? { id: hit.id, name: hit.name } : hit.otu || { id: hit.id };
    const key = otu.id || hit.id;
    const name =
      otu.name ||
      names[key] ||
      hit.name ||
      hit.abbreviation ||
      `OTU ${key}${otu.version !== undefined ? ` (version ${otu.version})` : ""}`;
    const group = groups.get(key) || { id: key, name, known: key in names, sequences: [] };
    group.sequences.push(...sequences);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({
      ...group,
      pi: sum(group.sequences, "pi"),
      best: sum(group.sequences, "best"),
      reads: sum(group.sequences, "reads"),
      coverage: max(group.sequences, "coverage"),
      depth: max(group.sequences, "depth"),
    }))
    .sort((a, b) => b.pi - a.pi);
}

function Pathoscope({ results, indexId }) {
  // The index lists its OTUs' names: one request names every OTU of the table.
  const index = useResource(`/indexes/${indexId}`);
  const names = useMemo(
    () => Object.fromEntries((index.data ? index.data.otus : []).map((otu) => [otu.id, otu.name])),
    [index.data],
  );
  const otus = useMemo(() => pathoscopeOtus(results, names), [results, names]);
  const [open, setOpen] = useState(null);
  if (otus.length === 0) return html`<${Empty}>No OTU was detected.<//>`;
  return html`<table class="list pathoscope-table">
    <thead><tr><th>OTU</th><th>Weight</th><th>Best hit</th><th>Coverage</th><th>Depth</th><th>Reads</th></tr></thead>
    <tbody>${otus.map(
      (otu) => html`
      <tr key=${otu.id}>
        <td><button type="button" class="link" aria-expanded=${open === otu.id} onClick=${() => setOpen(open === otu.id ? null : otu.id)}>${otu.name}</button></td>
        <td>${percent(otu.pi)}</td><td>${percent(otu.best)}</td><td>${percent(otu.coverage)}</td>
        <td>${formatNumber(otu.depth, 1)}</td><td>${formatNumber(otu.reads)}</td>
      </tr>
      ${
        open === otu.id
          ? html`<tr class="detail"><td colspan="6">${otu.known ? html`<a href=${`/otus/${otu.id}`}>${otu.name} in the reference</a>` : null}<table class="list inner">
        <thead><tr><th>Sequence</th><th>Length</th><th>Weight</th><th>Best hit</th><th>Coverage</th><th>Depth</th><th>Reads</th></tr></thead>
        <tbody>${otu.sequences.map(
          (sequence, index) => html`<tr key=${index}>
          <td>${sequence.accession || sequence.id}${sequence.definition ? html` <span class="muted">${sequence.definition}</span>` : null}</td>
          <td>${formatNumber(sequence.length || sequence.align?.length)}</td><td>${percent(sequence.pi)}</td><td>${percent(sequence.best)}</td>
          <td>${percent(sequence.coverage)}</td><td>${formatNumber(sequence.depth, 1)}</td><td>${formatNumber(sequence.reads)}</td></tr>`,
        )}
        </tbody></table></td></tr>`
          : null
      }`,
    )}
    </tbody>
  </table>`;
}

function BlastHits({ blast }) {
  if (blast.error) return html`<div class="error" role="alert">BLAST failed: ${blast.error}</div>`;
  if (!blast.ready) {
    return html`<p class="blast-waiting" aria-live="polite"><span class="spinner" aria-hidden="true"></span> BLAST in progress${blast.rid ? ` (RID ${blast.rid})` : ""}; last checked ${formatDate(blast.last_checked_at)}. The page checks again every few seconds.</p>`;
  }
  const hits = blast.result?.hits || [];
  if (hits.length === 0) return html`<p class="muted">BLAST found no similar sequences.</p>`;
  return html`<table class="list blast-hits">
    <caption>BLAST hits (${blast.result.database || "database"}${blast.result.version ? `, ${blast.result.version}` : ""})</caption>
    <thead><tr><th>Accession</th><th>Name</th><th>E-value</th><th>Identity</th><th>Alignment</th><th>Bit score</th></tr></thead>
    <tbody>${hits.map(
      (hit, index) => html`<tr key=${index}>
      <td>${hit.accession}</td><td>${hit.name || hit.title}</td><td>${Number(hit.evalue).toExponential(2)}</td>
      <td>${hit.align_len ? `${formatNumber((100 * hit.identity) / hit.align_len, 1)}%` : "—"}</td>
      <td>${formatNumber(hit.align_len)} bp</td><td>${formatNumber(hit.bit_score, 1)}</td></tr>`,
    )}
    </tbody></table>`;
}

function OrfHits({ orf }) {
  const hits = orf.hits || [];
  if (hits.length === 0) return html`<span class="muted">none</span>`;
  return hits.map(
    (hit, index) => html`<div key=${index}>
    <a href=${`/hmms/${hit.hit}`}>${(hit.names?.length ? hit.names.slice(0, 3).join(", ") : null) || `HMM ${hit.hit}`}</a>
    <span class="muted"> E ${hit.full_e !== undefined ? Number(hit.full_e).toExponential(1) : "—"}${hit.cluster !== undefined ? ` · cluster ${hit.cluster}` : ""}</span>
  </div>`,
  );
}

/** The smallest full-sequence E-value of a contig's ORF hits (what Virtool sorts contigs by), or undefined. */
function bestE(contig) {
  const values = (contig.orfs || []).flatMap((orf) => (orf.hits || []).map((hit) => Number(hit.full_e)));
  return values.length ? Math.min(...values) : contig.e;
}

function Contig({ contig, onBlast, canBlast }) {
  const [showSequence, setShowSequence] = useState(false);
  const orfs = contig.orfs || [];
  const e = bestE(contig);
  return html`<article class="contig card" id=${`contig-${contig.index}`}>
    <header class="contig-head">
      <h3>Contig ${contig.index}</h3>
      <span class="muted">${formatNumber((contig.sequence || "").length)} bp · ${orfs.length} ORF${orfs.length === 1 ? "" : "s"}${contig.family ? ` · ${contig.family}` : ""}${e !== undefined ? ` · best E ${Number(e).toExponential(1)}` : ""}</span>
      <button type="button" class="link" aria-expanded=${showSequence} onClick=${() => setShowSequence(!showSequence)}>${showSequence ? "Hide" : "Show"} sequence</button>
      <${ActionButton} className="blast-button" action=${() => onBlast(contig.index)} disabled=${!canBlast} aria-label=${`BLAST contig ${contig.index}`}>${contig.blast ? "BLAST again" : "BLAST"}</${ActionButton}>
    </header>
    ${showSequence ? html`<pre class="sequence">${contig.sequence}</pre>` : null}
    ${
      orfs.length
        ? html`<table class="list orfs"><thead><tr><th>ORF</th><th>Strand / frame</th><th>Position</th><th>Length</th><th>HMM hits</th></tr></thead><tbody>
          ${orfs.map(
            (orf, index) => html`<tr key=${index}>
            <td>${orf.index !== undefined ? orf.index : index}</td>
            <td>${orf.strand === -1 ? "−" : "+"} ${orf.frame !== undefined ? orf.frame : ""}</td>
            <td>${orf.pos ? `${orf.pos[0] + 1}–${orf.pos[1]}` : "—"}</td>
            <td>${orf.pro ? `${orf.pro.length} aa` : "—"}</td>
            <td><${OrfHits} orf=${orf} /></td></tr>`,
          )}
        </tbody></table>`
        : null
    }
    ${contig.blast ? html`<${BlastHits} blast=${contig.blast} />` : null}
  </article>`;
}

function Nuvs({ analysis, reload }) {
  const [withHits, setWithHits] = useState(false);
  const contigs = (analysis.results.hits || []).filter(
    (contig) => !withHits || (contig.orfs || []).some((orf) => (orf.hits || []).length),
  );
  const blasting = (analysis.results.hits || []).some(
    (contig) => contig.blast && !contig.blast.ready && !contig.blast.error,
  );
  usePoll(reload, 3000, blasting);
  const blast = async (index) => {
    await put(`/analyses/${analysis.id}/${index}/blast`, {});
    await reload();
  };
  return html`<div class="nuvs">
    <label class="inline"><input type="checkbox" checked=${withHits} onChange=${(e) => setWithHits(e.target.checked)} /> Only contigs with HMM hits</label>
    ${contigs.length === 0 ? html`<${Empty}>No contigs to show.<//>` : contigs.map((contig) => html`<${Contig} key=${contig.index} contig=${contig} onBlast=${blast} canBlast=${true} />`)}
  </div>`;
}

function Results({ analysis, reload }) {
  const results = analysis.results;
  if (!results) return html`<${Empty}>No results.<//>`;
  const counts = html`<p class="muted">${results.read_count !== undefined ? `${formatNumber(results.read_count)} reads analysed` : ""}${results.subtracted_count !== undefined ? `, ${formatNumber(results.subtracted_count)} subtracted` : ""}</p>`;
  if (analysis.workflow === "pathoscope_bowtie")
    return html`${counts}<${Pathoscope} results=${results} indexId=${analysis.index.id} />`;
  if (analysis.workflow === "nuvs") return html`${counts}<${Nuvs} analysis=${analysis} reload=${reload} />`;
  return html`${counts}<pre class="json">${JSON.stringify(results, null, 2)}</pre>`;
}

export function AnalysisPage({ params }) {
  const analysis = useResource(`/analyses/${params.id}`);
  usePoll(() => analysis.reload(), 3000, analysis.data && !analysis.data.ready);
  return html`<${Resource} resource=${analysis} what="the analysis">
    ${(data) => html`<section>
      <div class="page-head">
        <h1>${data.workflow === "nuvs" ? "NuVs" : data.workflow === "pathoscope_bowtie" ? "Pathoscope" : data.workflow} analysis of <a href=${`/samples/${data.sample.id}/analyses`}>${data.sample.name}</a></h1>
        <${ActionButton} className="danger" confirm="Remove this analysis and its files?" action=${async () => {
          await remove(`/analyses/${data.id}`);
          navigate(`/samples/${data.sample.id}/analyses`);
        }}>Remove</${ActionButton}>
      </div>
      <dl class="facts inline-facts">
        <dt>State</dt><dd>${data.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</dd>
        <dt>Reference</dt><dd id="analysis-reference-name"><a href=${`/references/${data.reference.id}`}>${data.reference.name}</a>, <a href=${`/indexes/${data.index.id}`}>index ${data.index.version}</a></dd>
        <dt>Subtractions</dt><dd id="analysis-subtractions">${
          data.subtractions.length
            ? data.subtractions.map(
                (item, index) =>
                  html`${index ? ", " : ""}<a key=${item.id} href=${`/subtractions/${item.id}`}>${item.name}</a>`,
              )
            : "none"
        }</dd>
        <dt>Started</dt><dd>${formatDate(data.created_at)} by ${data.user.handle || data.user.id}</dd>
      </dl>
      ${!data.ready && data.job ? html`<${JobProgress} jobId=${data.job.id} />` : null}
      ${data.ready ? html`<h2>Result</h2><${Results} analysis=${data} reload=${analysis.reload} />` : html`<p class="muted">The result appears here when the workflow finishes.</p>`}
      ${
        data.files?.length
          ? html`<h2>Result files</h2><table class="list"><tbody>${data.files.map(
              (file) => html`<tr key=${file.id}>
            <td><a href=${`/api/analyses/${data.id}/files/${file.id}`} download>${file.name}</a></td><td>${file.format}</td><td>${formatBytes(file.size)}</td></tr>`,
            )}</tbody></table>`
          : null
      }
      ${analysis.error ? html`<${ErrorMessage} error=${analysis.error} />` : null}
    </section>`}
  <//>`;
}
