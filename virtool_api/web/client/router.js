// Client-side routes on the History API: links are real <a href>s (open in a new tab, copy, reload all work),
// and the server answers every client route with the same page, so a deep link survives a reload.
import { useEffect, useState } from "./html.js";

const listeners = new Set();

function notify() {
  for (const listener of listeners) listener(location.pathname + location.search);
}

window.addEventListener("popstate", notify);

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
  if (!replace) window.scrollTo(0, 0);
}

/** The current path and query, re-rendering the caller whenever they change. */
export function useLocation() {
  const [current, setCurrent] = useState(location.pathname + location.search);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => listeners.delete(setCurrent);
  }, []);
  const [path, search = ""] = current.split("?");
  return { path, search, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Replace the query string (filters, paging) without a new history entry per keystroke. */
export function setQuery(query, { replace = true } = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  navigate(location.pathname + (text ? `?${text}` : ""), { replace });
}

/** `/samples/:id/:tab?` against `/samples/abc` → { id: "abc", tab: undefined }, or null. */
export function match(pattern, path) {
  const parts = pattern.split("/").filter(Boolean);
  const segments = path.split("/").filter(Boolean);
  const params = {};
  let index = 0;
  for (const part of parts) {
    const optional = part.endsWith("?");
    const name = optional ? part.slice(0, -1) : part;
    const segment = segments[index];
    if (name.startsWith(":")) {
      if (segment === undefined) {
        if (optional) continue;
        return null;
      }
      params[name.slice(1)] = decodeURIComponent(segment);
    } else if (segment !== name) {
      return null;
    }
    index += 1;
  }
  return index === segments.length ? params : null;
}

/** Follow same-site links inside the page instead of loading it again. */
export function interceptLinks() {
  document.addEventListener("click", (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = event.target.closest("a[href]");
    if (!anchor || anchor.target || anchor.hasAttribute("download") || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith("/api/") || anchor.pathname === "/docs" || anchor.pathname.startsWith("/static/"))
      return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
}
