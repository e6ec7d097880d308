// Starting the same analysis on several samples at once (Virtool's "quick analyze"): one request per sample,
// so each sample's refusal (not ready, an incompatible library) is said next to its name.
import { messageOf, post } from "../api.js";
import { html, useState } from "../html.js";
import { ActionButton, CheckList, Field, useResource } from "../ui.js";

export const WORKFLOWS = [
  ["pathoscope_bowtie", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"],
];

/** The references with a ready index and the ready subtractions an analysis may use. */
export function useAnalysisChoices() {
  const references = useResource("/references", { per_page: 100 });
  const subtractions = useResource("/subtractions", { ready: true, per_page: 100 });
  const usable = (references.data ? references.data.documents : []).filter((ref) => ref.latest_index);
  const ready = (subtractions.data ? subtractions.data.documents : []).map((item) => ({
    id: item.id,
    name: item.nickname ? `${item.name} (${item.nickname})` : item.name,
  }));
  return { usable, ready };
}

export function QuickAnalyze({ samples, onDone }) {
  const { usable, ready } = useAnalysisChoices();
  const [workflow, setWorkflow] = useState("pathoscope_bowtie");
  const [refId, setRefId] = useState("");
  const [chosen, setChosen] = useState([]);
  const [outcome, setOutcome] = useState(null);
  const reference = refId || usable[0]?.id || "";

  const start = async () => {
    const started = [];
    const refused = [];
    for (const sample of samples) {
      try {
        await post(`/samples/${sample.id}/analyses`, { workflow, ref_id: reference, subtractions: chosen });
        started.push(sample);
      } catch (error) {
        refused.push({ sample, message: messageOf(error) });
      }
    }
    setOutcome({ started, refused });
    onDone(started);
  };

  return html`<form class="card quick-analyze" aria-label="analyze the selected samples" onSubmit=${(event) => event.preventDefault()}>
    <h2>Analyze ${samples.length} selected sample${samples.length === 1 ? "" : "s"}</h2>
    <div class="grid">
      <${Field} id="quick-workflow" label="Workflow">
        <select id="quick-workflow" value=${workflow} onChange=${(event) => setWorkflow(event.target.value)}>
          ${WORKFLOWS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      <//>
      <${Field} id="quick-reference" label="Reference">
        <select id="quick-reference" value=${reference} onChange=${(event) => setRefId(event.target.value)}>
          ${usable.length === 0 ? html`<option value="">No reference with a ready index</option>` : null}
          ${usable.map((ref) => html`<option value=${ref.id}>${ref.name} (index version ${ref.latest_index.version})</option>`)}
        </select>
      <//>
    </div>
    <h3 class="small-head">Subtractions</h3>
    <${CheckList} name="subtractions for the selected samples" options=${ready} selected=${chosen} onChange=${setChosen} empty="No ready subtraction" />
    <${ActionButton} className="primary" action=${start} disabled=${!reference || samples.length === 0}>Start ${samples.length} analys${samples.length === 1 ? "is" : "es"}</${ActionButton}>
    ${
      outcome
        ? html`<div class="quick-outcome" role="status">
      <p>${outcome.started.length} analys${outcome.started.length === 1 ? "is" : "es"} started.</p>
      ${outcome.refused.length ? html`<ul class="error-text">${outcome.refused.map(({ sample, message }) => html`<li key=${sample.id}>${sample.name}: ${message}</li>`)}</ul>` : null}
    </div>`
        : null
    }
  </form>`;
}
