// Jobs: filters, newest first with keyset pages, rows that follow the live stream, bulk actions.
import { html, useState, useEffect, useRef } from './html.js';
import { api, qs, canWrite } from './api.js';
import { useLocation, navigate } from './router.js';
import { useData, useLive, useThrottled, useInterval, ErrorNote, Loading, Empty, confirmDialog, plural, ActionButton } from './ui.js';
import { JobTable, applyStatusEvents } from './job-table.js';
import { STATUSES, isId, shortId } from './format.js';

const PAGE = 50;
const FILTERS = ['status', 'queue', 'type', 'parent_id', 'root_id', 'error'];

function filtersOf(query) {
  const f = {};
  for (const k of FILTERS) f[k] = query.get(k) || '';
  f.cursor = query.get('cursor') || '';
  return f;
}

function setFilters(next) {
  navigate('/jobs' + qs(next), { replace: true });
}

function FilterBar({ f, queues, types }) {
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState('');
  const statuses = f.status ? f.status.split(',') : [];
  const toggle = s => {
    const next = statuses.includes(s) ? statuses.filter(x => x !== s) : [...statuses, s];
    setFilters({ ...f, status: next.join(','), cursor: '' });
  };
  const field = (name, value) => setFilters({ ...f, [name]: value.trim(), cursor: '' });
  const open = e => {
    e.preventDefault();
    if (isId(goto)) navigate('/jobs/' + goto.trim());
    else setGotoError('A job id looks like 0190a1b2-…: 36 characters.');
  };
  return html`<form class="filters" onSubmit=${e => e.preventDefault()} aria-label="Filter jobs">
    <fieldset class="chips"><legend>Status</legend>
      ${STATUSES.map(s => html`<label class=${'chip st-' + s + (statuses.includes(s) ? ' on' : '')}>
        <input type="checkbox" checked=${statuses.includes(s)} onChange=${() => toggle(s)} />${s}</label>`)}
    </fieldset>
    <div class="row wrap">
      <label>Queue <select value=${f.queue} onChange=${e => field('queue', e.target.value)} name="queue">
        <option value="">any</option>
        ${[...new Set([...queues, f.queue].filter(Boolean))].map(q => html`<option value=${q}>${q}</option>`)}
      </select></label>
      <label>Type <input name="type" list="job-types" value=${f.type} placeholder="any" size="14"
        onChange=${e => field('type', e.target.value)} /></label>
      <datalist id="job-types">${types.map(t => html`<option value=${t} />`)}</datalist>
      <label>Parent <input name="parent_id" value=${f.parent_id} placeholder="job id" size="14" onChange=${e => field('parent_id', e.target.value)} /></label>
      <label>Root <input name="root_id" value=${f.root_id} placeholder="job id" size="14" onChange=${e => field('root_id', e.target.value)} /></label>
      ${f.error ? html`<span class="chip on" title=${f.error}>error: ${f.error.length > 40 ? f.error.slice(0, 40) + '…' : f.error}
        <button type="button" class="linkish" aria-label="Clear the error filter" onClick=${() => field('error', '')}>×</button></span>` : null}
      ${FILTERS.some(k => f[k]) ? html`<button type="button" class="btn small" onClick=${() => setFilters({})}>Clear filters</button>` : null}
    </div>
    <div class="row wrap">
      <label>Open job <input name="goto" value=${goto} placeholder="paste a job id" size="38" onInput=${e => { setGoto(e.target.value); setGotoError(''); }}
        onKeyDown=${e => e.key === 'Enter' && open(e)} /></label>
      <button type="button" class="btn small" onClick=${open}>Open</button>
      ${gotoError ? html`<span class="field-error" role="alert">${gotoError}</span>` : null}
    </div>
  </form>`;
}

export function JobsPage() {
  const { query } = useLocation();
  const f = filtersOf(query);
  const key = qs(f);
  const [selected, setSelected] = useState(new Set());
  const [flash, setFlash] = useState(new Set());
  const [news, setNews] = useState(false);
  const [result, setResult] = useState(null);
  const [actionError, setActionError] = useState(null);
  const history = useRef([]);
  useEffect(() => {
    document.title = 'Jobs · Ordo';
  }, []);

  const list = useData(() => api.get('/api/jobs' + qs({ ...f, limit: PAGE })), [key]);
  const meta = useData(async () => {
    const [queues, nodes] = await Promise.all([api.get('/api/queue/stats'), api.get('/api/cluster/nodes')]);
    const types = new Set();
    nodes.nodes.filter(n => n.state === 'alive').forEach(n => n.types.forEach(t => types.add(t)));
    return { queues: queues.queues.map(q => q.queue), types: [...types].sort() };
  }, []);

  const firstPage = !f.cursor;
  const refresh = useThrottled(() => {
    setNews(false);
    list.reload();
  }, 1000);
  const liveFilter = f.root_id && isId(f.root_id) ? { types: ['job_status_change'], root_id: [f.root_id] }
    : f.parent_id && isId(f.parent_id) ? { types: ['job_status_change', 'job_spawn'], job_id: [f.parent_id] }
      : { types: ['job_status_change'] };
  useLive(liveFilter, batch => {
    if (!list.data) return;
    const [rows, changed, unknown] = applyStatusEvents(list.data.jobs, batch);
    if (changed.size) {
      list.setData(d => ({ ...d, jobs: rows }));
      setFlash(changed);
    }
    const newest = list.data.jobs.length ? list.data.jobs[0].id : '';
    const arrived = batch.some(e => e.type === 'job_spawn') || unknown.some(p => p.job_id > newest && matches(f, p));
    if (arrived && firstPage) {
      if (selected.size) setNews(true);
      else refresh();
    }
  }, () => list.reload());
  // jobs that only wait (submitted, no worker yet) send no events: look again now and then
  useInterval(() => {
    if (firstPage && !selected.size && document.visibilityState === 'visible') list.reload();
  }, 10000);
  useEffect(() => {
    if (!flash.size) return undefined;
    const t = setTimeout(() => setFlash(new Set()), 1200);
    return () => clearTimeout(t);
  }, [flash]);
  useEffect(() => setSelected(new Set()), [key]);

  const jobs = list.data ? list.data.jobs : [];
  const toggle = id => setSelected(s => {
    const n = new Set(s);
    n.has(id) ? n.delete(id) : n.add(id);
    return n;
  });
  const toggleAll = () => setSelected(s => (jobs.every(j => s.has(j.id)) ? new Set() : new Set(jobs.map(j => j.id))));

  const bulk = async action => {
    const ids = [...selected];
    const verbs = { cancel: ['Cancel', 'and everything they spawned are cancelled; running ones are asked to stop.'],
      restart: ['Restart', 'go back to pending (those that failed or were cancelled; the others are refused).'],
      delete: ['Delete', 'are deleted with their logs and children. This cannot be undone.'] };
    const [verb, what] = verbs[action];
    const ok = await confirmDialog({ title: `${verb} ${plural(ids.length, 'job')}?`, message: `The ${plural(ids.length, 'selected job')} ${what}`,
      confirm: `${verb} ${plural(ids.length, 'job')}`, danger: action !== 'restart' });
    if (!ok) return;
    setActionError(null);
    try {
      const r = await api.post('/api/jobs/bulk', { action, ids });
      setResult(r);
      setSelected(new Set());
      list.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const older = () => {
    history.current.push(f.cursor);
    setFilters({ ...f, cursor: list.data.next_cursor });
  };
  const newer = () => setFilters({ ...f, cursor: history.current.pop() || '' });

  return html`<section class="page-jobs">
    <div class="page-head"><h1>Jobs</h1>
      ${canWrite() ? html`<a class="btn primary" href="/submit">Submit a job</a>` : null}</div>
    <${FilterBar} f=${f} queues=${meta.data ? meta.data.queues : []} types=${meta.data ? meta.data.types : []} />
    ${canWrite() && selected.size ? html`<div class="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>${plural(selected.size, 'job')} selected</strong>
      <${ActionButton} onClick=${() => bulk('cancel')}>Cancel</${ActionButton}>
      <${ActionButton} onClick=${() => bulk('restart')}>Restart</${ActionButton}>
      <${ActionButton} kind="danger" onClick=${() => bulk('delete')}>Delete</${ActionButton}>
      <button type="button" class="btn small" onClick=${() => setSelected(new Set())}>Clear selection</button>
    </div>` : null}
    <${ErrorNote} error=${actionError} />
    ${result ? html`<p class="note" role="status" id="bulk-result">${result.action}: ${result.matched} matched, ${result.succeeded} done,${' '}${result.failed.length} refused${result.failed.length ? ' — ' + result.failed.slice(0, 3).map(x => shortId(x.job_id) + ': ' + x.message).join('; ') : ''}
      <button type="button" class="linkish" onClick=${() => setResult(null)} aria-label="Dismiss">×</button></p>` : null}
    ${news ? html`<p class="note"><button type="button" class="linkish" onClick=${() => { setSelected(new Set()); refresh(); }}>New jobs arrived: show them</button></p>` : null}
    <${ErrorNote} error=${list.error} />
    ${list.loading && !list.data ? html`<${Loading} what="jobs" />`
      : jobs.length === 0 ? (FILTERS.some(k => f[k])
        ? html`<${Empty} title="No jobs match these filters.">Change or clear the filters above.</${Empty}>`
        : html`<${Empty} title="No jobs yet.">Submit one from the <a href="/submit">Submit</a> page, or try <code>./ordo submit noop</code>.</${Empty}>`)
        : html`<${JobTable} jobs=${jobs} flash=${flash} caption="Jobs, newest first"
            selected=${canWrite() ? selected : null} onToggle=${toggle} onToggleAll=${toggleAll} />`}
    <div class="pager">
      ${f.cursor ? html`<button type="button" class="btn small" onClick=${newer}>← Newer</button>
        <button type="button" class="btn small" onClick=${() => { history.current = []; setFilters({ ...f, cursor: '' }); }}>Newest</button>` : null}
      ${list.data && list.data.next_cursor ? html`<button type="button" class="btn small" onClick=${older}>Older →</button>` : null}
    </div>
  </section>`;
}

/** Whether a status event's job could be on this list (the filters the event can tell about). */
function matches(f, p) {
  if (f.queue && p.queue && p.queue !== f.queue) return false;
  if (f.type && p.job_type && p.job_type !== f.type) return false;
  if (f.status && !f.status.split(',').includes(p.status)) return false;
  return true;
}
