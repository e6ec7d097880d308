// The first start: no administrator exists yet. Whoever holds the setup link the server printed chooses the
// first administrator's handle and password here, and is then signed in (POST /api/setup).

import { post } from "../api.js";
import { html, useEffect, useRef, useState } from "../html.js";
import { CopyButton, ErrorMessage, Field } from "../ui.js";

export function SetupPage({ onSignedIn }) {
  const fromLink = new URLSearchParams(location.search).get("token") || "";
  const [form, setForm] = useState({ token: fromLink, handle: "", password: "", repeat: "" });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(null);
  const next = useRef(null);
  useEffect(() => next.current?.focus(), [created]); // the key is read, then Enter goes on
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });

  const submit = async (event) => {
    event.preventDefault();
    if (form.password !== form.repeat) {
      setError(new Error("The two passwords differ."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setCreated(await post("/setup", { token: form.token, handle: form.handle, password: form.password }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  if (created) {
    const { key, ...account } = created;
    return html`<main class="login">
      <section class="card" aria-labelledby="setup-done-title">
        <h1 id="setup-done-title">Welcome, ${account.handle}</h1>
        <p>You are the first administrator, and signed in. Scripts use an API key: here is your first one.
        Copy it now, it will not be shown again.</p>
        <p><code class="key" id="setup-key">${key}</code> <${CopyButton} text=${key} /></p>
        <p class="muted small">Send it as <code>${"X-API-Key: <key>"}</code>. Make more keys on your account page.</p>
        <button type="button" class="primary" ref=${next} onClick=${() => onSignedIn(account)}>Continue to Virtool</button>
      </section>
    </main>`;
  }

  return html`<main class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the first administrator</h1>
      <p>No administrator exists yet. Choose the handle and password of the first one: they manage users,
      references and everything else.</p>
      ${
        fromLink
          ? html`<p class="muted small">Setup token: from the link the server printed.</p>`
          : html`<${Field} id="setup-token" label="Setup token" hint="In the link the server printed when it started (…/setup?token=…).">
              <input id="setup-token" name="token" autocomplete="off" required value=${form.token} onInput=${set("token")} />
            <//>`
      }
      <${Field} id="setup-handle" label="Handle">
        <input id="setup-handle" name="handle" autocomplete="username" required autofocus maxlength="64" pattern="[A-Za-z0-9_.\\-]+" title="Letters, digits, _ . or -" value=${form.handle} onInput=${set("handle")} />
      <//>
      <${Field} id="setup-password" label="Password" hint="At least 8 characters, not containing the handle.">
        <input id="setup-password" name="password" type="password" autocomplete="new-password" required minlength="8" value=${form.password} onInput=${set("password")} />
      <//>
      <${Field} id="setup-repeat" label="Password again">
        <input id="setup-repeat" name="repeat" type="password" autocomplete="new-password" required minlength="8" value=${form.repeat} onInput=${set("repeat")} />
      <//>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Creating…" : "Create administrator"}</button>
      <p class="muted small">Or from a terminal: <code>virtool-api users create HANDLE --admin</code>, with the same stores as the server.</p>
    </form>
  </main>`;
}
