// Jobs that wait with no runner to take them, said plainly with how to start one (GET /api/runners: the
// runners alive, and per workflow how many take it and how many jobs wait). Runners report every 10 s, so
// whether one is alive is read again every 30 s, and when a job changes.
import { html } from "../html.js";
import { useLive } from "../live.js";
import { formatDate, usePoll, useResource } from "../ui.js";

const NAMES = {
  create_sample: "create-sample",
  build_index: "build-index",
  create_subtraction: "create-subtraction",
  pathoscope_bowtie: "Pathoscope",
  nuvs: "NuVs",
  aodp: "AODP",
};

export function RunnerHint() {
  const status = useResource("/runners");
  useLive("jobs", null, () => status.reload());
  usePoll(() => status.reload(), 30000, true);
  if (!status.data) return null;
  const stuck = Object.entries(status.data.workflows).filter(([, item]) => item.waiting > 0 && item.runners === 0);
  if (stuck.length === 0) return null;
  return html`<div class="notice" role="status" id="runner-hint">
    ${stuck.map(([workflow, item]) => {
      const name = NAMES[workflow] || workflow;
      return html`<p key=${workflow}><strong>${item.waiting} ${name} job${item.waiting === 1 ? "" : "s"} waiting</strong> (the oldest since ${formatDate(item.oldest_waiting_at)}), and no runner takes ${name} jobs${item.refused.length ? `: the runners here cannot (${item.refused.join("; ")})` : ""}.</p>`;
    })}
    <p>${"Start a runner where the workflows' tools are installed, pointed at this server's job API: "}<code>.venv/bin/virtool-api runner --jobs-url http://localhost:9990/api</code>${" ("}<code>virtool-api serve</code>${" starts one beside the job API unless it was given "}<code>--redis-url</code>${" or "}<code>--no-runner</code>).</p>
  </div>`;
}
