// A table of jobs, shared by the jobs list, a job's children, a run's steps and the dead letter.
import { html } from './html.js';
import { Status, Time, useTicker } from './ui.js';
import { duration, between, shortId } from './format.js';

function took(j) {
  if (j.started_at && j.finished_at) return duration(between(j.started_at, j.finished_at));
  if (j.started_at && (j.status === 'running' || j.status === 'waiting')) return duration(between(j.started_at)) + '…';
  return '–';
}

/**
 * props: jobs; selected (a Set of ids) with onToggle(id) and onToggleAll() to show checkboxes;
 * flash (a Set of ids just changed, highlighted); hide: columns to leave out ('queue', 'error', …).
 */
export function JobTable({ jobs, selected, onToggle, onToggleAll, flash, hide = [], caption }) {
  useTicker();
  const selectable = !!selected;
  const all = selectable && jobs.length > 0 && jobs.every(j => selected.has(j.id));
  const show = c => !hide.includes(c);
  return html`<div class="table-wrap"><table class="jobs">
    ${caption ? html`<caption class="sr-only">${caption}</caption>` : null}
    <thead><tr>
      ${selectable ? html`<th class="col-select"><input type="checkbox" aria-label="Select every job on this page" checked=${all}
        onChange=${onToggleAll} /></th>` : null}
      <th>Status</th><th>Type</th>
      ${show('queue') ? html`<th class="col-queue">Queue</th>` : null}
      <th class="col-attempt">Attempt</th><th>Created</th><th class="col-took">Took</th>
      <th class="col-id">Id</th>
      ${show('error') ? html`<th class="col-error">Error</th>` : null}
    </tr></thead>
    <tbody>
      ${jobs.map(j => html`<tr key=${j.id} data-job-id=${j.id} data-status=${j.status} class=${flash && flash.has(j.id) ? 'flash' : ''}>
        ${selectable ? html`<td class="col-select"><input type="checkbox" aria-label=${'Select job ' + j.id} checked=${selected.has(j.id)}
          onChange=${() => onToggle(j.id)} /></td>` : null}
        <td><${Status} status=${j.status} /></td>
        <td><a href=${'/jobs/' + j.id} class="job-link">${j.type}</a>${j.step ? html` <span class="muted">· ${j.step}</span>` : null}</td>
        ${show('queue') ? html`<td class="col-queue">${j.queue}</td>` : null}
        <td class="col-attempt num">${j.attempt}/${j.max_attempts}</td>
        <td><${Time} at=${j.created_at} /></td>
        <td class="col-took num">${took(j)}</td>
        <td class="col-id"><a href=${'/jobs/' + j.id} title=${j.id}><code>${shortId(j.id)}</code></a></td>
        ${show('error') ? html`<td class=${'col-error' + (!j.error && j.warning ? ' warn' : '')} title=${j.error || j.warning || ''}>${j.error || (j.warning ? '⚠ ' + j.warning : '')}</td>` : null}
      </tr>`)}
    </tbody>
  </table></div>`;
}

/** Applies job_status_change events to rows: returns [new rows, ids changed, events about jobs not shown]. */
export function applyStatusEvents(jobs, batch) {
  const byId = new Map(jobs.map((j, i) => [j.id, i]));
  let rows = jobs;
  const changed = new Set();
  const unknown = [];
  for (const e of batch) {
    if (e.type !== 'job_status_change') continue;
    const p = e.payload;
    const i = byId.get(p.job_id);
    if (i === undefined) {
      unknown.push(p);
      continue;
    }
    if (rows === jobs) rows = jobs.slice();
    const j = { ...rows[i], status: p.status };
    if (p.attempt !== undefined) j.attempt = p.attempt;
    if (p.error !== undefined) j.error = p.error;
    if (p.status === 'running' && !j.started_at) j.started_at = p.timestamp;
    if (['completed', 'failed', 'cancelled', 'skipped'].includes(p.status)) j.finished_at = j.finished_at || p.timestamp;
    rows[i] = j;
    changed.add(p.job_id);
  }
  return [rows, changed, unknown];
}
