// One job definition: its source in an editor (validate, save, with problems next to their fields),
// run it now, its recent runs. Also the page for writing a new one.
import { html, useEffect, useState } from './html.js';
import { api, canWrite } from './api.js';
import { navigate } from './router.js';
import { useData, useInterval, Status, Time, ErrorNote, Loading, ActionButton, confirmDialog } from './ui.js';
import { CodeEditor, locate } from './editor.js';
import { RunButton } from './page-definitions.js';
import { duration, between, LIVE } from './format.js';

const TEMPLATE = `id: my-definition
name: My first definition
# schedule: "0 3 * * *"   # cron, 5 fields, UTC; leave it out to run on demand only
steps:
  - name: prepare
    action: noop
  - name: work
    action: sleep
    depends: [prepare]
    config: { ms: 1000 }
`;

function Runs({ id }) {
  const runs = useData(() => api.get(`/api/jobs/definitions/${encodeURIComponent(id)}/runs?limit=20`), [id]);
  useInterval(() => {
    if (runs.data && runs.data.jobs.some(j => LIVE.includes(j.status))) runs.reload();
  }, 3000);
  if (!runs.data) return html`<${ErrorNote} error=${runs.error} />`;
  if (!runs.data.jobs.length) return html`<p class="muted">It has not run yet.</p>`;
  return html`<div class="table-wrap"><table class="runs"><thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th>Started</th><th>Took</th></tr></thead>
    <tbody>${runs.data.jobs.map(r => html`<tr data-run-id=${r.id}><td><a href=${'/runs/' + r.id}><code>${r.id.slice(0, 8)}…</code></a></td>
      <td><${Status} status=${r.status} />${r.warning ? html` <span title=${r.warning}>⚠</span>` : null}</td>
      <td>${(r.payload && r.payload.trigger) || '–'}</td><td><${Time} at=${r.created_at} /></td>
      <td class="num">${duration(between(r.created_at, r.finished_at))}${r.finished_at ? '' : '…'}</td></tr>`)}</tbody></table></div>`;
}

export function DefinitionPage({ id }) {
  const isNew = id === null;
  const def = useData(() => (isNew ? null : api.get('/api/jobs/definitions/' + encodeURIComponent(id))), [id]);
  const [text, setText] = useState(isNew ? TEMPLATE : null);
  const [format, setFormat] = useState('yaml');
  const [problems, setProblems] = useState([]);
  const [verdict, setVerdict] = useState(null);
  const [error, setError] = useState(null);
  const writable = canWrite();
  useEffect(() => {
    document.title = (isNew ? 'New definition' : id) + ' · Ordo';
  }, [id]);
  useEffect(() => {
    if (def.data && text === null) {
      setText(def.data.source || JSON.stringify(def.data.definition, null, 2));
      setFormat(def.data.source ? def.data.format : 'json');
    }
  }, [def.data]);

  if (!isNew && def.error && !def.data) return html`<section><h1>${id}</h1><${ErrorNote} error=${def.error} /><p><a href="/definitions">All definitions</a></p></section>`;
  if (!isNew && !def.data) return html`<${Loading} what="the definition" />`;
  const d = def.data;
  const body = () => ({ source: text, format, file: (isNew ? 'new-definition' : id) + '.' + (format === 'yaml' ? 'yaml' : format) });
  const show = list => setProblems(list.map(p => ({ ...p, line: locate(text, format, p.field) })));

  const validate = async () => {
    setError(null);
    setVerdict(null);
    try {
      const r = await api.post('/api/jobs/definitions/validate', body());
      show(r.problems);
      setVerdict(r.valid ? `Valid: ${r.definition.steps.length} step${r.definition.steps.length === 1 ? '' : 's'}.` : null);
    } catch (e) {
      setError(e);
    }
  };
  const save = async () => {
    setError(null);
    setVerdict(null);
    try {
      const r = isNew ? await api.post('/api/jobs/definitions', body()) : await api.put('/api/jobs/definitions/' + encodeURIComponent(id), body());
      setProblems([]);
      if (isNew || r.id !== id) {
        navigate('/definitions/' + encodeURIComponent(r.id));
        return;
      }
      setVerdict(`Saved: version ${r.version} (${r.change}).`);
      def.reload();
    } catch (e) {
      if (e.details && e.details.problems) {
        show(e.details.problems);
        setError(new Error('Not saved: the definition has ' + e.details.problems.length + ' problem' + (e.details.problems.length === 1 ? '' : 's')
          + ' (listed below). Nothing was stored.'));
      } else setError(e);
    }
  };
  const remove = async () => {
    if (!(await confirmDialog({ title: `Delete ${id}?`, message: `The definition ${id} is deleted; runs already started go on and stay listed.`,
      confirm: 'Delete definition', danger: true }))) return;
    try {
      await api.del('/api/jobs/definitions/' + encodeURIComponent(id));
      navigate('/definitions');
    } catch (e) {
      setError(e);
    }
  };

  return html`<section class="page-definition">
    <div class="page-head">
      <div><p class="crumbs"><a href="/definitions">Definitions</a> ›</p>
        <h1>${isNew ? 'New definition' : d.name || d.id}</h1>
        ${d ? html`<p class="muted"><code>${d.id}</code> · version ${d.version} · ${d.enabled ? 'enabled' : 'disabled'}
          ${d.schedule ? html` · <code>${d.schedule}</code> (UTC)${d.next_run_at ? html`, next run <${Time} at=${d.next_run_at} />` : null}` : ' · runs on demand'}</p>` : null}
        ${d && d.description ? html`<p>${d.description}</p>` : null}
      </div>
      ${d && writable ? html`<div class="row"><${RunButton} id=${d.id} kind="primary" />
        <${ActionButton} label="Delete this definition" onClick=${remove}>Delete</${ActionButton}></div>` : null}
    </div>
    ${d ? html`<section class="card"><h2>Recent runs</h2><${Runs} id=${d.id} /></section>` : null}
    <section class="card"><h2>${writable ? (isNew ? 'Write it' : 'Source') : 'Source'}</h2>
      ${writable ? html`<div class="row wrap">
        <label>Format <select name="format" value=${format} onChange=${e => { setFormat(e.target.value); setProblems([]); }}>
          <option value="yaml">YAML</option><option value="toml">TOML</option><option value="json">JSON</option></select></label>
        <${ActionButton} onClick=${validate}>Validate</${ActionButton}>
        <${ActionButton} kind="primary" onClick=${save}>${isNew ? 'Create' : 'Save'}</${ActionButton}>
        ${verdict ? html`<span class="ok-note" role="status" id="definition-verdict">${verdict}</span>` : null}
      </div>` : html`<p class="muted small">Read only: your token cannot change definitions.</p>`}
      <${ErrorNote} error=${error} />
      ${text !== null ? html`<${CodeEditor} id="definition-source" name="source" label="Definition source" value=${text} readOnly=${!writable}
        onInput=${t => { setText(t); setVerdict(null); }} problems=${problems} />` : null}
      <p class="muted small">Every field is described in <code>job-definitions/README.md</code>.</p>
    </section>
  </section>`;
}

