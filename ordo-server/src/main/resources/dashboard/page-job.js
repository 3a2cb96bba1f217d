// One job: what it is, where it stands, its attempts, payload and result, its children and its log, all live.
import { html, useState, useEffect } from './html.js';
import { api } from './api.js';
import { navigate } from './router.js';
import { useData, useLive, useThrottled, Status, Time, Json, Progress, ErrorNote, Loading } from './ui.js';
import { JobTable, applyStatusEvents } from './job-table.js';
import { JobActions } from './job-actions.js';
import { LogView } from './log-view.js';
import { duration, between, countsText, num, exact, LIVE } from './format.js';

const EVENTS = ['job_status_change', 'job_progress', 'task_progress', 'job_log', 'job_spawn', 'result_saved'];

function Fact({ label, children }) {
  return html`<div class="fact"><dt>${label}</dt><dd>${children}</dd></div>`;
}

function Facts({ job }) {
  const readyAt = job.run_at && job.run_at > job.created_at ? job.run_at : job.created_at;
  return html`<dl class="facts">
    <${Fact} label="Attempt">${job.attempt} of ${job.max_attempts}<//>
    <${Fact} label="Queue"><a href=${'/jobs?queue=' + encodeURIComponent(job.queue)}>${job.queue}</a><//>
    <${Fact} label="Priority">${job.priority}<//>
    <${Fact} label="Created"><${Time} at=${job.created_at} /><//>
    ${job.status === 'scheduled' ? html`<${Fact} label="Runs at"><${Time} at=${job.run_at} /><//>` : null}
    <${Fact} label="Started"><${Time} at=${job.started_at} /><//>
    <${Fact} label="Finished"><${Time} at=${job.finished_at} /><//>
    <${Fact} label="Waited">${job.started_at ? duration(between(readyAt, job.started_at)) : '–'}<//>
    <${Fact} label="Ran">${job.started_at ? duration(between(job.started_at, job.finished_at)) + (job.finished_at ? '' : ' so far') : '–'}<//>
    <${Fact} label="Timeout">${job.timeout || 'none'}<//>
    ${job.lease_owner ? html`<${Fact} label=${job.status === 'running' ? 'Running on' : 'Ran on'}><span title=${'lease until ' + exact(job.lease_until)}>${job.lease_owner}</span><//>` : null}
    ${job.parent_id ? html`<${Fact} label="Parent"><a href=${'/jobs/' + job.parent_id}>${job.parent_id}</a><//>` : null}
    ${job.root_id && job.root_id !== job.id ? html`<${Fact} label="Root"><a href=${'/jobs/' + job.root_id}>${job.root_id}</a><//>` : null}
    ${job.definition_id ? html`<${Fact} label="Definition"><a href=${'/definitions/' + encodeURIComponent(job.definition_id)}>${job.definition_id}</a>
      ${job.step ? html` · step <a href=${'/runs/' + job.root_id + '?step=' + encodeURIComponent(job.step)}>${job.step}</a>` : null}<//>` : null}
    ${job.tags && job.tags.length ? html`<${Fact} label="Tags">${job.tags.map(t => html`<span class="tag">${t}</span>`)}<//>` : null}
    ${job.unique_key ? html`<${Fact} label="Unique key"><code>${job.unique_key}</code><//>` : null}
    ${job.cache_key ? html`<${Fact} label="Cache key"><code>${job.cache_key}</code><//>` : null}
    ${job.webhook_url ? html`<${Fact} label="Webhook"><code>${job.webhook_url}</code><//>` : null}
    ${job.depends_on && job.depends_on.length ? html`<${Fact} label="Depends on">${job.depends_on.map(id => html`<a href=${'/jobs/' + id} title=${id}><code>${id.slice(0, 8)}</code></a> `)}${job.run_on_failure ? ' (runs on failure)' : ''}<//>` : null}
    ${job.requires && Object.keys(job.requires).length ? html`<${Fact} label="Requires">${Object.entries(job.requires).map(([k, v]) => html`<span class="tag">${k}=${v}</span>`)}<//>` : null}
  </dl>`;
}

function Attempts({ errors }) {
  if (!errors || !errors.length) return null;
  return html`<section class="card"><h2>Failed attempts</h2>
    <div class="table-wrap"><table class="attempts"><thead><tr><th>Attempt</th><th>When</th><th>Reason</th><th>Node</th><th>Error</th></tr></thead>
    <tbody>${errors.map(e => html`<tr><td class="num">${e.attempt}</td><td><${Time} at=${e.at} /></td><td>${e.reason}</td>
      <td>${e.owner || '–'}</td><td class="wrap-text">${e.message || ''}</td></tr>`)}</tbody></table></div></section>`;
}

export function JobPage({ id }) {
  const job = useData(() => api.get('/api/jobs/' + id), [id]);
  const children = useData(() => api.get(`/api/jobs/${id}/children?limit=50`), [id]);
  const [logSignal, setLogSignal] = useState(0);
  const [flash, setFlash] = useState(new Set());
  const [done, setDone] = useState(null);
  const reloadJob = useThrottled(() => job.reload(), 500);
  const reloadChildren = useThrottled(() => children.reload(), 1000);
  useEffect(() => {
    document.title = (job.data ? job.data.type + ' ' + job.data.status : 'Job') + ' · Ordo';
  }, [job.data && job.data.status]);

  useLive({ types: EVENTS, job_id: [id] }, batch => {
    let mine = false, kids = false, logs = false;
    for (const e of batch) {
      const p = e.payload;
      if (p.job_id === id) {
        if (e.type === 'job_log') logs = true;
        else if (e.type === 'task_progress') {
          job.setData(j => j && { ...j, progress: { current: p.current, total: p.total, text: p.current_activity || j.progress.text } });
        } else mine = true;
      } else if (e.type === 'job_spawn' || e.type === 'job_status_change') kids = true;
    }
    if (logs) setLogSignal(n => n + 1);
    if (mine) reloadJob();
    if (kids) {
      if (children.data) {
        const [rows, changed, unknown] = applyStatusEvents(children.data.jobs, batch);
        if (changed.size) {
          children.setData(d => ({ ...d, jobs: rows }));
          setFlash(changed);
        }
        if (unknown.length || batch.some(e => e.type === 'job_spawn')) reloadChildren();
      }
      reloadJob(); // the counts
    }
  }, () => {
    job.reload();
    children.reload();
    setLogSignal(n => n + 1);
  });

  if (job.error && !job.data) {
    return html`<section><h1>Job</h1><${ErrorNote} error=${job.error} /><p><a href="/jobs">All jobs</a></p></section>`;
  }
  if (!job.data) return html`<${Loading} what="the job" />`;
  const j = job.data;
  const counts = j.scope || j.tree || j.children;
  const under = counts ? counts.total : 0;
  const onDone = (what) => {
    if (what === 'delete') {
      navigate('/jobs');
      return;
    }
    setDone(what === 'cancel' ? 'Cancel requested.' : 'Restarted: the job is pending again.');
    job.reload();
    children.reload();
  };
  const kids = children.data ? children.data.jobs : [];
  return html`<section class="page-job" data-job-id=${j.id} data-status=${j.status}>
    <div class="page-head">
      <div><p class="crumbs"><a href="/jobs">Jobs</a> ›</p>
        <h1><span class="type">${j.type}</span> <${Status} status=${j.status} /></h1>
        <p class="muted"><code class="select-all">${j.id}</code>${j.cancel_requested && LIVE.includes(j.status) ? ' · cancel requested' : ''}</p>
      </div>
      <${JobActions} job=${j} descendants=${under} onDone=${onDone} />
    </div>
    ${done ? html`<p class="note" role="status">${done}</p>` : null}
    ${j.type === 'ordo.batch' ? html`<p class="note">This job is a batch:${' '}<a href=${'/batches/' + j.id}>see its progress and callbacks</a>.</p>` : null}
    ${j.batch_id ? html`<p class="note batch-link">This job belongs to a batch:${' '}<a href=${'/batches/' + j.batch_id}>open the batch</a>.</p>` : null}
    ${j.type === 'ordo.run' ? html`<p class="note">This job is a run of the definition <strong>${j.definition_id}</strong>:${' '}<a href=${'/runs/' + j.id}>watch its step graph</a>.</p>` : null}
    ${j.error ? html`<p class="error-box" role="status"><strong>Error:</strong> ${j.error}</p>` : null}
    ${j.warning ? html`<p class="warn-box"><strong>Warning:</strong> ${j.warning}</p>` : null}
    ${j.waiting_for ? html`<p class="warn-box waiting-for" role="status">Waiting for ${j.waiting_for}.</p>` : null}
    ${j.waiting_on && j.waiting_on.length ? html`<p class="warn-box waiting-on" role="status">Waiting on ${j.waiting_on.length === 1 ? 'job' : 'jobs'} ${j.waiting_on.map(id => html`<a href=${'/jobs/' + id} title=${id}><code>${id.slice(0, 8)}</code></a> `)}to complete.</p>` : null}
    ${j.progress && (j.progress.total > 0 || j.progress.text) ? html`<section class="card"><h2>Progress</h2>
      <${Progress} current=${j.progress.current} total=${j.progress.total} text=${j.progress.text} label="job progress" /></section>` : null}
    <section class="card"><h2>Details</h2><${Facts} job=${j} /></section>
    <${Attempts} errors=${j.errors} />
    <div class="two">
      <section class="card"><h2>Payload</h2><${Json} value=${j.payload} label="payload" /></section>
      <section class="card"><h2>Result</h2>${j.result_expires_at ? html`<p class="muted small">kept until <${Time} at=${j.result_expires_at} /></p>` : null}
        <${Json} value=${j.result} label="result" /></section>
    </div>
    ${under > 0 || kids.length ? html`<section class="card children"><h2>Children</h2>
      ${j.children ? html`<p class="counts" id="child-counts">${countsText(j.children)}</p>` : null}
      ${j.scope ? html`<p class="muted">Everything this step spawned, at any depth: ${countsText(j.scope)}</p>` : null}
      ${j.tree && !j.scope ? html`<p class="muted">The whole tree (${num(j.tree.total)} jobs): ${countsText(j.tree)}</p>` : null}
      <${ErrorNote} error=${children.error} />
      <${JobTable} jobs=${kids} flash=${flash} hide=${['queue']} caption="Children, newest first" />
      ${children.data && children.data.next_cursor ? html`<p><a href=${'/jobs?parent_id=' + j.id}>All ${num(j.children ? j.children.total : 0)} children →</a></p>` : null}
    </section>` : null}
    <section class="card"><h2>Log</h2><${LogView} jobId=${j.id} signal=${logSignal} live=${LIVE.includes(j.status)} /></section>
  </section>`;
}

