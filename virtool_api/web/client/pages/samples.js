// The samples the caller may list, paged by the server (so 1,000s of samples cost one page of rows).
// Search, filters and the page live in the address: a reload or a shared link shows the same list.

import { html, useEffect, useState } from "../html.js";
import { useLive } from "../live.js";
import { setQuery, useLocation } from "../router.js";
import { Badge, Empty, formatDate, LabelChip, Pager, Resource, useResource } from "../ui.js";
import { QuickAnalyze } from "./analyze.js";

const PER_PAGE = 25;
const ANALYSIS_STATES = [
  ["pathoscope", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"],
];

/** Each workflow's state at a glance: done (ok) or running (busy); nothing for none or incompatible. */
function WorkflowStates({ workflows }) {
  const shown = ANALYSIS_STATES.filter(([key]) => ["complete", "pending"].includes(workflows?.[key]));
  if (shown.length === 0) return html`<span class="muted">none</span>`;
  return shown.map(
    ([key, name]) =>
      html`<${Badge} key=${key} state=${workflows[key] === "complete" ? "complete" : "running"}>${name}${workflows[key] === "pending" ? " running" : ""}<//> `,
  );
}
const VISIBILITIES = ["private", "shared", "public"];
const STATUSES = ["awaiting_data", "importing", "available", "failed_validation"];

function FilterSelect({ id, label, value, options, onChange }) {
  return html`<label for=${id}>${label}
    <select id=${id} value=${value || ""} onChange=${(e) => onChange(e.target.value)}>
      <option value="">Any</option>
      ${options.map((option) => html`<option value=${option.id}>${option.name}</option>`)}
    </select>
  </label>`;
}

export function SamplesPage() {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = useState(query.find || "");
  const labels = useResource("/labels");
  const tags = useResource("/tags");
  const projects = useResource("/projects");
  const samples = useResource("/samples", { ...query, page, per_page: PER_PAGE });
  const [selected, setSelected] = useState(() => new Map());
  const toggle = (sample) => {
    const next = new Map(selected);
    if (next.has(sample.id)) next.delete(sample.id);
    else next.set(sample.id, sample);
    setSelected(next);
  };
  const selectPage = (documents, checked) => {
    const next = new Map(selected);
    for (const sample of documents) {
      if (checked) next.set(sample.id, sample);
      else next.delete(sample.id);
    }
    setSelected(next);
  };
  useLive("samples", null, () => samples.reload());

  // Search as the person types, a moment after they stop; the address keeps the search.
  useEffect(() => {
    if ((query.find || "") === find) return undefined;
    const timer = setTimeout(() => setQuery({ ...query, find, page: undefined }), 300);
    return () => clearTimeout(timer);
  }, [find]);

  const filter = (key) => (value) => setQuery({ ...query, [key]: value, page: undefined });
  const named = (resource) => (resource.data || []).map((item) => ({ id: item.id, name: item.name }));

  return html`<section>
    <div class="page-head">
      <h1>Samples</h1>
      <a class="button primary" href="/samples/new">New sample</a>
    </div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <label for="sample-find">Search
        <input id="sample-find" type="search" placeholder="Name" value=${find} onInput=${(e) => setFind(e.target.value)} />
      </label>
      <${FilterSelect} id="filter-label" label="Label" value=${query.label} options=${named(labels)} onChange=${filter("label")} />
      <${FilterSelect} id="filter-tag" label="Tag" value=${query.tag} options=${named(tags)} onChange=${filter("tag")} />
      <${FilterSelect} id="filter-project" label="Project" value=${query.project} options=${named(projects)} onChange=${filter("project")} />
      <${FilterSelect} id="filter-visibility" label="Visibility" value=${query.visibility}
        options=${VISIBILITIES.map((v) => ({ id: v, name: v }))} onChange=${filter("visibility")} />
      <${FilterSelect} id="filter-status" label="Status" value=${query.status}
        options=${STATUSES.map((s) => ({ id: s, name: s.replace(/_/g, " ") }))} onChange=${filter("status")} />
    </form>
    ${selected.size ? html`<${QuickAnalyze} samples=${[...selected.values()]} onDone=${() => samples.reload()} />` : null}
    <${Resource} resource=${samples} what="samples">
      ${(result) => html`
        <p class="muted" aria-live="polite" id="sample-count">
          ${
            result.found_count === result.total_count
              ? `${result.total_count} samples`
              : `${result.found_count} of ${result.total_count} samples match`
          }
        </p>
        ${
          result.documents.length === 0
            ? html`<${Empty}>No samples here yet. <a href="/samples/new">Create one</a> from uploaded reads.<//>`
            : html`<table class="list samples-table">
              <thead><tr><th scope="col"><input type="checkbox" id="select-page" aria-label="Select every sample on this page" checked=${result.documents.every((sample) => selected.has(sample.id))} onChange=${(event) => selectPage(result.documents, event.target.checked)} /></th>
                <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Analyses</th><th scope="col">Library</th><th scope="col">Labels</th><th scope="col">Visibility</th><th scope="col">Owner</th><th scope="col">Created</th></tr></thead>
              <tbody>
                ${result.documents.map(
                  (sample) => html`<tr key=${sample.id}>
                  <td><input type="checkbox" class="select-sample" aria-label=${`Select ${sample.name}`} checked=${selected.has(sample.id)} onChange=${() => toggle(sample)} /></td>
                  <td><a href=${`/samples/${sample.id}`}>${sample.name}</a>${sample.host ? html` <span class="muted">${sample.host}</span>` : null}</td>
                  <td><${Badge} state=${sample.status} /></td>
                  <td class="workflow-states"><${WorkflowStates} workflows=${sample.workflows} /></td>
                  <td>${sample.library_type}</td>
                  <td>${sample.labels.map((label) => html`<${LabelChip} key=${label.id} label=${label} />`)}</td>
                  <td>${sample.visibility}</td>
                  <td>${sample.owner.handle}</td>
                  <td>${formatDate(sample.created_at)}</td>
                </tr>`,
                )}
              </tbody>
            </table>`
        }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="sample pages" />
      `}
    <//>
  </section>`;
}
