// Submit a job: a type the cluster can run, a JSON payload checked as you type, and the options; then its page.
import { html, useEffect, useState } from './html.js';
import { api, canWrite } from './api.js';
import { navigate } from './router.js';
import { useData, ErrorNote, ActionButton } from './ui.js';
import { jsonProblem } from './editor.js';

const FIELDS = ['type', 'payload', 'queue', 'priority', 'delay', 'max_attempts', 'timeout', 'unique_key'];

function Field({ label, name, error, hint, children }) {
  return html`<div class=${'field' + (error ? ' has-error' : '')}>
    <label for=${'f-' + name}>${label}</label>${children}
    ${hint ? html`<p class="hint" id=${'f-' + name + '-hint'}>${hint}</p>` : null}
    ${error ? html`<p class="field-error" role="alert" id=${'f-' + name + '-error'}>${error}</p>` : null}
  </div>`;
}

export function SubmitPage() {
  const meta = useData(async () => {
    const [nodes, queues] = await Promise.all([api.get('/api/cluster/nodes'), api.get('/api/queue/stats')]);
    const types = new Set();
    nodes.nodes.filter(n => n.state === 'alive').forEach(n => n.types.filter(t => !t.startsWith('ordo.')).forEach(t => types.add(t)));
    return { types: [...types].sort(), queues: queues.queues.map(q => q.queue) };
  }, []);
  const [form, setForm] = useState({ type: '', payload: '{}', queue: '', priority: '', delay: '', max_attempts: '', timeout: '', unique_key: '' });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  useEffect(() => {
    document.title = 'Submit · Ordo';
  }, []);
  useEffect(() => {
    if (meta.data && !form.type && meta.data.types.length) setForm(f => ({ ...f, type: meta.data.types.includes('noop') ? 'noop' : meta.data.types[0] }));
  }, [meta.data]);

  if (!canWrite()) return html`<section class="page-submit"><h1>Submit a job</h1><p>Your token can only read: submitting needs an admin token.</p></section>`;
  const payloadProblem = jsonProblem(form.payload);
  const set = (k, v) => {
    setForm(f => ({ ...f, [k]: v }));
    setErrors(e => ({ ...e, [k]: null }));
  };
  const submit = async () => {
    setError(null);
    if (payloadProblem) return;
    const body = { type: form.type.trim(), payload: JSON.parse(form.payload) };
    for (const k of ['queue', 'delay', 'timeout', 'unique_key']) if (form[k].trim()) body[k] = form[k].trim();
    for (const k of ['priority', 'max_attempts']) {
      if (form[k].trim() === '') continue;
      if (!/^-?\d+$/.test(form[k].trim())) {
        setErrors(e => ({ ...e, [k]: 'A whole number.' }));
        return;
      }
      body[k] = Number(form[k]);
    }
    try {
      const r = await api.post('/api/jobs', body);
      navigate('/jobs/' + r.job_id);
    } catch (e) {
      const field = e.details && e.details.field;
      const name = field && FIELDS.find(f => field === f || field.startsWith(f + '.') || field.startsWith(f + '['));
      if (name) setErrors(x => ({ ...x, [name]: e.message }));
      else setError(e);
    }
  };
  const types = meta.data ? meta.data.types : [];
  return html`<section class="page-submit">
    <h1>Submit a job</h1>
    <form class="form" onSubmit=${e => { e.preventDefault(); submit(); }} novalidate>
      <${Field} label="Type" name="type" error=${errors.type} hint="A job type that a node of this cluster runs (or type another).">
        <input id="f-type" name="type" list="submit-types" value=${form.type} onInput=${e => set('type', e.target.value)} required
          aria-invalid=${errors.type ? 'true' : 'false'} autocomplete="off" />
        <datalist id="submit-types">${types.map(t => html`<option value=${t} />`)}</datalist>
      <//>
      <${Field} label="Payload (JSON)" name="payload" error=${payloadProblem ? 'Not valid JSON: ' + payloadProblem : errors.payload}>
        <textarea id="f-payload" name="payload" rows="8" spellcheck="false" class="mono" value=${form.payload}
          onInput=${e => set('payload', e.target.value)} aria-invalid=${payloadProblem ? 'true' : 'false'}></textarea>
      <//>
      <div class="grid">
        <${Field} label="Queue" name="queue" error=${errors.queue} hint="default when empty">
          <input id="f-queue" name="queue" list="submit-queues" value=${form.queue} placeholder="default" onInput=${e => set('queue', e.target.value)} />
          <datalist id="submit-queues">${(meta.data ? meta.data.queues : []).map(q => html`<option value=${q} />`)}</datalist>
        <//>
        <${Field} label="Priority" name="priority" error=${errors.priority} hint="lower runs first; 0 when empty">
          <input id="f-priority" name="priority" inputmode="numeric" value=${form.priority} placeholder="0" onInput=${e => set('priority', e.target.value)} /><//>
        <${Field} label="Delay" name="delay" error=${errors.delay} hint="e.g. 30s, 5m, 1h30m">
          <input id="f-delay" name="delay" value=${form.delay} placeholder="none" onInput=${e => set('delay', e.target.value)} /><//>
        <${Field} label="Max attempts" name="max_attempts" error=${errors.max_attempts} hint="the type's default when empty">
          <input id="f-max_attempts" name="max_attempts" inputmode="numeric" value=${form.max_attempts} onInput=${e => set('max_attempts', e.target.value)} /><//>
        <${Field} label="Timeout" name="timeout" error=${errors.timeout} hint="e.g. 30s; the type's default when empty">
          <input id="f-timeout" name="timeout" value=${form.timeout} onInput=${e => set('timeout', e.target.value)} /><//>
        <${Field} label="Unique key" name="unique_key" error=${errors.unique_key} hint="while a job with this key is live, submitting again returns it">
          <input id="f-unique_key" name="unique_key" value=${form.unique_key} onInput=${e => set('unique_key', e.target.value)} /><//>
      </div>
      <${ErrorNote} error=${error} />
      <div class="row"><${ActionButton} kind="primary" disabled=${!!payloadProblem || !form.type.trim()} onClick=${submit}>Submit</${ActionButton}></div>
    </form>
  </section>`;
}
