// Changes as they happen: one EventSource per signed-in page (GET /api/events, server-sent events of the
// changes to jobs, samples, analyses, indexes and subtractions the person may read). Pages re-read what they
// show when a change of it arrives, instead of polling. The browser reconnects by itself and sends the last
// event's id, so the server replays what was missed; when it cannot, it sends `reset` and every page reloads.
import { useEffect, useRef } from "./html.js";

const listeners = new Set();
let source = null;

export function startLive() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/events");
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    for (const listener of listeners) listener(change);
  });
  source.addEventListener("reset", () => {
    for (const listener of listeners) listener(null);
  });
}

export function stopLive() {
  source?.close();
  source = null;
}

/**
 * Call `onChange` when a change of `resource` arrives (only those of `id` when given; any resource when
 * `resource` is "*"), at most every 300 ms however many arrive, and on a `reset`; while `active`.
 */
export function useLive(resource, id, onChange, active = true) {
  const saved = useRef(onChange);
  saved.current = onChange;
  useEffect(() => {
    if (!active) return undefined;
    let timer = null;
    const listener = (change) => {
      const relevant =
        change === null ||
        ((resource === "*" || [].concat(resource).includes(change.resource)) && (!id || change.id === id));
      if (!relevant || timer) return;
      timer = setTimeout(() => {
        timer = null;
        saved.current();
      }, 300);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      clearTimeout(timer);
    };
  }, [String(resource), id, active]);
}
