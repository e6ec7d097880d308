// HMM clusters that NuVs annotates ORFs with: whether they are installed (and how an operator installs them),
// the clusters searched by name and paged by the server, and one cluster with its entries.

import { put } from "../api.js";
import { html, useEffect, useState } from "../html.js";
import { setQuery, useLocation } from "../router.js";
import { Badge, Empty, ErrorMessage, Field, formatNumber, Pager, Resource, useResource } from "../ui.js";
import { Uploader } from "./sample_new.js";

const top = (counts, n = 3) =>
  Object.entries(counts || {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);

/** Administrators: upload the annotations and the profiles (type `hmm`), then install them. */
function InstallHmms({ onInstalled }) {
  const uploads = useResource("/uploads", { type: "hmm", per_page: 100 });
  const files = uploads.data ? uploads.data.documents : [];
  const [picked, setPicked] = useState({});
  const [error, setError] = useState(null);
  const guess = (test) => String((files.find((file) => test(file.name)) || files[0])?.id || "");
  const annotations = picked.annotations || guess((name) => /\.json(\.gz)?$/.test(name));
  const profiles = picked.profiles || guess((name) => /\.hmm$/.test(name));
  const install = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      onInstalled(await put("/hmms", { annotations: Number(annotations), profiles: Number(profiles) }));
    } catch (caught) {
      setError(caught);
    }
  };
  const choice = (key, label) => html`<${Field} id=${`hmm-${key}`} label=${label}>
    <select id=${`hmm-${key}`} value=${key === "annotations" ? annotations : profiles} onChange=${(e) => setPicked({ ...picked, [key]: e.target.value })}>
      ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name}</option>`)}
    </select><//>`;
  return html`<form class="card" onSubmit=${install} aria-label="install HMMs">
    <h2>Install from uploads</h2>
    <${Uploader} type="hmm" label="HMM files (annotations.json.gz and profiles.hmm)" accept=".gz,.json,.hmm" onUploaded=${() => uploads.reload()} />
    ${files.length ? html`<div class="grid">${choice("annotations", "Annotations")}${choice("profiles", "Profiles (HMMER3)")}</div>` : null}
    <${ErrorMessage} error=${error} title="Nothing was installed" />
    <button type="submit" class="primary" disabled=${!files.length}>Install</button>
  </form>`;
}

function HowToInstall({ account, onInstalled }) {
  return html`<div class="hmm-missing">
    <${Empty}>No HMM data is installed on this server, so NuVs analyses cannot annotate their ORFs yet.<//>
    <h2>Where HMM data comes from</h2>
    <p>${"Virtool's HMM data are profiles of viral protein families (built from vFam) with their annotations, published as "}<code>annotations.json.gz</code>${" and "}<code>profiles.hmm</code>${" in the releases of Virtool's "}<code>virtool-hmm</code>${" repository on GitHub. This server does not download them itself: fetch both files where the internet is reachable and install them here."}</p>
    <h2>How to install them</h2>
    <p>An operator installs Virtool's HMM annotations (<code>annotations.json.gz</code>) and the matching HMMER3
      profiles (<code>profiles.hmm</code>) on the server, with the same storage options as <code>serve</code>:</p>
    <pre class="json" id="hmm-install-command">virtool-api hmms install annotations.json.gz profiles.hmm</pre>
    <p>${account.administrator ? "Or upload both files here and install them:" : "Administrators may also upload both files and install them from this page."}</p>
    ${account.administrator ? html`<${InstallHmms} onInstalled=${onInstalled} />` : null}
  </div>`;
}

export function HmmsPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = useState(query.find || "");
  const hmms = useResource("/hmms", { find: query.find, page, per_page: 25 });

  useEffect(() => {
    if ((query.find || "") === find) return undefined;
    const timer = setTimeout(() => setQuery({ find, page: undefined }), 300);
    return () => clearTimeout(timer);
  }, [find]);

  return html`<section>
    <h1>HMMs</h1>
    <${Resource} resource=${hmms} what="HMMs">
      ${(result) =>
        !result.status.installed
          ? html`<${HowToInstall} account=${account} onInstalled=${() => hmms.reload()} />`
          : html`
        <p class="muted" id="hmm-status"><${Badge} state="ready">installed<//> ${formatNumber(result.status.cluster_count)} clusters, ${formatNumber(result.status.profile_count)} profiles</p>
        <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
          <label for="hmm-find">Search
            <input id="hmm-find" type="search" placeholder="Protein name" value=${find} onInput=${(e) => setFind(e.target.value)} />
          </label>
        </form>
        <p class="muted" aria-live="polite" id="hmm-count">${result.found_count === result.total_count ? `${formatNumber(result.total_count)} clusters` : `${formatNumber(result.found_count)} of ${formatNumber(result.total_count)} clusters match`}</p>
        ${
          result.documents.length === 0
            ? html`<${Empty}>No cluster matches the search.<//>`
            : html`<table class="list hmms-table">
          <thead><tr><th>Cluster</th><th>Names</th><th>Families</th><th>Proteins</th></tr></thead>
          <tbody>${result.documents.map(
            (hmm) => html`<tr key=${hmm.id}>
            <td><a href=${`/hmms/${hmm.id}`}>${hmm.cluster}</a></td><td>${hmm.names.join(", ")}</td>
            <td>${top(hmm.families)
              .map(([name]) => name)
              .join(", ")}</td><td>${formatNumber(hmm.count)}</td></tr>`,
          )}
          </tbody></table>`
        }
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="HMM pages" />`}
    <//>
  </section>`;
}

export function HmmPage({ params }) {
  const hmm = useResource(`/hmms/${params.id}`);
  const counts = (values) =>
    top(values, 10)
      .map(([name, count]) => `${name} (${count})`)
      .join(", ") || "—";
  return html`<${Resource} resource=${hmm} what="the HMM">
    ${(data) => html`<section>
      <h1>Cluster ${data.cluster}: ${data.names.join(", ")}</h1>
      <p><a href="/hmms">All HMMs</a></p>
      <dl class="facts">
        <dt>Proteins</dt><dd>${formatNumber(data.count)}</dd>
        <dt>Length</dt><dd>${formatNumber(data.length)}</dd>
        <dt>Entropy</dt><dd>mean ${formatNumber(data.mean_entropy, 2)}, total ${formatNumber(data.total_entropy, 1)}</dd>
        <dt>Families</dt><dd>${counts(data.families)}</dd>
        <dt>Genera</dt><dd>${counts(data.genera)}</dd>
      </dl>
      <h2>Entries</h2>
      <table class="list hmm-entries"><thead><tr><th>Accession</th><th>Name</th><th>Organism</th></tr></thead><tbody>
        ${data.entries.map((entry) => html`<tr key=${entry.accession}><td>${entry.accession}</td><td>${entry.name}</td><td>${entry.organism}</td></tr>`)}
      </tbody></table>
      <${ErrorMessage} error=${hmm.error} />
    </section>`}
  <//>`;
}
