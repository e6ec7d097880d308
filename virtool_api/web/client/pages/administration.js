// Administration (administrators only): users, groups, labels and server settings.

import { patch, post, remove } from "../api.js";
import { html, useState } from "../html.js";
import {
  ActionButton,
  CheckList,
  CopyButton,
  Empty,
  ErrorMessage,
  Field,
  formatDate,
  LabelChip,
  Resource,
  useResource,
} from "../ui.js";

const SECTIONS = [
  ["users", "Users"],
  ["groups", "Groups"],
  ["labels", "Labels"],
  ["settings", "Settings"],
];

function UserRow({ user, groups, self, onChanged }) {
  const [password, setPassword] = useState("");
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState(null);
  const change = async (body) => {
    setError(null);
    try {
      onChanged(await patch(`/users/${user.id}`, body));
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    }
  };
  return html`<tr>
    <td>${user.handle}${self ? html` <span class="muted">(you)</span>` : null}</td>
    <td><input type="checkbox" aria-label=${`${user.handle} is an administrator`} checked=${user.administrator} disabled=${self} onChange=${(e) => change({ administrator: e.target.checked })} /></td>
    <td><input type="checkbox" aria-label=${`${user.handle} is active`} checked=${user.active} disabled=${self} onChange=${(e) => change({ active: e.target.checked })} /></td>
    <td><${CheckList} name=${`groups of ${user.handle}`} options=${groups} selected=${user.groups.map((group) => group.id)} onChange=${(ids) => change({ groups: ids })} empty="No groups" /></td>
    <td>${user.has_password ? "set" : html`<span class="muted">none</span>`}
      ${
        editing
          ? html`<form class="inline-form" onSubmit=${async (e) => {
              e.preventDefault();
              if (await change({ password })) {
                setPassword("");
                setEditing(false);
              }
            }}>
            <label class="sr-only" for=${`password-${user.id}`}>New password for ${user.handle}</label>
            <input id=${`password-${user.id}`} type="password" autocomplete="new-password" minlength="8" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
            <button type="submit">Set</button><button type="button" onClick=${() => setEditing(false)}>Cancel</button></form>`
          : html` <button type="button" class="link" onClick=${() => setEditing(true)}>${user.has_password ? "Reset" : "Set"}</button>`
      }
      <${ErrorMessage} error=${error} /></td>
    <td>${formatDate(user.created_at)}</td>
    <td>${
      self
        ? null
        : html`<${ActionButton} className="danger" confirm=${`Remove ${user.handle}? Their keys and sessions end; what they own stays.`} action=${async () => {
            await remove(`/users/${user.id}`);
            onChanged(null);
          }}>Remove</${ActionButton}>`
    }</td>
  </tr>`;
}

function Users({ account }) {
  const users = useResource("/users");
  const groups = useResource("/groups");
  const [handle, setHandle] = useState("");
  const [administrator, setAdministrator] = useState(false);
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const create = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await post("/users", { handle, administrator }));
      setHandle("");
      users.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${Resource} resource=${users} what="users">
      ${(
        list,
      ) => html`<table class="list users-table"><thead><tr><th>Handle</th><th>Administrator</th><th>Active</th><th>Groups</th><th>Password</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${list.map((user) => html`<${UserRow} key=${user.id} user=${user} groups=${groups.data || []} self=${user.id === account.id} onChanged=${() => users.reload()} />`)}</tbody></table>`}
    <//>
    <form class="card" onSubmit=${create} aria-label="new user">
      <h2>New user</h2>
      <${Field} id="user-handle" label="Handle" hint="Letters, digits, _ . -"><input id="user-handle" required maxlength="64" pattern="[A-Za-z0-9_.\\-]+" value=${handle} onInput=${(e) => setHandle(e.target.value)} /><//>
      <label class="inline"><input type="checkbox" checked=${administrator} onChange=${(e) => setAdministrator(e.target.checked)} /> Administrator</label>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary">Create user</button>
      ${
        created
          ? html`<div class="new-key" role="status"><p>Created <strong>${created.handle}</strong>. Their first API key, shown only now:</p>
        <code class="key">${created.key}</code> <${CopyButton} text=${created.key} /><p class="muted">Set a password in the table above for them to sign in here.</p></div>`
          : null
      }
    </form>
  </div>`;
}

function Groups() {
  const groups = useResource("/groups");
  const [name, setName] = useState("");
  const [error, setError] = useState(null);
  const act = async (action) => {
    setError(null);
    try {
      await action();
      groups.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${ErrorMessage} error=${error} />
    <${Resource} resource=${groups} what="groups">
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No groups.<//>`
          : html`<table class="list"><thead><tr><th>Name</th><th>Restrict sharing</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
          (group) => html`<tr key=${group.id}><td>${group.name}</td>
          <td><input type="checkbox" aria-label=${`${group.name} restricts sharing`} checked=${group.restrict_sharing} onChange=${(e) => act(() => patch(`/groups/${group.id}`, { restrict_sharing: e.target.checked }))} /></td>
          <td>${formatDate(group.created_at)}</td>
          <td><${ActionButton} className="danger" confirm=${`Remove the group ${group.name}?`} action=${() => act(() => remove(`/groups/${group.id}`))}>Remove</${ActionButton}></td></tr>`,
        )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${(e) => {
      e.preventDefault();
      act(async () => {
        await post("/groups", { name });
        setName("");
      });
    }} aria-label="new group">
      <label for="group-name">New group</label><input id="group-name" required value=${name} onInput=${(e) => setName(e.target.value)} /><button type="submit">Create group</button>
    </form>
  </div>`;
}

function Labels() {
  const labels = useResource("/labels");
  const [form, setForm] = useState({ name: "", color: "#1d6f5f", description: "" });
  const [error, setError] = useState(null);
  const act = async (action) => {
    setError(null);
    try {
      await action();
      labels.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${ErrorMessage} error=${error} />
    <${Resource} resource=${labels} what="labels">
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No labels.<//>`
          : html`<table class="list"><thead><tr><th>Label</th><th>Description</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
          (label) => html`<tr key=${label.id}><td><${LabelChip} label=${label} /></td><td>${label.description}</td>
          <td><${ActionButton} className="danger" confirm=${`Remove the label ${label.name} from every sample?`} action=${() => act(() => remove(`/labels/${label.id}`))}>Remove</${ActionButton}></td></tr>`,
        )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${(e) => {
      e.preventDefault();
      act(async () => {
        await post("/labels", form);
        setForm({ ...form, name: "", description: "" });
      });
    }} aria-label="new label">
      <label for="label-name">Name</label><input id="label-name" required value=${form.name} onInput=${(e) => setForm({ ...form, name: e.target.value })} />
      <label for="label-color">Colour</label><input id="label-color" type="color" value=${form.color} onInput=${(e) => setForm({ ...form, color: e.target.value.toUpperCase() })} />
      <label for="label-description">Description</label><input id="label-description" value=${form.description} onInput=${(e) => setForm({ ...form, description: e.target.value })} />
      <button type="submit">Create label</button>
    </form>
  </div>`;
}

function Settings() {
  const settings = useResource("/settings");
  const [error, setError] = useState(null);
  return html`<${Resource} resource=${settings} what="settings">
    ${(data) => html`<div class="card">
      <label class="inline"><input type="checkbox" id="setting-restrict-sharing" checked=${data.restrict_sharing}
        onChange=${async (e) => {
          setError(null);
          try {
            settings.setData(await patch("/settings", { restrict_sharing: e.target.checked }));
          } catch (caught) {
            setError(caught);
          }
        }} />
        Restrict sharing: no sample may be made shared or public</label>
      <${ErrorMessage} error=${error} />
    </div>`}
  <//>`;
}

export function AdministrationPage({ params, account }) {
  if (!account.administrator)
    return html`<section><h1>Administration</h1><p>Only administrators manage users, groups and settings.</p></section>`;
  const section = params.section || "users";
  return html`<section>
    <h1>Administration</h1>
    <nav class="tabs" aria-label="administration">
      ${SECTIONS.map(([key, text]) => html`<a key=${key} href=${`/administration/${key}`} class=${section === key ? "active" : ""} aria-current=${section === key ? "page" : undefined}>${text}</a>`)}
    </nav>
    ${section === "users" ? html`<${Users} account=${account} />` : null}
    ${section === "groups" ? html`<${Groups} />` : null}
    ${section === "labels" ? html`<${Labels} />` : null}
    ${section === "settings" ? html`<${Settings} />` : null}
  </section>`;
}
