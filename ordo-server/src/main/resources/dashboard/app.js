// The dashboard's shell: session, navigation, the connection banner and the page for the address.
import { html, render, useState, useEffect } from './html.js';
import { loadSession, currentSession, onReachability, isReachable, canWrite } from './api.js';
import { onLiveStatus, liveStatus } from './live.js';
import { useLocation, match } from './router.js';
import { OverviewPage } from './page-overview.js';
import { JobsPage } from './page-jobs.js';
import { JobPage } from './page-job.js';
import { RunPage } from './page-run.js';
import { BatchesPage } from './page-batches.js';
import { BatchPage } from './page-batch.js';
import { DefinitionsPage } from './page-definitions.js';
import { DefinitionPage } from './page-definition.js';
import { DeadLetterPage } from './page-dead-letter.js';
import { NodesPage } from './page-nodes.js';
import { SchedulesPage } from './page-schedules.js';
import { SubmitPage } from './page-submit.js';

const NAV = [
  ['/', 'Overview', ['overview']],
  ['/jobs', 'Jobs', ['jobs', 'job']],
  ['/batches', 'Batches', ['batches', 'batch']],
  ['/definitions', 'Definitions', ['definitions', 'definition', 'new-definition', 'run']],
  ['/schedules', 'Schedules', ['schedules']],
  ['/dead-letter', 'Dead letter', ['dead-letter']],
  ['/nodes', 'Nodes', ['nodes']],
  ['/submit', 'Submit', ['submit']],
];

/** Shown while the server cannot be reached: by the API calls or by the event stream (after a short grace). */
function Banner() {
  const [reachable, setReachable] = useState(isReachable());
  const [live, setLive] = useState(liveStatus());
  const [late, setLate] = useState(false);
  useEffect(() => onReachability(setReachable), []);
  useEffect(() => onLiveStatus(setLive), []);
  useEffect(() => {
    if (live !== 'connecting') {
      setLate(false);
      return undefined;
    }
    const t = setTimeout(() => setLate(true), 2500);
    return () => clearTimeout(t);
  }, [live]);
  if (reachable && !late) return null;
  return html`<div class="banner" role="alert" id="connection-banner">
    <strong>Cannot reach the Ordo server.</strong> Live updates are paused; this page reconnects on its own and catches up with what it missed.
  </div>`;
}

function Header({ page }) {
  const s = currentSession();
  return html`<header class="top">
    <a class="skip" href="#main">Skip to content</a>
    <a class="brand" href="/" aria-label="Ordo overview"><img src=${new URL('favicon.svg', import.meta.url).pathname} alt="" width="22" height="22" />Ordo</a>
    <nav aria-label="Main">
      ${NAV.map(([href, label, pages]) => html`<a href=${href} class=${pages.includes(page) ? 'active' : ''}
        aria-current=${pages.includes(page) ? 'page' : null}>${label}</a>`)}
    </nav>
    <div class="who">
      ${s.auth ? html`<span class=${'role role-' + s.role} title=${s.role === 'read' ? 'This token can only read: no control that changes anything is shown.' : 'This token may change everything.'}>${s.role}</span>` : null}
      ${s.auth ? html`<form method="post" action="/logout"><button class="btn small" type="submit">Log out</button></form>` : null}
    </div>
  </header>`;
}

function NotFound() {
  return html`<section><h1>No such page</h1><p>There is no dashboard page at <code>${location.pathname}</code>. <a href="/">Go to the overview</a>.</p></section>`;
}

function App() {
  const { path } = useLocation();
  const { page, id } = match(path);
  let body;
  switch (page) {
    case 'overview': body = html`<${OverviewPage} />`; break;
    case 'jobs': body = html`<${JobsPage} />`; break;
    case 'job': body = html`<${JobPage} id=${id} key=${id} />`; break;
    case 'run': body = html`<${RunPage} id=${id} key=${id} />`; break;
    case 'batches': body = html`<${BatchesPage} />`; break;
    case 'batch': body = html`<${BatchPage} id=${id} key=${id} />`; break;
    case 'definitions': body = html`<${DefinitionsPage} />`; break;
    case 'definition': body = html`<${DefinitionPage} id=${id} key=${id} />`; break;
    case 'new-definition': body = html`<${DefinitionPage} id=${null} key="new" />`; break;
    case 'dead-letter': body = html`<${DeadLetterPage} />`; break;
    case 'nodes': body = html`<${NodesPage} />`; break;
    case 'schedules': body = html`<${SchedulesPage} />`; break;
    case 'submit': body = html`<${SubmitPage} />`; break;
    default: body = html`<${NotFound} />`;
  }
  return html`<${Header} page=${page} />
    <${Banner} />
    <main id="main" tabindex="-1" data-page=${page} data-role=${canWrite() ? 'admin' : 'read'}>${body}</main>`;
}

async function start() {
  const root = document.getElementById('app');
  for (let wait = 1000; ; wait = Math.min(wait * 2, 10000)) {
    try {
      await loadSession();
      break;
    } catch (e) {
      if (e.status === 401) return; // on its way to the login page
      root.innerHTML = '';
      const p = document.createElement('p');
      p.className = 'banner';
      p.id = 'connection-banner';
      p.textContent = 'Cannot reach the Ordo server; trying again…';
      root.append(p);
      await new Promise(r => setTimeout(r, wait));
    }
  }
  root.innerHTML = '';
  render(html`<${App} />`, root);
}

start();
