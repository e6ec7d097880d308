import { post } from "../api.js";
import { html, useState } from "../html.js";
import { ErrorMessage, Field } from "../ui.js";

export function LoginPage({ onSignedIn }) {
  const [handle, setHandle] = useState("");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post("/account/login", { handle, password, remember }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return html`<main class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Virtool</h1>
      <${Field} id="login-handle" label="Handle">
        <input id="login-handle" name="handle" autocomplete="username" required autofocus value=${handle} onInput=${(e) => setHandle(e.target.value)} />
      <//>
      <${Field} id="login-password" label="Password">
        <input id="login-password" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
      <//>
      <label class="inline"><input id="login-remember" type="checkbox" checked=${remember} onChange=${(e) => setRemember(e.target.checked)} /> Keep me signed in for 30 days</label>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
      <p class="muted small">No password yet? An administrator sets one (<code>virtool-api users password HANDLE</code>). Scripts use API keys; see the <a href="/docs">API documentation</a>.</p>
    </form>
  </main>`;
}
