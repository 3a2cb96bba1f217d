// Job definitions: schedule and next run, last run and its status; run one now.
import { html, useEffect, useState } from './html.js';
import { api, canWrite } from './api.js';
import { navigate } from './router.js';
import { useData, useInterval, Status, Time, ErrorNote, Loading, Empty, ActionButton } from './ui.js';

export function RunButton({ id, kind = 'primary small' }) {
  const [error, setError] = useState(null);
  const run = async () => {
    setError(null);
    try {
      const r = await api.post(`/api/jobs/definitions/${encodeURIComponent(id)}/execute`);
      navigate('/runs/' + r.job_id);
    } catch (e) {
      setError(e);
    }
  };
  return html`<${ActionButton} kind=${kind} label=${'Run ' + id + ' now'} onClick=${run}>Run</${ActionButton}>
    ${error ? html`<${ErrorNote} error=${error} />` : null}`;
}

export function DefinitionsPage() {
  const list = useData(() => api.get('/api/jobs/definitions'), []);
  useEffect(() => {
    document.title = 'Definitions · Ordo';
  }, []);
  useInterval(() => list.reload(), 5000);
  const defs = list.data ? list.data.definitions : [];
  return html`<section class="page-definitions">
    <div class="page-head"><h1>Job definitions</h1>
      ${canWrite() ? html`<a class="btn primary" href="/new-definition">New definition</a>` : null}</div>
    <${ErrorNote} error=${list.error} />
    ${list.loading && !list.data ? html`<${Loading} what="definitions" />` : defs.length === 0
      ? html`<${Empty} title="No job definitions yet.">Write one with <a href="/new-definition">New definition</a>, or put YAML files in${' '}<code>./job-definitions</code> and start <code>./ordo server</code>.</${Empty}>`
      : html`<div class="table-wrap"><table class="definitions">
      <thead><tr><th>Definition</th><th>Schedule</th><th>Next run</th><th>Last run</th><th class="col-steps">Steps</th><th>Enabled</th>
        ${canWrite() ? html`<th><span class="sr-only">Run</span></th>` : null}</tr></thead>
      <tbody>${defs.map(d => html`<tr data-definition=${d.id}>
        <td><a href=${'/definitions/' + encodeURIComponent(d.id)}><strong>${d.id}</strong></a>
          ${d.name && d.name !== d.id ? html`<div class="muted small">${d.name}</div>` : null}</td>
        <td>${d.schedule ? html`<code>${d.schedule}</code> <span class="muted small">${d.timezone || 'UTC'}</span>` : html`<span class="muted">on demand</span>`}</td>
        <td>${d.next_run_at ? html`<${Time} at=${d.next_run_at} />` : html`<span class="muted">–</span>`}</td>
        <td>${d.last_run ? html`<a href=${'/runs/' + d.last_run.id}><${Status} status=${d.last_run.status} /></a>${' '}<${Time} at=${d.last_run.created_at} />` : html`<span class="muted">never</span>`}</td>
        <td class="col-steps num">${d.steps.length}</td>
        <td>${d.enabled ? 'yes' : html`<span class="badge">disabled</span>`}</td>
        ${canWrite() ? html`<td><${RunButton} id=${d.id} /></td>` : null}
      </tr>`)}</tbody></table></div>`}
  </section>`;
}
