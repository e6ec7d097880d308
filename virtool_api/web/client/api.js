// The public API as JSON, with the session cookie: the same routes scripts use with API keys.
// Every request that could change something carries X-Requested-With, which the server requires of
// cookie-authenticated changes (a cross-site form cannot send it).

const BASE = "/api";
const signedOutListeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The server answered ${status}`);
    this.status = status;
    this.id = body?.id;
    this.errors = body?.errors;
  }
}

/** Called with no arguments whenever the API answers 401: the session is gone. */
export function onSignedOut(listener) {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export function queryString(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) return response.json();
  return { message: (await response.text()).slice(0, 200) || response.statusText };
}

export async function request(method, path, body) {
  const headers = { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, options);
  } catch (_error) {
    throw new ApiError(0, { message: "The server cannot be reached. Check your connection and try again." });
  }
  const data = await parse(response);
  if (!response.ok) {
    if (response.status === 401 && path !== "/account/login") for (const listener of signedOutListeners) listener();
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path, query) => request("GET", path + queryString(query));
export const post = (path, body) => request("POST", path, body === undefined ? {} : body);
export const put = (path, body) => request("PUT", path, body === undefined ? {} : body);
export const patch = (path, body) => request("PATCH", path, body);
export const remove = (path) => request("DELETE", path);

/** A readable sentence for an error, with the fields the server named. */
export function messageOf(error) {
  if (!error) return "";
  let text = error.message || String(error);
  if (error.errors && typeof error.errors === "object") {
    const details = Object.entries(error.errors).map(
      ([field, messages]) => `${field}: ${[].concat(messages).join(", ")}`,
    );
    if (details.length) text += ` (${details.join("; ")})`;
  }
  return text;
}

/**
 * Upload a file with XMLHttpRequest, which (unlike fetch) reports upload progress.
 * Returns { promise, abort }; onProgress(loaded, total) is called as bytes leave the browser.
 */
export function upload(path, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", BASE + path);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const body = xhr.response || { message: xhr.statusText };
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        if (xhr.status === 401) for (const listener of signedOutListeners) listener();
        reject(new ApiError(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { message: "The upload failed: the connection was lost." }));
    xhr.onabort = () => reject(new ApiError(0, { message: "The upload was cancelled." }));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
