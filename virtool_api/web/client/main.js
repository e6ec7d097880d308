// The page: who is signed in, the navigation bar, and which page the address shows.

import { onSignedOut, post } from "./api.js";
import { html, render, useEffect, useState } from "./html.js";
import { startLive, stopLive } from "./live.js";
import { AccountPage } from "./pages/account.js";
import { AdministrationPage } from "./pages/administration.js";
import { AnalysisPage } from "./pages/analysis.js";
import { HmmPage, HmmsPage } from "./pages/hmms.js";
import { HomePage } from "./pages/home.js";
import { IndexPage } from "./pages/indexes.js";
import { JobPage, JobsPage } from "./pages/jobs.js";
import { LoginPage } from "./pages/login.js";
import { OtuPage } from "./pages/otu.js";
import { ReferencePage } from "./pages/reference.js";
import { ReferencesPage } from "./pages/references.js";
import { SamplePage } from "./pages/sample.js";
import { NewSamplePage } from "./pages/sample_new.js";
import { SamplesPage } from "./pages/samples.js";
import { SetupPage } from "./pages/setup.js";
import { SubtractionPage } from "./pages/subtraction.js";
import { SubtractionsPage } from "./pages/subtractions.js";
import { interceptLinks, match, navigate, useLocation } from "./router.js";

/** The account the server rendered into the page (null when nobody is signed in): no request needed. */
function initialAccount() {
  const element = document.getElementById("account");
  return element ? JSON.parse(element.textContent) : null;
}

/** Whether the first administrator is still to be made: the server says so in the page when nobody is. */
function initialSetupRequired() {
  return document.getElementById("setup-required") !== null;
}

const ROUTES = [
  ["/", HomePage],
  ["/samples/new", NewSamplePage],
  ["/samples/:id/:tab?", SamplePage],
  ["/samples", SamplesPage],
  ["/analyses/:id", AnalysisPage],
  ["/jobs/:id", JobPage],
  ["/jobs", JobsPage],
  ["/references/:id/:tab?", ReferencePage],
  ["/references", ReferencesPage],
  ["/otus/:id", OtuPage],
  ["/indexes/:id", IndexPage],
  ["/subtractions/:id", SubtractionPage],
  ["/subtractions", SubtractionsPage],
  ["/hmms/:id", HmmPage],
  ["/hmms", HmmsPage],
  ["/account", AccountPage],
  ["/administration/:section?", AdministrationPage],
];

function NotFound() {
  return html`<section><h1>Not found</h1><p>There is no page at this address. <a href="/samples">Go to the samples</a>.</p></section>`;
}

function NavBar({ account, path, onSignOut }) {
  // A section's link is current on its pages and on pages that belong to it (an OTU or index: References).
  const link = (href, text, also = []) => {
    const current = [href, ...also].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    return html`<a href=${href} class=${current ? "active" : ""} aria-current=${current ? "page" : undefined}>${text}</a>`;
  };
  return html`<header class="topbar">
    <a class="brand" href="/">Virtool</a>
    <nav aria-label="main">
      ${link("/samples", "Samples")} ${link("/jobs", "Jobs")} ${link("/references", "References", ["/otus", "/indexes"])}
      ${link("/subtractions", "Subtractions")} ${link("/hmms", "HMMs")}
      ${account.administrator ? link("/administration", "Administration") : null}
    </nav>
    <div class="who">
      <a href="/docs">API docs</a>
      ${link("/account", account.handle)}
      <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
    </div>
  </header>`;
}

function App() {
  const [account, setAccount] = useState(initialAccount);
  const [setupRequired, setSetupRequired] = useState(initialSetupRequired);
  const { path, search } = useLocation();

  useEffect(() => onSignedOut(() => setAccount(null)), []);
  // Changes arrive live while someone is signed in (live.js).
  useEffect(() => {
    if (account) startLive();
    else stopLive();
  }, [Boolean(account)]);
  useEffect(() => {
    if (account && path === "/login") {
      const next = new URLSearchParams(search).get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    }
  }, [account, path]);

  if (!account && setupRequired) {
    const done = (created) => {
      setSetupRequired(false);
      setAccount(created);
      navigate("/", { replace: true });
    };
    return html`<${SetupPage} onSignedIn=${done} />`;
  }
  if (!account) {
    return html`<${LoginPage} onSignedIn=${setAccount} />`;
  }

  const signOut = async () => {
    stopLive();
    try {
      await post("/account/logout");
    } finally {
      setAccount(null);
      navigate("/login", { replace: true });
    }
  };

  let page = null;
  for (const [pattern, Page] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      page = html`<${Page} key=${pattern} params=${params} account=${account} onAccount=${setAccount} />`;
      break;
    }
  }
  if (page === null && path === "/login") page = html`<p class="loading">Loading…</p>`;
  return html`<${NavBar} account=${account} path=${path} onSignOut=${signOut} /><main id="main">${page || html`<${NotFound} />`}</main>`;
}

interceptLinks();
const root = document.getElementById("app");
root.textContent = ""; // the "Loading…" shown until the modules arrived
render(html`<${App} />`, root);
