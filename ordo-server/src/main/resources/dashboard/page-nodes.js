// Nodes: every node on the store, alive, draining, stopped or lost; launch a worker process here when the store allows it.
import { html, useEffect, useState } from './html.js';
import { api, canWrite, currentSession } from './api.js';
import { useData, useInterval, Time, ErrorNote, Loading, ActionButton } from './ui.js';
import { num } from './format.js';

function Launch({ onLaunched }) {
  const [concurrency, setConcurrency] = useState('4');
  const [queues, setQueues] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const launch = async () => {
    setError(null);
    setDone(null);
    try {
      const body = { concurrency: Number(concurrency) };
      const qs = queues.split(',').map(q => q.trim()).filter(Boolean);
      if (qs.length) body.queues = qs;
      const r = await api.post('/api/cluster/workers', body);
      setDone(r);
      onLaunched();
    } catch (e) {
      setError(e);
    }
  };
  return html`<section class="card"><h2>Launch a worker</h2>
    <p class="muted">Starts an <code>ordo worker</code> process on the server's machine, on the same store. It stops when the server stops.</p>
    <form class="row wrap" onSubmit=${e => { e.preventDefault(); launch(); }}>
      <label>Slots <input type="number" min="1" max="1000" name="concurrency" value=${concurrency} onInput=${e => setConcurrency(e.target.value)} /></label>
      <label>Other queues <input name="queues" placeholder="mail=4, reports=2" value=${queues} onInput=${e => setQueues(e.target.value)} /></label>
      <${ActionButton} kind="primary" onClick=${launch}>Launch worker</${ActionButton}>
    </form>
    <${ErrorNote} error=${error} />
    ${done ? html`<p class="note" role="status">Worker <code>${done.node_id}</code> is starting (pid ${done.pid}); it is listed below once it runs.
      Its log: <code>${done.log}</code></p>` : null}
  </section>`;
}

export function NodesPage() {
  const nodes = useData(() => api.get('/api/cluster/nodes'), []);
  useEffect(() => {
    document.title = 'Nodes · Ordo';
  }, []);
  useInterval(() => nodes.reload(), 3000);
  const me = currentSession().node_id;
  const list = nodes.data ? nodes.data.nodes.slice().sort((a, b) => (a.state === b.state ? a.id.localeCompare(b.id) : a.state === 'alive' ? -1 : b.state === 'alive' ? 1 : 0)) : [];
  return html`<section class="page-nodes">
    <div class="page-head"><h1>Nodes</h1>
      ${nodes.data ? html`<p class="muted">${list.filter(n => n.state === 'alive').length} alive of ${list.length} known</p>` : null}</div>
    <${ErrorNote} error=${nodes.error} />
    ${!nodes.data ? html`<${Loading} />` : html`<div class="table-wrap"><table class="nodes">
      <thead><tr><th>Node</th><th>State</th><th>Running / slots</th><th>Queues</th><th class="col-types">Types</th><th>Capabilities</th><th>Host</th><th>Started</th><th>Last seen</th></tr></thead>
      <tbody>${list.map(n => html`<tr data-node=${n.id} data-state=${n.state}>
        <td><code>${n.id}</code>${n.id === me ? html` <span class="badge">this server</span>` : null}<div class="muted small">version ${n.version} · pid ${n.pid}</div></td>
        <td><span class=${'badge node-' + n.state}>${n.state}</span>${n.leader ? html` <span class="badge node-leader" title="holds the leader lease: runs promotion, rescue, pruning, the scheduler, vacuum and reconciliation">leader</span>` : null}</td>
        <td><div class="meter" title=${`${n.running} of ${n.slots} slots busy`}><div style=${{ width: (n.slots ? Math.min(100, (100 * n.running) / n.slots) : 0) + '%' }}></div></div>
          <span class="num">${num(n.running)} / ${num(n.slots)}</span></td>
        <td>${n.queues.length ? n.queues.join(', ') : html`<span class="muted">none</span>`}</td>
        <td class="col-types"><details><summary>${n.types.length} types</summary><ul class="plain small">${n.types.map(t => html`<li><code>${t}</code></li>`)}</ul></details></td>
        <td>${n.capabilities && Object.keys(n.capabilities).length ? Object.entries(n.capabilities).map(([k, v]) => html`<span class="tag">${k}=${v}</span>`) : html`<span class="muted">none</span>`}</td>
        <td>${n.host}</td><td><${Time} at=${n.started_at} /></td><td><${Time} at=${n.seen_at} /></td>
      </tr>`)}</tbody></table></div>`}
    ${canWrite() && currentSession().launch_workers ? html`<${Launch} onLaunched=${() => setTimeout(() => nodes.reload(), 1500)} />` : null}
  </section>`;
}
