// A batch: its status, counts and progress, live; its jobs and the callback jobs it enqueued.
import { html, useEffect } from './html.js';
import { api } from './api.js';
import { useData, useLive, useThrottled, Status, Time, Json, Progress, ErrorNote, Loading } from './ui.js';
import { JobTable } from './job-table.js';
import { countsText, duration, between, num, shortId } from './format.js';

const EVENTS = ['job_status_change', 'job_progress'];
const KINDS = { on_complete: 'on complete', on_success: 'on success', on_failure: 'on failure' };

export function BatchPage({ id }) {
  const batch = useData(() => api.get('/api/batches/' + id), [id]);
  const jobs = useData(() => api.get(`/api/jobs?parent_id=${id}&limit=50`), [id]);
  const reload = useThrottled(() => {
    batch.reload();
    jobs.reload();
  }, 500);
  // the batch's jobs are its children, so every change of theirs is in the batch's tree
  useLive({ types: EVENTS, root_id: [id] }, reload, reload);
  const b = batch.data;
  useEffect(() => {
    document.title = `Batch ${b && b.name ? b.name : shortId(id)} · Ordo`;
  }, [b && b.name]);
  if (!b) {
    return html`<section class="page-batch"><h1>Batch ${shortId(id)}</h1>
      ${batch.error ? html`<${ErrorNote} error=${batch.error} />` : html`<${Loading} what="the batch" />`}</section>`;
  }
  const c = b.counts;
  const callbackIds = new Set(Object.values(b.callbacks));
  const members = jobs.data ? jobs.data.jobs.filter(j => !callbackIds.has(j.id)) : [];
  return html`<section class="page-batch" data-status=${b.status}>
    <div class="page-head"><h1>Batch ${b.name ? html`<strong>${b.name}</strong>` : shortId(b.batch_id)} <span class=${'status st-' + b.status}>${b.status}</span></h1>
      <a href="/batches">All batches</a></div>
    <${ErrorNote} error=${batch.error} />
    <dl class="facts">
      <div class="fact"><dt>Id</dt><dd><code>${b.batch_id}</code></dd></div>
      <div class="fact"><dt>Jobs</dt><dd>${num(b.total)}</dd></div>
      <div class="fact"><dt>Created</dt><dd><${Time} at=${b.created_at} /></dd></div>
      <div class="fact"><dt>${b.finished_at ? 'Took' : 'Running for'}</dt><dd>${duration(between(b.created_at, b.finished_at))}</dd></div>
    </dl>
    <${Progress} current=${b.done} total=${b.total} text=${countsText(c)} label="progress of the batch" />
    <section class="card callbacks"><h2>Callbacks</h2>
      ${Object.keys(b.callbacks).length
        ? html`<ul>${Object.entries(b.callbacks).map(([kind, jid]) => html`<li data-kind=${kind}>${KINDS[kind] || kind}:${' '}
            <a href=${'/jobs/' + jid}>${jid}</a></li>`)}</ul>`
        : html`<p class="muted">${b.status === 'running' ? 'Enqueued once every job of the batch has ended.' : 'None: the batch asked for none that applied.'}</p>`}
    </section>
    ${b.meta ? html`<section class="card"><h2>Meta</h2><${Json} value=${b.meta} label="meta" /></section>` : null}
    <section class="card batch-jobs"><h2>Jobs</h2>
      <${ErrorNote} error=${jobs.error} />
      ${members.length ? html`<${JobTable} jobs=${members} hide=${['queue']} caption="The batch's jobs, newest first" />`
        : html`<p class="muted">${jobs.loading ? 'Loading…' : 'No jobs.'}</p>`}
      <p><a href=${'/jobs?parent_id=' + b.batch_id}>All ${num(b.total)} jobs in the jobs list →</a></p>
    </section>
  </section>`;
}
