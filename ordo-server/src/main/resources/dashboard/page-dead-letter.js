// The dead letter: failed jobs grouped by type and error; restart or delete one job or a whole group.
import { html, useEffect, useState } from './html.js';
import { api, qs, canWrite } from './api.js';
import { useData, useInterval, Time, ErrorNote, Loading, Empty, ActionButton, confirmDialog, plural } from './ui.js';
import { JobTable } from './job-table.js';
import { num, shortId } from './format.js';

function filterOf(g) {
  return { status: ['failed'], type: g.type, error: g.error };
}

function GroupJobs({ g, onChanged }) {
  const jobs = useData(() => api.get('/api/jobs' + qs({ status: 'failed', type: g.type, error: g.error || '', limit: 20 })), [g.type, g.error]);
  const [error, setError] = useState(null);
  const act = async (job, action) => {
    setError(null);
    try {
      if (action === 'restart') await api.post(`/api/jobs/${job.id}/restart`);
      else await api.del('/api/jobs/' + job.id);
      jobs.reload();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  if (!jobs.data) return html`<${Loading} />`;
  const rows = jobs.data.jobs.filter(j => (j.error || null) === (g.error || null));
  return html`<div class="group-jobs">
    <${ErrorNote} error=${error} />
    <${JobTable} jobs=${rows} hide=${['error']} caption=${'Failed ' + g.type + ' jobs with this error'} />
    ${canWrite() ? html`<ul class="plain row wrap">${rows.map(j => html`<li>
      <${ActionButton} kind="small" label=${'Restart job ' + j.id} onClick=${() => act(j, 'restart')}>Restart ${shortId(j.id)}</${ActionButton}>
      <${ActionButton} kind="small" label=${'Delete job ' + j.id} onClick=${() => act(j, 'delete')}>Delete</${ActionButton}></li>`)}</ul>` : null}
    ${jobs.data.next_cursor ? html`<p><a href=${'/jobs' + qs({ status: 'failed', type: g.type, error: g.error || '' })}>All of them in the jobs list →</a></p>` : null}
  </div>`;
}

function Group({ g, onChanged }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const all = async action => {
    const verb = action === 'restart' ? 'Restart' : 'Delete';
    const ok = await confirmDialog({ title: `${verb} ${plural(g.count, 'failed job')}?`,
      message: `Every failed ${g.type} job with this error (${num(g.count)} of those looked at, and any older ones) will be `
        + (action === 'restart' ? 'put back to pending for one more attempt.' : 'deleted with its logs. This cannot be undone.'),
      confirm: `${verb} ${plural(g.count, 'job')}`, danger: action === 'delete' });
    if (!ok) return;
    setError(null);
    try {
      let r;
      if (g.error === null) {
        // no error text to filter on: act on the listed ids
        const page = await api.get('/api/jobs' + qs({ status: 'failed', type: g.type, limit: 1000 }));
        const ids = page.jobs.filter(j => !j.error).map(j => j.id);
        r = ids.length ? await api.post('/api/jobs/bulk', { action, ids }) : { matched: 0, succeeded: 0, failed: [] };
      } else {
        r = await api.post('/api/jobs/bulk', { action, filter: filterOf(g), max: 10000 });
      }
      setResult(r);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return html`<li class="card group" data-type=${g.type}>
    <div class="group-head">
      <div class="group-what"><strong class="type">${g.type}</strong> <span class="count">${plural(g.count, 'job')}</span>
        <p class="error-text">${g.error || html`<span class="muted">no error recorded</span>`}</p>
        <p class="muted small">last failed <${Time} at=${g.last_failed_at} />, first <${Time} at=${g.first_failed_at} /> ·
          newest: <a href=${'/jobs/' + g.newest_job_id}><code>${shortId(g.newest_job_id)}</code></a></p>
      </div>
      <div class="row wrap">
        <button type="button" class="btn small" aria-expanded=${open ? 'true' : 'false'} onClick=${() => setOpen(!open)}>${open ? 'Hide jobs' : 'Show jobs'}</button>
        ${canWrite() ? html`<${ActionButton} kind="primary small" onClick=${() => all('restart')}>Restart all</${ActionButton}>
          <${ActionButton} kind="danger small" onClick=${() => all('delete')}>Delete all</${ActionButton}>` : null}
      </div>
    </div>
    <${ErrorNote} error=${error} />
    ${result ? html`<p class="note" role="status">${result.succeeded} of ${result.matched} done${result.failed.length ? `, ${result.failed.length} refused: ${result.failed[0].message}` : ''}.</p>` : null}
    ${open ? html`<${GroupJobs} g=${g} onChanged=${onChanged} />` : null}
  </li>`;
}

export function DeadLetterPage() {
  const groups = useData(() => api.get('/api/jobs/dead-letter'), []);
  useEffect(() => {
    document.title = 'Dead letter · Ordo';
  }, []);
  useInterval(() => groups.reload(), 15000);
  const d = groups.data;
  return html`<section class="page-dead-letter">
    <div class="page-head"><h1>Dead letter</h1>
      ${d ? html`<p class="muted">${plural(d.failed_total, 'failed job')}${d.scanned < d.failed_total ? ` · grouping the newest ${num(d.scanned)}` : ''}</p>` : null}</div>
    <p class="muted">Jobs that used up their attempts, grouped by type and error. Restarting gives a job one more attempt.</p>
    <${ErrorNote} error=${groups.error} />
    ${!d ? html`<${Loading} />` : d.groups.length === 0
      ? html`<${Empty} title="No failed jobs.">Jobs that fail on their last attempt land here. Try <code>./ordo submit fail --max-attempts 1</code>.</${Empty}>`
      : html`<ul class="groups plain">${d.groups.map(g => html`<${Group} key=${g.type + '\u0000' + g.error} g=${g} onChanged=${() => groups.reload()} />`)}</ul>`}
  </section>`;
}
