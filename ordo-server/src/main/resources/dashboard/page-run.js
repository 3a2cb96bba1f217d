// A run of a job definition: the step graph, live; select a step to see its children, log and results.
import { html, useState, useEffect, useRef } from './html.js';
import { api } from './api.js';
import { navigate } from './router.js';
import { useData, useLive, useThrottled, Status, Time, Json, Progress, ErrorNote, Loading, Empty } from './ui.js';
import { StepGraph } from './graph.js';
import { JobTable } from './job-table.js';
import { JobActions } from './job-actions.js';
import { LogView } from './log-view.js';
import { duration, between, countsText, num, LIVE } from './format.js';

const EVENTS = ['job_status_change', 'job_progress', 'job_spawn', 'result_saved'];

function definedSteps(run) {
  const def = run && run.payload && run.payload.definition;
  const steps = (def && def.steps) || [];
  return steps.map(s => ({ name: s.name, action: s.action, depends: Array.isArray(s.depends) ? s.depends : s.depends ? [s.depends] : [] }));
}

/** The newest step job per step name, and how many attempts each step had (children come newest first). */
function latestByStep(jobs) {
  const latest = new Map();
  const attempts = new Map();
  for (const j of jobs) {
    if (!j.step) continue;
    if (!latest.has(j.step)) latest.set(j.step, j);
    attempts.set(j.step, (attempts.get(j.step) || 0) + 1);
  }
  return { latest, attempts };
}

function StepPanel({ step, job, attempts, counts, signal, tab, setTab }) {
  const tree = useData(() => (job ? api.get(`/api/jobs/${job.id}/tree?limit=50`) : null), [job && job.id]);
  const results = useData(() => (job && tab === 'results' ? api.get(`/api/jobs/${job.id}/results?limit=50`) : null), [job && job.id, tab]);
  useEffect(() => {
    if (!signal || !job) return;
    tree.reload();
    if (tab === 'results') results.reload();
  }, [signal]);
  if (!job) {
    return html`<section class="card step-panel" data-step=${step.name}><h2>Step ${step.name}</h2>
      <p class="muted">Not started: it waits for ${step.depends.length ? step.depends.join(', ') : 'its turn'}.</p></section>`;
  }
  const kids = tree.data ? tree.data.jobs.filter(j => j.id !== job.id) : [];
  return html`<section class="card step-panel" data-step=${step.name} data-status=${job.status}>
    <div class="page-head"><h2>Step ${step.name} <${Status} status=${job.status} /></h2>
      <a href=${'/jobs/' + job.id}>Open the step's job</a></div>
    <dl class="facts">
      <div class="fact"><dt>Action</dt><dd>${step.action || job.type}</dd></div>
      <div class="fact"><dt>Attempts</dt><dd>${attempts}</dd></div>
      <div class="fact"><dt>Started</dt><dd><${Time} at=${job.started_at} /></dd></div>
      <div class="fact"><dt>${job.finished_at ? 'Took' : 'Running for'}</dt><dd>${job.started_at ? duration(between(job.started_at, job.finished_at)) : '–'}</dd></div>
      ${counts ? html`<div class="fact"><dt>Results</dt><dd>${num(counts.completed || 0)}</dd></div>` : null}
    </dl>
    ${job.error ? html`<p class="error-box"><strong>Error:</strong> ${job.error}</p>` : null}
    ${job.warning ? html`<p class="warn-box"><strong>Warning:</strong> ${job.warning}</p>` : null}
    ${counts && counts.total ? html`<${Progress} current=${counts.total - (counts.pending || 0) - (counts.scheduled || 0) - (counts.running || 0) - (counts.waiting || 0)}
      total=${counts.total} text=${countsText(counts)} label=${'progress of step ' + step.name} />` : null}
    <div class="tabs" role="tablist">
      ${['children', 'log', 'results'].map(t => html`<button type="button" role="tab" aria-selected=${tab === t ? 'true' : 'false'}
        class=${tab === t ? 'tab on' : 'tab'} onClick=${() => setTab(t)}>${t[0].toUpperCase() + t.slice(1)}</button>`)}
    </div>
    ${tab === 'children' ? html`<div role="tabpanel">
      <${ErrorNote} error=${tree.error} />
      ${kids.length ? html`<${JobTable} jobs=${kids} hide=${['queue']} caption="Jobs the step spawned, newest first" />`
        : html`<p class="muted">${tree.loading ? 'Loading…' : 'This step spawned no jobs.'}</p>`}
      ${tree.data && tree.data.next_cursor ? html`<p><a href=${'/jobs?root_id=' + job.root_id + '&parent_id=' + job.id}>More in the jobs list →</a></p>` : null}
    </div>` : null}
    ${tab === 'log' ? html`<div role="tabpanel"><${LogView} jobId=${job.id} signal=${signal} live=${LIVE.includes(job.status)} /></div>` : null}
    ${tab === 'results' ? html`<div role="tabpanel">
      <${ErrorNote} error=${results.error} />
      ${results.data && results.data.results.length ? html`<ol class="results">${results.data.results.map(r => html`<li>
          <a href=${'/jobs/' + r.job_id}>${r.type}</a> <${Status} status=${r.status} />
          ${r.title ? html` <strong>${r.title}</strong>` : null}${r.reference ? html` <span class="muted small">${r.reference}</span>` : null}
          <${Json} value=${r.result} label="result" /></li>`)}</ol>`
        : html`<p class="muted">${results.loading ? 'Loading…' : 'No results yet.'}</p>`}
    </div>` : null}
  </section>`;
}

export function RunPage({ id }) {
  const params = new URLSearchParams(location.search);
  const [selected, setSelected] = useState(params.get('step'));
  const [tab, setTab] = useState('children');
  const [signal, setSignal] = useState(0);
  const [counts, setCounts] = useState(new Map());
  const run = useData(() => api.get('/api/jobs/' + id), [id]);
  const steps = useData(() => api.get(`/api/jobs/${id}/children?limit=1000`), [id]);
  const fetching = useRef(new Set());

  // counts of what each live step spawned (a finished step's do not change)
  useEffect(() => {
    if (!steps.data) return;
    for (const j of steps.data.jobs) {
      if (!j.step || fetching.current.has(j.id) || (counts.has(j.id) && !LIVE.includes(j.status) && counts.get(j.id).final)) continue;
      fetching.current.add(j.id);
      api.get('/api/jobs/' + j.id).then(full => {
        setCounts(m => new Map(m).set(j.id, { ...(full.scope || full.children || { total: 0 }), final: !LIVE.includes(full.status) }));
      }, () => {}).finally(() => fetching.current.delete(j.id));
    }
  }, [steps.data]);

  const reload = useThrottled(() => {
    run.reload();
    steps.reload();
  }, 500);
  const panel = useThrottled(() => setSignal(n => n + 1), 1000);
  const types = tab === 'log' && selected ? [...EVENTS, 'job_log'] : EVENTS;
  useLive({ types, root_id: [id] }, batch => {
    for (const e of batch) {
      const p = e.payload;
      if (e.type === 'job_progress') {
        setCounts(m => new Map(m).set(p.job_id, { total: p.total_subtasks, pending: p.pending_subtasks, running: p.running_subtasks,
          completed: p.completed_subtasks, failed: p.failed_subtasks, cancelled: p.cancelled_subtasks, final: false }));
      }
    }
    reload();
    panel();
  }, () => {
    reload();
    panel();
  });

  useEffect(() => {
    document.title = 'Run ' + (run.data ? run.data.definition_id + ' ' + run.data.status : '') + ' · Ordo';
  }, [run.data && run.data.status]);

  if (run.error && !run.data) return html`<section><h1>Run</h1><${ErrorNote} error=${run.error} /></section>`;
  if (!run.data || !steps.data) return html`<${Loading} what="the run" />`;
  const r = run.data;
  if (r.type !== 'ordo.run') {
    return html`<section><h1>Not a run</h1><p>Job <a href=${'/jobs/' + r.id}>${r.id}</a> is a <code>${r.type}</code> job, not the run of a definition.</p></section>`;
  }
  const defined = definedSteps(r);
  const { latest, attempts } = latestByStep(steps.data.jobs);
  const graph = defined.map(s => {
    const j = latest.get(s.name);
    const c = j && counts.get(j.id);
    const line2 = c && c.total ? `${num(c.total - (c.pending || 0) - (c.running || 0))}/${num(c.total)} done · ${num(c.completed || 0)} completed`
      : j && attempts.get(s.name) > 1 ? `attempt ${attempts.get(s.name)}` : j && j.started_at ? duration(between(j.started_at, j.finished_at)) : '';
    return { ...s, status: j ? j.status : null, line1: j ? j.status + (j.warning ? ' ⚠' : '') : 'not started', line2 };
  });
  const select = name => {
    const next = selected === name ? null : name;
    setSelected(next);
    navigate('/runs/' + id + (next ? '?step=' + encodeURIComponent(next) : ''), { replace: true });
  };
  const sel = defined.find(s => s.name === selected);
  const tree = r.tree;
  return html`<section class="page-run" data-run-id=${r.id} data-status=${r.status}>
    <div class="page-head">
      <div><p class="crumbs"><a href="/definitions">Definitions</a> › <a href=${'/definitions/' + encodeURIComponent(r.definition_id)}>${r.definition_id}</a> ›</p>
        <h1>Run <${Status} status=${r.status} /></h1>
        <p class="muted"><code>${r.id}</code> · ${(r.payload && r.payload.trigger) || 'manual'} · started <${Time} at=${r.created_at} />${' · '}${r.finished_at ? 'took ' + duration(between(r.created_at, r.finished_at)) : 'running for ' + duration(between(r.created_at))}</p>
      </div>
      <${JobActions} job=${r} descendants=${tree ? tree.total : 0} onDone=${() => reload()} />
    </div>
    ${r.error ? html`<p class="error-box"><strong>Error:</strong> ${r.error}</p>` : null}
    ${r.warning ? html`<p class="warn-box"><strong>Warning:</strong> ${r.warning}</p>` : null}
    ${tree ? html`<p class="counts" id="run-counts">${num(tree.total)} jobs: ${countsText(tree)}</p>` : null}
    <section class="card"><h2>Steps</h2>
      ${defined.length ? html`<${StepGraph} steps=${graph} selected=${selected} onSelect=${select} />`
        : html`<${Empty} title="This run has no steps recorded." />`}
      <p class="muted small">Select a step to see what it spawned, its log and its results.</p>
    </section>
    ${sel ? html`<${StepPanel} key=${sel.name} step=${sel} job=${latest.get(sel.name)} attempts=${attempts.get(sel.name) || 0}
      counts=${latest.get(sel.name) && counts.get(latest.get(sel.name).id)} signal=${signal} tab=${tab} setTab=${setTab} />` : null}
  </section>`;
}
