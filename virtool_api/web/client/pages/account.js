// The caller's account: password, and API keys for scripts (each shown once, revocable).

import { ApiError, patch, post, remove } from "../api.js";
import { html, useState } from "../html.js";
import { ActionButton, CopyButton, Empty, ErrorMessage, Field, formatDate, Resource, useResource } from "../ui.js";

function PasswordForm({ account, onAccount }) {
  const [form, setForm] = useState({ old_password: "", password: "", confirm: "" });
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    setDone(false);
    if (form.password !== form.confirm) {
      setError(new ApiError(400, { message: "The two new passwords differ." }));
      return;
    }
    setError(null);
    const body = { password: form.password };
    if (account.has_password) body.old_password = form.old_password;
    try {
      onAccount(await patch("/account", body));
      setForm({ old_password: "", password: "", confirm: "" });
      setDone(true);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="change password">
    <h2>${account.has_password ? "Change password" : "Set a password"}</h2>
    ${account.has_password ? html`<${Field} id="old-password" label="Current password"><input id="old-password" type="password" autocomplete="current-password" required value=${form.old_password} onInput=${set("old_password")} /><//>` : null}
    <${Field} id="new-password" label="New password" hint="At least 8 characters, not containing your handle. Your other sessions end."><input id="new-password" type="password" autocomplete="new-password" required minlength="8" value=${form.password} onInput=${set("password")} /><//>
    <${Field} id="confirm-password" label="New password again"><input id="confirm-password" type="password" autocomplete="new-password" required value=${form.confirm} onInput=${set("confirm")} /><//>
    <${ErrorMessage} error=${error} />
    ${done ? html`<p class="saved" role="status">Password changed; your other sessions have ended.</p>` : null}
    <button type="submit" class="primary">${account.has_password ? "Change password" : "Set password"}</button>
  </form>`;
}

function ApiKeys() {
  const keys = useResource("/account/keys");
  const [name, setName] = useState("");
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const create = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await post("/account/keys", { name }));
      setName("");
      keys.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div class="card">
    <h2>API keys</h2>
    <p class="muted">Scripts send a key as <code>${"X-API-Key: <key>"}</code>. A key is shown only once, when it is made.</p>
    ${
      created
        ? html`<div class="new-key" role="status"><p>New key <strong>${created.name}</strong>: copy it now, it will not be shown again.</p>
      <code class="key" id="new-key-value">${created.key}</code> <${CopyButton} text=${created.key} /> <button type="button" onClick=${() => setCreated(null)}>Done</button></div>`
        : null
    }
    <${Resource} resource=${keys} what="keys">
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No API keys.<//>`
          : html`<table class="list keys-table"><thead><tr><th>Name</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
          (key) => html`<tr key=${key.id}><td>${key.name}</td><td>${formatDate(key.created_at)}</td>
          <td><${ActionButton} className="danger" confirm=${`Revoke the key “${key.name}”? Scripts using it stop working.`} action=${async () => {
            await remove(`/account/keys/${key.id}`);
            keys.reload();
          }}>Revoke</${ActionButton}></td></tr>`,
        )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${create} aria-label="new API key">
      <label for="key-name">Name</label>
      <input id="key-name" required maxlength="100" placeholder="e.g. nightly export" value=${name} onInput=${(e) => setName(e.target.value)} />
      <button type="submit">Create key</button>
    </form>
    <${ErrorMessage} error=${error} />
  </div>`;
}

export function AccountPage({ account, onAccount }) {
  return html`<section>
    <h1>Account</h1>
    <dl class="facts"><dt>Handle</dt><dd>${account.handle}</dd><dt>Role</dt><dd>${account.administrator ? "administrator" : "user"}</dd>
      <dt>Groups</dt><dd>${account.groups.length ? account.groups.map((group) => group.name).join(", ") : "none"}</dd></dl>
    <div class="columns"><${PasswordForm} account=${account} onAccount=${onAccount} /><${ApiKeys} /></div>
  </section>`;
}
