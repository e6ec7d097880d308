// One analysis: its state while a runner works, then its result (pathoscope.js: OTUs with their isolates and
// sequences; nuvs.js: contigs with their ORFs, HMM hits and BLAST) and its result files.
import { remove } from "../api.js";
import { html } from "../html.js";
import { useLive } from "../live.js";
import { navigate } from "../router.js";
import { ActionButton, Badge, Empty, ErrorMessage, formatBytes, formatDate, Resource, useResource } from "../ui.js";
import { Nuvs } from "./nuvs.js";
import { Pathoscope } from "./pathoscope.js";
import { JobProgress } from "./sample.js";

function Results({ analysis }) {
  // Pathoscope and NuVs read their report (sorted, filtered, named: the exports' rows); others are JSON.
  if (analysis.workflow === "pathoscope_bowtie") return html`<${Pathoscope} analysis=${analysis} />`;
  if (analysis.workflow === "nuvs") return html`<${Nuvs} analysis=${analysis} />`;
  if (!analysis.results) return html`<${Empty}>No results.<//>`;
  return html`<pre class="json" tabindex="0">${JSON.stringify(analysis.results, null, 2)}</pre>`;
}

export function AnalysisPage({ params }) {
  const analysis = useResource(`/analyses/${params.id}`);
  useLive("analyses", params.id, () => analysis.reload(), analysis.data && !analysis.data.ready);
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
      ${data.ready ? html`<h2>Result</h2><${Results} analysis=${data} />` : html`<p class="muted">The result appears here when the workflow finishes.</p>`}
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
