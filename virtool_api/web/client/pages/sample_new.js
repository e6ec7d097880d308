// Creating a sample: upload reads (a progress bar per file), pick one or two uploads, describe the sample.

import { ApiError, post, remove, upload } from "../api.js";
import { html, useRef, useState } from "../html.js";
import { navigate } from "../router.js";
import { CheckList, ErrorMessage, Field, formatBytes, formatDate, Progress, Resource, useResource } from "../ui.js";

const LIBRARY_TYPES = [
  ["normal", "Normal"],
  ["srna", "sRNA"],
  ["amplicon", "Amplicon"],
  ["other", "Other"],
];

/** One file on its way up: a progress bar, the bytes sent, and a way to cancel. */
function UploadRow({ item, onCancel }) {
  const percent = item.total ? (100 * item.loaded) / item.total : 0;
  return html`<li class="upload-row">
    <span class="name">${item.name}</span>
    ${
      item.error
        ? html`<${ErrorMessage} error=${item.error} title=${`Upload of ${item.name} failed`} />`
        : html`<${Progress} value=${percent} label=${`Uploading ${item.name}`} />
             <span class="muted">${formatBytes(item.loaded)} of ${formatBytes(item.total)}</span>
             <button type="button" onClick=${onCancel}>Cancel</button>`
    }
  </li>`;
}

/** File inputs that upload as soon as files are chosen, one progress bar each. `type` is the upload type. */
export function Uploader({ onUploaded, type = "reads", label, accept = ".gz,application/gzip", multiple = true }) {
  const inputId = `${type}-file`;
  const [items, setItems] = useState([]);
  const input = useRef(null);
  const update = (id, change) => setItems((all) => all.map((item) => (item.id === id ? { ...item, ...change } : item)));

  const start = () => {
    for (const file of input.current.files) {
      const id = `${file.name}-${Date.now()}-${Math.random()}`;
      const path = `/uploads?name=${encodeURIComponent(file.name)}&type=${type}`;
      const sending = upload(path, file, (loaded, total) => update(id, { loaded, total }));
      setItems((all) => [...all, { id, name: file.name, loaded: 0, total: file.size, abort: sending.abort }]);
      sending.promise.then(
        (created) => {
          setItems((all) => all.filter((item) => item.id !== id));
          onUploaded(created);
        },
        (error) => update(id, { error }),
      );
    }
    input.current.value = "";
  };

  return html`<div class="uploader">
    <${Field} id=${inputId} label=${label || "Reads files (FASTQ, gzip-compressed: .fq.gz or .fastq.gz)"}>
      <input id=${inputId} type="file" multiple=${multiple} accept=${accept} ref=${input} onChange=${start} />
    <//>
    ${items.length ? html`<ul class="uploads-in-flight">${items.map((item) => html`<${UploadRow} key=${item.id} item=${item} onCancel=${() => item.abort()} />`)}</ul>` : null}
  </div>`;
}

export function NewSamplePage() {
  const uploads = useResource("/uploads", { type: "reads", per_page: 100 });
  const labels = useResource("/labels");
  const subtractions = useResource("/subtractions", { per_page: 100 });
  const projects = useResource("/projects");
  const groups = useResource("/groups");
  const [form, setForm] = useState({
    name: "",
    host: "",
    isolate: "",
    locale: "",
    library_type: "normal",
    notes: "",
    labels: [],
    subtractions: [],
    project: "",
    group: "",
    visibility: "private",
    files: [],
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });

  const toggleFile = (id) => {
    const files = form.files.includes(id) ? form.files.filter((file) => file !== id) : [...form.files, id].slice(-2);
    setForm({ ...form, files });
  };

  const submit = async (event) => {
    event.preventDefault();
    if (form.files.length === 0) {
      setError(
        new ApiError(400, { message: "Pick one upload (single-end reads) or two (paired-end) for the sample." }),
      );
      return;
    }
    setBusy(true);
    setError(null);
    const body = { ...form, project: form.project || null, group: form.group || null };
    if (!body.project) delete body.project;
    if (!body.group) delete body.group;
    try {
      const sample = await post("/samples", body);
      navigate(`/samples/${sample.id}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const free = (uploads.data ? uploads.data.documents : []).filter((item) => !item.reserved);

  return html`<section>
    <h1>New sample</h1>
    <form class="card wide" onSubmit=${submit} aria-label="new sample">
      <fieldset>
        <legend>1. Reads</legend>
        <${Uploader} onUploaded=${() => uploads.reload()} />
        <${Resource} resource=${uploads} what="uploads">
          ${() =>
            free.length === 0
              ? html`<p class="muted">No unused uploads yet: upload a reads file above.</p>`
              : html`<table class="list uploads-table">
                <caption>Pick one upload (single-end) or two (paired-end)</caption>
                <thead><tr><th scope="col">Use</th><th scope="col">File</th><th scope="col">Size</th><th scope="col">Uploaded</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>${free.map(
                  (item) => html`<tr key=${item.id}>
                  <td><input type="checkbox" id=${`upload-${item.id}`} aria-label=${`Use ${item.name}`} checked=${form.files.includes(item.id)} onChange=${() => toggleFile(item.id)} /></td>
                  <td><label for=${`upload-${item.id}`}>${item.name}</label></td>
                  <td>${formatBytes(item.size)}</td>
                  <td>${formatDate(item.created_at)}</td>
                  <td><button type="button" class="link" onClick=${async () => {
                    await remove(`/uploads/${item.id}`);
                    uploads.reload();
                  }}>Remove</button></td>
                </tr>`,
                )}</tbody>
              </table>`}
        <//>
      </fieldset>
      <fieldset>
        <legend>2. The sample</legend>
        <div class="grid">
          <${Field} id="sample-name" label="Name"><input id="sample-name" required maxlength="256" value=${form.name} onInput=${set("name")} /><//>
          <${Field} id="sample-host" label="Host"><input id="sample-host" value=${form.host} onInput=${set("host")} /><//>
          <${Field} id="sample-isolate" label="Isolate"><input id="sample-isolate" value=${form.isolate} onInput=${set("isolate")} /><//>
          <${Field} id="sample-locale" label="Locale"><input id="sample-locale" value=${form.locale} onInput=${set("locale")} /><//>
          <${Field} id="sample-library" label="Library type">
            <select id="sample-library" value=${form.library_type} onChange=${set("library_type")}>
              ${LIBRARY_TYPES.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
            </select>
          <//>
          <${Field} id="sample-visibility" label="Visibility">
            <select id="sample-visibility" value=${form.visibility} onChange=${set("visibility")}>
              <option value="private">Private</option><option value="shared">Shared (anyone with the link)</option><option value="public">Public</option>
            </select>
          <//>
          <${Field} id="sample-project" label="Project">
            <select id="sample-project" value=${form.project} onChange=${set("project")}>
              <option value="">None</option>
              ${(projects.data || []).map((project) => html`<option value=${project.id}>${project.name}</option>`)}
            </select>
          <//>
          <${Field} id="sample-group" label="Group">
            <select id="sample-group" value=${form.group} onChange=${set("group")}>
              <option value="">None</option>
              ${(groups.data || []).map((group) => html`<option value=${group.id}>${group.name}</option>`)}
            </select>
          <//>
        </div>
        <${Field} id="sample-notes" label="Notes"><textarea id="sample-notes" rows="3" value=${form.notes} onInput=${set("notes")}></textarea><//>
        <div class="grid">
          <div><h2 class="small-head">Labels</h2><${CheckList} name="labels" options=${labels.data || []} selected=${form.labels} onChange=${(value) => setForm({ ...form, labels: value })} /></div>
          <div><h2 class="small-head">Default subtractions</h2><${CheckList} name="subtractions" options=${subtractions.data ? subtractions.data.documents : []} selected=${form.subtractions} onChange=${(value) => setForm({ ...form, subtractions: value })} /></div>
        </div>
      </fieldset>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Creating…" : "Create sample"}</button>
    </form>
  </section>`;
}
