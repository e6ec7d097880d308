// HMM profiles that NuVs annotates ORFs with.
import { html } from "../html.js";
import { Empty, ErrorMessage, Resource, useResource } from "../ui.js";

export function HmmsPage({ params }) {
  const hmms = useResource(params.id ? `/hmms/${params.id}` : "/hmms");
  if (hmms.error && (hmms.error.status === 404 || hmms.error.status === 405) && !params.id) {
    return html`<section><h1>HMMs</h1><${Empty}>No HMM data is installed on this server.<//></section>`;
  }
  return html`<section><h1>HMMs</h1>
    <${Resource} resource=${hmms} what="HMMs">
      ${(data) => html`<pre class="json">${JSON.stringify(data, null, 2)}</pre>`}
    <//>
    ${hmms.error ? html`<${ErrorMessage} error=${hmms.error} />` : null}
  </section>`;
}
