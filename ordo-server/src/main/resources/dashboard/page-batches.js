// Batches, newest first: status and progress of each, live.
import { html, useEffect } from './html.js';
import { api } from './api.js';
import { useData, useLive, useThrottled, Time, ErrorNote, Loading, Empty, Progress } from './ui.js';
import { num, shortId } from './format.js';

export function BatchesPage() {
  const cursor = new URLSearchParams(location.search).get('cursor');
  const list = useData(() => api.get('/api/batches?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')), [cursor]);
  const reload = useThrottled(() => list.reload(), 1000);
  useLive({ types: ['job_status_change', 'job_progress'] }, reload, reload);
  useEffect(() => {
    document.title = 'Batches · Ordo';
  }, []);
  const batches = list.data ? list.data.batches : [];
  return html`<section class="page-batches">
    <div class="page-head"><h1>Batches</h1></div>
    <${ErrorNote} error=${list.error} />
    ${list.loading && !list.data ? html`<${Loading} what="batches" />` : batches.length === 0
      ? html`<${Empty} title="No batches yet.">Submit one with <code>POST /api/jobs/batch</code> and an <code>on_complete</code>, <code>on_success</code>, <code>on_failure</code> or <code>name</code>.</${Empty}>`
      : html`<div class="table-wrap"><table class="batches">
      <thead><tr><th>Batch</th><th>Status</th><th>Progress</th><th class="num">Failed</th><th>Created</th></tr></thead>
      <tbody>${batches.map(b => html`<tr data-batch=${b.batch_id}>
        <td><a href=${'/batches/' + b.batch_id}><strong>${b.name || shortId(b.batch_id)}</strong></a></td>
        <td><span class=${'status st-' + b.status}>${b.status}</span></td>
        <td><${Progress} current=${b.done} total=${b.total} label=${'progress of batch ' + (b.name || b.batch_id)} /></td>
        <td class="num">${num((b.counts.failed || 0) + (b.counts.cancelled || 0))}</td>
        <td><${Time} at=${b.created_at} /></td>
      </tr>`)}</tbody></table></div>`}
    ${list.data && list.data.next_cursor ? html`<p><a href=${'/batches?cursor=' + encodeURIComponent(list.data.next_cursor)}>Older batches →</a></p>` : null}
  </section>`;
}
