// Recurring jobs (schedules): cron and zone, next and last run; pause, resume, run now, delete; create one.
import { html, useEffect, useState } from './html.js';
import { api, canWrite } from './api.js';
import { navigate } from './router.js';
import { useData, useInterval, Time, ErrorNote, Loading, Empty, ActionButton, confirmDialog } from './ui.js';
import { jsonProblem } from './editor.js';

const FIELDS = ['id', 'type', 'cron', 'timezone', 'missed', 'queue', 'priority', 'payload'];
const EMPTY = { id: '', type: '', cron: '', timezone: '', missed: 'run_once', queue: '', priority: '', payload: '{}' };

function CreateForm({ onCreated }) {
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const payloadProblem = jsonProblem(form.payload);
  const set = (k, v) => {
    setForm(f => ({ ...f, [k]: v }));
    setErrors(e => ({ ...e, [k]: null }));
  };
  const create = async () => {
    setError(null);
    if (payloadProblem) return;
    const body = { id: form.id.trim(), type: form.type.trim(), cron: form.cron.trim(), missed: form.missed, payload: JSON.parse(form.payload) };
    if (form.timezone.trim()) body.timezone = form.timezone.trim();
    if (form.queue.trim()) body.queue = form.queue.trim();
    if (form.priority.trim()) {
      if (!/^-?\d+$/.test(form.priority.trim())) {
        setErrors(e => ({ ...e, priority: 'A whole number.' }));
        return;
      }
      body.priority = Number(form.priority);
    }
    try {
      await api.post('/api/schedules', body);
      setForm(EMPTY);
      onCreated();
    } catch (e) {
      const field = e.details && e.details.field;
      if (field && FIELDS.includes(field)) setErrors(x => ({ ...x, [field]: e.message }));
      else setError(e);
    }
  };
  const input = (name, label, hint, placeholder) => html`<div class=${'field' + (errors[name] ? ' has-error' : '')}>
    <label for=${'s-' + name}>${label}</label>
    <input id=${'s-' + name} name=${name} value=${form[name]} placeholder=${placeholder || ''} onInput=${e => set(name, e.target.value)}
      aria-invalid=${errors[name] ? 'true' : 'false'} autocomplete="off" />
    ${hint ? html`<p class="hint">${hint}</p>` : null}
    ${errors[name] ? html`<p class="field-error" role="alert">${errors[name]}</p>` : null}
  </div>`;
  return html`<section class="card"><h2>New schedule</h2>
    <form class="form" onSubmit=${e => { e.preventDefault(); create(); }} novalidate>
      <div class="grid">
        ${input('id', 'Id', 'letters, digits, _ . : -', 'nightly-report')}
        ${input('type', 'Job type', 'a type a node of this cluster runs', 'noop')}
        ${input('cron', 'Cron', 'minute hour day month weekday (or seconds first)', '0 3 * * *')}
        ${input('timezone', 'Time zone', 'IANA zone; UTC when empty', 'Europe/Berlin')}
        <div class="field"><label for="s-missed">Missed ticks</label>
          <select id="s-missed" name="missed" value=${form.missed} onChange=${e => set('missed', e.target.value)}>
            <option value="run_once">run the newest once</option><option value="skip">skip</option></select>
          <p class="hint">a tick that fell while every node was down</p></div>
        ${input('queue', 'Queue', 'default when empty', 'default')}
        ${input('priority', 'Priority', 'lower runs first', '0')}
      </div>
      <div class=${'field' + (payloadProblem || errors.payload ? ' has-error' : '')}><label for="s-payload">Payload (JSON object)</label>
        <textarea id="s-payload" name="payload" rows="4" spellcheck="false" class="mono" value=${form.payload} onInput=${e => set('payload', e.target.value)}></textarea>
        ${payloadProblem || errors.payload ? html`<p class="field-error" role="alert">${payloadProblem ? 'Not valid JSON: ' + payloadProblem : errors.payload}</p>` : null}</div>
      <${ErrorNote} error=${error} />
      <div class="row"><${ActionButton} kind="primary" disabled=${!!payloadProblem || !form.id.trim() || !form.type.trim() || !form.cron.trim()} onClick=${create}>Create schedule</${ActionButton}></div>
    </form>
  </section>`;
}

function Actions({ s, onChange, setError }) {
  const path = '/api/schedules/' + encodeURIComponent(s.id);
  const act = fn => async () => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };
  const run = act(async () => navigate('/jobs/' + (await api.post(path + '/run')).id));
  const toggle = act(async () => {
    await api.post(path + (s.paused ? '/resume' : '/pause'));
    onChange();
  });
  const del = act(async () => {
    if (!(await confirmDialog({ title: 'Delete schedule', message: `Delete schedule ${s.id}? The jobs it started are kept.`, confirm: 'Delete', danger: true }))) return;
    await api.del(path);
    onChange();
  });
  return html`<div class="row">
    <${ActionButton} kind="small" label=${(s.paused ? 'Resume ' : 'Pause ') + s.id} onClick=${toggle}>${s.paused ? 'Resume' : 'Pause'}</${ActionButton}>
    <${ActionButton} kind="primary small" label=${'Run ' + s.id + ' now'} onClick=${run}>Run now</${ActionButton}>
    <${ActionButton} kind="danger small" label=${'Delete ' + s.id} onClick=${del}>Delete</${ActionButton}>
  </div>`;
}

export function SchedulesPage() {
  const list = useData(() => api.get('/api/schedules'), []);
  const [error, setError] = useState(null);
  useEffect(() => {
    document.title = 'Schedules · Ordo';
  }, []);
  useInterval(() => list.reload(), 5000);
  const all = list.data ? list.data.schedules : [];
  return html`<section class="page-schedules">
    <div class="page-head"><h1>Recurring jobs</h1></div>
    <${ErrorNote} error=${list.error || error} />
    ${list.loading && !list.data ? html`<${Loading} what="schedules" />` : all.length === 0
      ? html`<${Empty} title="No schedules yet.">Create one below, or with <code>ordo schedules create ID --cron EXPR --type T</code>.</${Empty}>`
      : html`<div class="table-wrap"><table class="schedules">
      <thead><tr><th>Schedule</th><th>Cron</th><th>Job</th><th>Next run</th><th>Last run</th><th>State</th>
        ${canWrite() ? html`<th><span class="sr-only">Actions</span></th>` : null}</tr></thead>
      <tbody>${all.map(s => html`<tr data-schedule=${s.id}>
        <td><strong>${s.id}</strong><div class="muted small">missed: ${s.missed === 'skip' ? 'skip' : 'run once'}</div></td>
        <td><code>${s.cron}</code> <span class="muted small">${s.timezone}</span></td>
        <td><code>${s.type}</code> <span class="muted small">on ${s.queue}</span></td>
        <td>${s.next_run_at ? html`<${Time} at=${s.next_run_at} />` : html`<span class="muted">–</span>`}</td>
        <td>${s.last_job_id ? html`<a href=${'/jobs/' + s.last_job_id}><${Time} at=${s.last_run_at} /></a>` : html`<span class="muted">never</span>`}</td>
        <td>${s.paused ? html`<span class="badge">paused</span>` : 'active'}</td>
        ${canWrite() ? html`<td><${Actions} s=${s} onChange=${() => list.reload()} setError=${setError} /></td>` : null}
      </tr>`)}</tbody></table></div>`}
    ${canWrite() ? html`<${CreateForm} onCreated=${() => list.reload()} />` : null}
  </section>`;
}
