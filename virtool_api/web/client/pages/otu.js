// One OTU of a reference: its isolates and their sequences (a sequence opens to show its bases).
import { html, useState } from "../html.js";
import { Badge, formatNumber, Resource, useResource } from "../ui.js";

function SequenceRow({ sequence }) {
  const [open, setOpen] = useState(false);
  return html`<tr>
    <td>${sequence.accession}</td>
    <td>${sequence.definition}${sequence.host ? html` <span class="muted">(host: ${sequence.host})</span>` : null}</td>
    <td>${sequence.segment || html`<span class="muted">—</span>`}</td>
    <td>${formatNumber(sequence.sequence.length)} nt</td>
    <td><button type="button" class="link" aria-expanded=${open} aria-label=${`${open ? "Hide" : "Show"} sequence ${sequence.accession}`} onClick=${() => setOpen(!open)}>${open ? "Hide" : "Show"}</button></td>
  </tr>
  ${open ? html`<tr class="detail"><td colspan="5"><pre class="sequence" tabindex="0">${sequence.sequence}</pre></td></tr>` : null}`;
}

function Isolate({ isolate }) {
  const name =
    `${isolate.source_type ? `${isolate.source_type[0].toUpperCase()}${isolate.source_type.slice(1)} ` : ""}${isolate.source_name}`.trim() ||
    "Unnamed isolate";
  return html`<article class="card isolate">
    <h3>${name} ${isolate.default ? html`<${Badge} state="ready">default<//>` : null}</h3>
    <table class="list sequences"><thead><tr><th>Accession</th><th>Definition</th><th>Segment</th><th>Length</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${isolate.sequences.map((sequence) => html`<${SequenceRow} key=${sequence.id} sequence=${sequence} />`)}</tbody></table>
  </article>`;
}

export function OtuPage({ params }) {
  const otu = useResource(`/otus/${params.id}`);
  const referenceId = otu.data ? otu.data.reference.id : null;
  const reference = useResource(referenceId ? `/references/${referenceId}` : null);
  return html`<${Resource} resource=${otu} what="the OTU">
    ${(data) => {
      const sequences = data.isolates.reduce((total, isolate) => total + isolate.sequences.length, 0);
      return html`<section>
        <h1>${data.name}${data.abbreviation ? html` <span class="muted">(${data.abbreviation})</span>` : null}</h1>
        <dl class="facts">
          <dt>Reference</dt><dd><a href=${`/references/${data.reference.id}`}>${reference.data ? reference.data.name : data.reference.name || "the reference"}</a></dd>
          <dt>Version</dt><dd>${data.version}</dd>
          <dt>Isolates</dt><dd>${data.isolates.length}, with ${sequences} sequence${sequences === 1 ? "" : "s"}</dd>
          ${data.schema?.length ? html`<dt>Segments</dt><dd>${data.schema.map((segment) => `${segment.name}${segment.molecule ? ` (${segment.molecule})` : ""}`).join(", ")}</dd>` : null}
        </dl>
        <h2>Isolates</h2>
        ${data.isolates.map((isolate) => html`<${Isolate} key=${isolate.id} isolate=${isolate} />`)}
      </section>`;
    }}
  <//>`;
}
