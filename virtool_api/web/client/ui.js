// Small shared pieces: loading data, errors, paging, badges, forms and formatting.

import { get, messageOf } from "./api.js";
import { html, useCallback, useEffect, useRef, useState } from "./html.js";

/** GET a path (re-fetched when it or the query changes); `reload()` fetches again, keeping what is shown. */
export function useResource(path, query) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const key = path === null ? null : path + JSON.stringify(query || {});
  const latest = useRef(key);
  const load = useCallback(async () => {
    if (key === null) return;
    latest.current = key;
    try {
      const data = await get(path, query);
      if (latest.current === key) setState({ data, error: null, loading: false });
    } catch (error) {
      if (latest.current === key) setState((old) => ({ data: old.data, error, loading: false }));
    }
  }, [key]);
  useEffect(() => {
    setState((old) => ({ ...old, loading: true }));
    load();
  }, [load]);
  return { ...state, reload: load, setData: (data) => setState({ data, error: null, loading: false }) };
}

/** Call `tick` every `interval` ms while `active`, and stop when the component goes away. */
export function usePoll(tick, interval, active) {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => saved.current(), interval);
    return () => clearInterval(timer);
  }, [active, interval]);
}

export function ErrorMessage({ error, title }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${title ? html`<strong>${title}: </strong>` : null}${messageOf(error)}</div>`;
}

export function Loading({ what = "" }) {
  return html`<p class="loading" aria-live="polite">Loading${what ? ` ${what}` : ""}…</p>`;
}

/** Show a resource: loading, an error, or `children(data)`. */
export function Resource({ resource, what, children }) {
  if (resource.data === null && resource.error) return html`<${ErrorMessage} error=${resource.error} />`;
  if (resource.data === null) return html`<${Loading} what=${what} />`;
  return html`${resource.error ? html`<${ErrorMessage} error=${resource.error} />` : null}${children(resource.data)}`;
}

export function Pager({ page, pageCount, onPage, label = "pages" }) {
  if (!pageCount || pageCount <= 1) return null;
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(1)}>« First</button>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>‹ Previous</button>
    <span>Page ${page} of ${pageCount}</span>
    <button type="button" disabled=${page >= pageCount} onClick=${() => onPage(page + 1)}>Next ›</button>
    <button type="button" disabled=${page >= pageCount} onClick=${() => onPage(pageCount)}>Last »</button>
  </nav>`;
}

const STATE_CLASSES = {
  complete: "ok",
  available: "ok",
  ready: "ok",
  running: "busy",
  preparing: "busy",
  importing: "busy",
  waiting: "wait",
  awaiting_data: "wait",
  pending: "busy",
  error: "bad",
  failed_validation: "bad",
  cancelled: "bad",
  terminated: "bad",
  timeout: "bad",
};

export function Badge({ state, children }) {
  return html`<span class=${`badge ${STATE_CLASSES[state] || ""}`}>${children || String(state).replace(/_/g, " ")}</span>`;
}

export function Progress({ value, label }) {
  const percent = Math.max(0, Math.min(100, Math.round(value || 0)));
  return html`<span class="progress-wrap"><progress max="100" value=${percent} aria-label=${label || "progress"}>${percent}%</progress> <span class="progress-text">${percent}%</span></span>`;
}

export function LabelChip({ label }) {
  return html`<span class="label-chip" style=${{ borderColor: label.color }}><span class="dot" style=${{ background: label.color }}></span>${label.name}</span>`;
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDate(text) {
  if (!text) return "—";
  const date = new Date(text);
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A labelled form field; `children` is the control, whose id must be `id`. */
export function Field({ id, label, hint, children }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}${hint ? html`<small class="hint">${hint}</small>` : null}</div>`;
}

/** A button that runs an async action, shows that it is busy and reports its error next to it. */
export function ActionButton({ action, children, className = "", confirm: question, disabled, ...rest }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action"><button type="button" class=${className} disabled=${busy || disabled} onClick=${run} ...${rest}>${busy ? "Working…" : children}</button>${error ? html`<${ErrorMessage} error=${error} />` : null}</span>`;
}

/** Multiple choice as a group of checkboxes (keyboard friendly, unlike a <select multiple>). */
export function CheckList({ name, options, selected, onChange, empty = "None available" }) {
  if (!options.length) return html`<p class="muted">${empty}</p>`;
  const toggle = (id) => onChange(selected.includes(id) ? selected.filter((item) => item !== id) : [...selected, id]);
  return html`<div class="checklist" role="group" aria-label=${name}>
    ${options.map((option) => html`<label key=${option.id}><input type="checkbox" checked=${selected.includes(option.id)} onChange=${() => toggle(option.id)} /> ${option.name}</label>`)}
  </div>`;
}

/** Copy text to the clipboard, falling back to selecting it. */
export function CopyButton({ text }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
    } catch {
      setDone(false);
    }
  };
  return html`<button type="button" onClick=${copy}>${done ? "Copied" : "Copy"}</button>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}
