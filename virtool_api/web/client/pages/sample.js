// One sample: its metadata and files, quality charts, analyses, editing and rights. Each tab has its own
// address (/samples/{id}/quality, ...). While a runner creates the sample, its status and job progress update.

import { get, patch, post, remove } from "../api.js";
import { html, useState } from "../html.js";
import { useLive } from "../live.js";
import { navigate } from "../router.js";
import {
  ActionButton,
  Badge,
  CheckList,
  Empty,
  ErrorMessage,
  Field,
  formatBytes,
  formatDate,
  LabelChip,
  Progress,
  Resource,
  useResource,
} from "../ui.js";
import { QualityCharts } from "./charts.js";
import { currentStep } from "./jobs.js";

const TABS = [
  ["", "Overview"],
  ["quality", "Quality"],
  ["analyses", "Analyses"],
  ["edit", "Edit"],
  ["rights", "Rights"],
];
const CREATING = new Set(["awaiting_data", "importing"]);
const ACTIVE_JOB = new Set(["waiting", "preparing", "running"]);
const WORKFLOWS = [
  ["pathoscope_bowtie", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"],
];

export function JobProgress({ jobId }) {
  const job = useResource(`/jobs/${jobId}`);
  const active = !job.data || ACTIVE_JOB.has(job.data.state);
  useLive("jobs", jobId, () => job.reload(), active && !(job.error && job.error.status === 403));
  if (!job.data) return job.error && job.error.status !== 403 ? html`<${ErrorMessage} error=${job.error} />` : null;
  return html`<div class="job-progress" aria-live="polite">
    <a href=${`/jobs/${jobId}`}>Job ${jobId}</a> <${Badge} state=${job.data.state} />
    ${currentStep(job.data) ? html` <span class="muted">${currentStep(job.data).name}</span>` : null}
    <${Progress} value=${job.data.progress} label="job progress" />
  </div>`;
}

function Overview({ sample }) {
  const creating = CREATING.has(sample.status);
  return html`<div class="columns">
    <dl class="facts">
      <dt>Status</dt><dd><${Badge} state=${sample.status} /> ${sample.error_msg ? html`<span class="error-text">${sample.error_msg}</span>` : null}</dd>
      ${sample.job && (creating || sample.status === "failed_validation") ? html`<dt>Creation</dt><dd><${JobProgress} jobId=${sample.job.id} /></dd>` : null}
      <dt>Host</dt><dd>${sample.host || "—"}</dd>
      <dt>Isolate</dt><dd>${sample.isolate || "—"}</dd>
      <dt>Locale</dt><dd>${sample.locale || "—"}</dd>
      <dt>Library type</dt><dd>${sample.library_type} (${sample.paired ? "paired" : "unpaired"})</dd>
      <dt>Labels</dt><dd>${sample.labels.length ? sample.labels.map((label) => html`<${LabelChip} key=${label.id} label=${label} />`) : "—"}</dd>
      <dt>Visibility</dt><dd>${sample.visibility}</dd>
      <dt>Owner</dt><dd>${sample.owner.handle}</dd>
      <dt>Created</dt><dd>${formatDate(sample.created_at)}</dd>
      <dt>Notes</dt><dd class="notes">${sample.notes || "—"}</dd>
    </dl>
    <div>
      <h2>Read files</h2>
      ${
        sample.reads.length === 0
          ? html`<p class="muted">${creating ? "The reads arrive when the creation job has run." : "No reads stored."}</p>`
          : html`<table class="list"><thead><tr><th>File</th><th>Size</th><th>Stored</th></tr></thead><tbody>
            ${sample.reads.map(
              (file) => html`<tr key=${file.id}>
              <td><a href=${`/api/samples/${sample.id}/reads/${file.name}`} download>${file.name}</a></td>
              <td>${formatBytes(file.size)}</td><td>${formatDate(file.uploaded_at)}</td></tr>`,
            )}
          </tbody></table>`
      }
      ${
        sample.artifacts.length
          ? html`<h2>Artifacts</h2><table class="list"><tbody>${sample.artifacts.map(
              (file) => html`<tr key=${file.id}>
            <td><a href=${`/api/samples/${sample.id}/artifacts/${encodeURIComponent(file.name)}`} download>${file.name}</a></td>
            <td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`,
            )}</tbody></table>`
          : null
      }
      ${sample.quality ? html`<h2>Quality</h2><p>${sample.quality.count.toLocaleString()} reads, ${sample.quality.gc}% GC, length ${sample.quality.length[0]}–${sample.quality.length[1]}. <a href=${`/samples/${sample.id}/quality`}>Charts</a></p>` : null}
    </div>
  </div>`;
}

function StartAnalysis({ sample, onStarted }) {
  const references = useResource("/references", { per_page: 100 });
  const subtractions = useResource("/subtractions", { ready: true, per_page: 100 });
  const [workflow, setWorkflow] = useState(sample.library_type === "amplicon" ? "aodp" : "pathoscope_bowtie");
  const [refId, setRefId] = useState("");
  const [chosen, setChosen] = useState(sample.subtractions.map((item) => item.id));
  const usable = (references.data ? references.data.documents : []).filter((ref) => ref.latest_index);
  const reference = refId || usable[0]?.id || "";
  // Only ready subtractions can be used: they are picked by name (and nickname).
  const ready = (subtractions.data ? subtractions.data.documents : []).map((item) => ({
    id: item.id,
    name: item.nickname ? `${item.name} (${item.nickname})` : item.name,
  }));

  const start = async () => {
    const picked = chosen.filter((id) => ready.some((item) => item.id === id));
    const analysis = await post(`/samples/${sample.id}/analyses`, {
      workflow,
      ref_id: reference,
      subtractions: picked,
    });
    onStarted(analysis);
  };

  return html`<form class="card" onSubmit=${(e) => e.preventDefault()} aria-label="start an analysis">
    <h2>Start an analysis</h2>
    <div class="grid">
      <${Field} id="analysis-workflow" label="Workflow">
        <select id="analysis-workflow" value=${workflow} onChange=${(e) => setWorkflow(e.target.value)}>
          ${WORKFLOWS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      <//>
      <${Field} id="analysis-reference" label="Reference">
        <select id="analysis-reference" value=${reference} onChange=${(e) => setRefId(e.target.value)}>
          ${usable.length === 0 ? html`<option value="">No reference with a ready index</option>` : null}
          ${usable.map((ref) => html`<option value=${ref.id}>${ref.name} (index version ${ref.latest_index.version}, ${ref.otu_count} OTUs)</option>`)}
        </select>
      <//>
    </div>
    <h3 class="small-head">Subtractions</h3>
    <${CheckList} name="subtractions" options=${ready} selected=${chosen} onChange=${setChosen} empty="No ready subtraction" />
    <${ActionButton} className="primary" action=${start} disabled=${!sample.ready || !reference}>Start</${ActionButton}>
    ${!sample.ready ? html`<p class="muted">Analyses start once the sample is available.</p>` : null}
  </form>`;
}

export function AnalysesList({ sampleId, path = `/samples/${sampleId}/analyses` }) {
  const [page, _setPage] = useState(1);
  const analyses = useResource(path, { page, per_page: 25 });
  const running = analyses.data?.documents.some((analysis) => !analysis.ready);
  useLive("analyses", null, () => analyses.reload(), running);
  return html`<${Resource} resource=${analyses} what="analyses">
    ${(result) =>
      result.documents.length === 0
        ? html`<${Empty}>No analyses yet.<//>`
        : html`<table class="list analyses-table"><thead><tr><th>Analysis</th><th>Workflow</th><th>Reference</th><th>State</th><th>By</th><th>Created</th></tr></thead><tbody>
          ${result.documents.map(
            (analysis) => html`<tr key=${analysis.id}>
            <td><a href=${`/analyses/${analysis.id}`}>${analysis.id}</a></td>
            <td>${analysis.workflow}</td>
            <td>${analysis.reference.name} <span class="muted">v${analysis.index.version}</span></td>
            <td>${analysis.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</td>
            <td>${analysis.user.handle || analysis.user.id}</td>
            <td>${formatDate(analysis.created_at)}</td></tr>`,
          )}
        </tbody></table>`}
  <//>`;
}

function EditSample({ sample, onSaved }) {
  const labels = useResource("/labels");
  const tags = useResource("/tags");
  const projects = useResource("/projects");
  const tagId = (ref) => ref.$ref.split("/").pop();
  const projectId = sample.project ? sample.project.$ref.split("/").pop() : "";
  const initial = {
    name: sample.name,
    host: sample.host,
    isolate: sample.isolate,
    locale: sample.locale,
    notes: sample.notes,
    labels: sample.labels.map((label) => label.id),
    tags: sample.tags.map(tagId),
    visibility: sample.visibility,
    project: projectId,
  };
  const [form, setForm] = useState(initial);
  const [newTag, setNewTag] = useState("");
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });

  const save = async (event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    // Only what changed: the server checks each change (moving a sample into a project needs rights there).
    const changes = Object.fromEntries(
      Object.entries(form).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(initial[key])),
    );
    if ("project" in changes) changes.project = changes.project || null;
    try {
      onSaved(await patch(`/samples/${sample.id}`, changes));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };

  const addTag = async () => {
    try {
      const tag = await post("/tags", { name: newTag.trim() });
      await tags.reload();
      setForm({ ...form, tags: [...form.tags, tag.id] });
      setNewTag("");
    } catch (caught) {
      setError(caught);
    }
  };

  const visibilities = ["private", "shared", "public"];
  return html`<form class="card wide" onSubmit=${save} aria-label="edit sample">
    <div class="grid">
      <${Field} id="edit-name" label="Name"><input id="edit-name" required maxlength="256" value=${form.name} onInput=${set("name")} /><//>
      <${Field} id="edit-host" label="Host"><input id="edit-host" value=${form.host} onInput=${set("host")} /><//>
      <${Field} id="edit-isolate" label="Isolate"><input id="edit-isolate" value=${form.isolate} onInput=${set("isolate")} /><//>
      <${Field} id="edit-locale" label="Locale"><input id="edit-locale" value=${form.locale} onInput=${set("locale")} /><//>
      <${Field} id="edit-visibility" label="Visibility" hint="Shared: anyone with the link may read it; public: listed for everyone.">
        <select id="edit-visibility" value=${form.visibility} onChange=${set("visibility")}>
          ${visibilities.map((value) => html`<option value=${value}>${value}</option>`)}
          ${visibilities.includes(form.visibility) ? null : html`<option value=${form.visibility}>${form.visibility}</option>`}
        </select>
      <//>
      <${Field} id="edit-project" label="Project">
        <select id="edit-project" value=${form.project} onChange=${set("project")}>
          <option value="">None</option>
          ${(projects.data || []).map((project) => html`<option value=${project.id}>${project.name}</option>`)}
        </select>
      <//>
    </div>
    <${Field} id="edit-notes" label="Notes"><textarea id="edit-notes" rows="4" value=${form.notes} onInput=${set("notes")}></textarea><//>
    <div class="grid">
      <div><h2 class="small-head">Labels</h2><${CheckList} name="labels" options=${labels.data || []} selected=${form.labels} onChange=${(value) => setForm({ ...form, labels: value })} empty="No labels (administrators make them)" /></div>
      <div>
        <h2 class="small-head">Tags</h2>
        <${CheckList} name="tags" options=${tags.data || []} selected=${form.tags} onChange=${(value) => setForm({ ...form, tags: value })} empty="No tags yet" />
        <div class="inline-form">
          <label for="new-tag" class="sr-only">New tag</label>
          <input id="new-tag" placeholder="New tag" value=${newTag} onInput=${(e) => setNewTag(e.target.value)} />
          <button type="button" disabled=${!newTag.trim()} onClick=${addTag}>Add tag</button>
        </div>
      </div>
    </div>
    <${ErrorMessage} error=${error} />
    ${saved ? html`<p class="saved" role="status">Saved.</p>` : null}
    <button type="submit" class="primary">Save</button>
  </form>`;
}

function Rights({ sample, onSaved }) {
  const groups = useResource("/groups");
  const [form, setForm] = useState({
    group: sample.group || "",
    group_read: sample.group_read,
    group_write: sample.group_write,
    all_read: sample.all_read,
    all_write: sample.all_write,
  });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const flag = (key, text) =>
    html`<label class="inline"><input type="checkbox" id=${`rights-${key}`} checked=${form[key]} onChange=${(e) => setForm({ ...form, [key]: e.target.checked })} /> ${text}</label>`;
  const save = async (event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await patch(`/samples/${sample.id}/rights`, { ...form, group: form.group || null });
      onSaved(await get(`/samples/${sample.id}`));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="card" onSubmit=${save} aria-label="sample rights">
    <p class="muted">The owner (${sample.owner.handle}) and administrators may always read and change the sample; these settings grant others rights.</p>
    <${Field} id="rights-group" label="Group">
      <select id="rights-group" value=${form.group} onChange=${(e) => setForm({ ...form, group: e.target.value })}>
        <option value="">None</option>
        ${(groups.data || []).map((group) => html`<option value=${group.id}>${group.name}</option>`)}
      </select>
    <//>
    ${flag("group_read", "Group members may read")}
    ${flag("group_write", "Group members may change")}
    ${flag("all_read", "Everyone signed in may read")}
    ${flag("all_write", "Everyone signed in may change")}
    <${ErrorMessage} error=${error} />
    ${saved ? html`<p class="saved" role="status">Saved.</p>` : null}
    <button type="submit" class="primary">Save rights</button>
  </form>`;
}

export function SamplePage({ params }) {
  const sample = useResource(`/samples/${params.id}`);
  const tab = params.tab || "";
  useLive("samples", params.id, () => sample.reload());

  if (!TABS.some(([key]) => key === tab))
    return html`<p>No such tab. <a href=${`/samples/${params.id}`}>Back to the sample</a></p>`;

  return html`<${Resource} resource=${sample} what="the sample">
    ${(data) => html`<section>
      <div class="page-head">
        <h1>${data.name} <${Badge} state=${data.status} /></h1>
        <${ActionButton} className="danger" confirm=${`Remove the sample “${data.name}”, its analyses and files?`}
          action=${async () => {
            await remove(`/samples/${data.id}`);
            navigate("/samples");
          }}>Remove</${ActionButton}>
      </div>
      <nav class="tabs" aria-label="sample">
        ${TABS.map(([key, text]) => html`<a key=${key} href=${`/samples/${data.id}${key ? `/${key}` : ""}`} class=${tab === key ? "active" : ""} aria-current=${tab === key ? "page" : undefined}>${text}</a>`)}
      </nav>
      ${tab === "" ? html`<${Overview} sample=${data} />` : null}
      ${tab === "quality" ? (data.quality ? html`<${QualityCharts} quality=${data.quality} />` : html`<${Empty}>No quality data yet: the creation job measures it.<//>`) : null}
      ${tab === "analyses" ? html`<${AnalysesList} sampleId=${data.id} /><${StartAnalysis} sample=${data} onStarted=${(analysis) => navigate(`/analyses/${analysis.id}`)} />` : null}
      ${tab === "edit" ? html`<${EditSample} sample=${data} onSaved=${sample.setData} />` : null}
      ${tab === "rights" ? html`<${Rights} sample=${data} onSaved=${sample.setData} />` : null}
    </section>`}
  <//>`;
}
