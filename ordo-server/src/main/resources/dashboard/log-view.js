// A job's log: the newest lines first loaded, older ones on request, new ones as they arrive
// (the page tells us through `signal`), follow on or off, and a level filter.
import { html, useState, useEffect, useRef, useLayoutEffect } from './html.js';
import { api } from './api.js';
import { useThrottled, ErrorNote } from './ui.js';
import { exact } from './format.js';

const PAGE = 500;
const KEEP = 5000;
const LEVELS = ['debug', 'info', 'warn', 'error'];

function clock(iso) {
  const d = new Date(iso);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** props: jobId; signal (changes when new lines may exist); live (the job may still write). */
export function LogView({ jobId, signal, live }) {
  const [lines, setLines] = useState(null);
  const [older, setOlder] = useState(false);
  const [follow, setFollow] = useState(true);
  const [level, setLevel] = useState('debug');
  const [error, setError] = useState(null);
  const box = useRef(null);
  const last = useRef(0);
  const loading = useRef(false);
  const ready = useRef(false);

  useEffect(() => {
    let stop = false;
    setLines(null);
    ready.current = false;
    api.get(`/api/jobs/${jobId}/logs?tail=${PAGE}`).then(r => {
      if (stop) return;
      last.current = r.logs.length ? r.logs[r.logs.length - 1].seq : 0;
      setLines(r.logs);
      setOlder(r.logs.length === PAGE);
      ready.current = true;
      fetchNew(); // lines written while the tail was read
    }, e => !stop && setError(e));
    return () => { stop = true; };
  }, [jobId]);

  const fetchNew = useThrottled(async () => {
    if (loading.current || !ready.current) return;
    loading.current = true;
    try {
      for (;;) {
        const r = await api.get(`/api/jobs/${jobId}/logs?after=${last.current}&limit=1000`);
        if (r.logs.length) {
          last.current = r.logs[r.logs.length - 1].seq;
          setLines(ls => {
            const all = (ls || []).concat(r.logs);
            if (all.length > KEEP) setOlder(true);
            return all.length > KEEP ? all.slice(all.length - KEEP) : all;
          });
        }
        setError(null);
        if (r.logs.length < 1000) break;
      }
    } catch (e) {
      setError(e);
    } finally {
      loading.current = false;
    }
  }, 300);
  useEffect(() => {
    if (signal) fetchNew();
  }, [signal]);

  const loadOlder = async () => {
    if (!lines || !lines.length) return;
    try {
      const r = await api.get(`/api/jobs/${jobId}/logs?before=${lines[0].seq}&limit=${PAGE}`);
      setOlder(r.logs.length === PAGE);
      const el = box.current;
      const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
      setLines(ls => r.logs.concat(ls));
      // keep the lines in view where they were
      requestAnimationFrame(() => { if (el) el.scrollTop = el.scrollHeight - fromBottom; });
    } catch (e) {
      setError(e);
    }
  };

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow, level]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
    if (!atBottom && follow) setFollow(false);
  };

  const min = LEVELS.indexOf(level);
  const shown = (lines || []).filter(l => LEVELS.indexOf(l.level) >= min);
  return html`<div class="log-view">
    <div class="row wrap log-tools">
      <label><input type="checkbox" checked=${follow} onChange=${e => setFollow(e.target.checked)} name="follow" /> Follow</label>
      <label>Level <select value=${level} onChange=${e => setLevel(e.target.value)} name="level">
        <option value="debug">all</option><option value="info">info and above</option>
        <option value="warn">warnings and errors</option><option value="error">errors</option>
      </select></label>
      ${older ? html`<button type="button" class="btn small" onClick=${loadOlder}>Load older lines</button>` : null}
      <span class="muted">${lines === null ? 'loading…' : `${shown.length} of ${lines.length} lines${live ? ' · live' : ''}`}</span>
    </div>
    <${ErrorNote} error=${error} />
    <ol class="log" ref=${box} onScroll=${onScroll} tabindex="0" aria-label="Log lines" aria-live=${follow ? 'polite' : 'off'}>
      ${lines !== null && lines.length === 0 ? html`<li class="muted">No log lines${live ? ' yet' : ''}.</li>` : null}
      ${shown.map(l => html`<li key=${l.seq} class=${'lvl-' + l.level} data-seq=${l.seq}>
        <time datetime=${l.at} title=${exact(l.at)}>${clock(l.at)}</time>
        <span class="lvl">${l.level}</span><span class="att" title="attempt">#${l.attempt}</span>
        <span class="msg">${l.message}</span></li>`)}
    </ol>
  </div>`;
}
