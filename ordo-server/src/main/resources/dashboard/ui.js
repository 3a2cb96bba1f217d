// Small shared pieces: status badges, times, JSON, progress, errors, empty states, confirmations, data hooks.
import { html, useState, useEffect, useRef, useCallback } from './html.js';
import { plain } from './api.js';
import { follow } from './live.js';
import { relative, exact, bytes, num } from './format.js';

// ---- hooks --------------------------------------------------------------------------------------

const tickers = new Set();
setInterval(() => tickers.forEach(fn => fn()), 10000);

/** Re-renders every 10 s, so that "3 min ago" stays true. */
export function useTicker() {
  const [, set] = useState(0);
  useEffect(() => {
    const fn = () => set(n => n + 1);
    tickers.add(fn);
    return () => tickers.delete(fn);
  }, []);
}

/**
 * Loads data with load() when deps change (showing nothing stale from other deps) and on reload();
 * answers that arrive out of order are dropped. Returns {data, error, loading, reload}.
 */
export function useData(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const my = ++seq.current;
    try {
      const data = await loadRef.current();
      if (my === seq.current) setState({ data, error: null, loading: false });
    } catch (e) {
      if (my === seq.current) setState(s => ({ data: s.data, error: e, loading: false }));
    }
  }, []);
  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    reload();
  }, deps);
  return { ...state, reload, setData: fn => setState(s => ({ ...s, data: fn(s.data) })) };
}

/** fn, called at most once per ms (the last call always runs, after the wait). */
export function useThrottled(fn, ms) {
  const ref = useRef(fn);
  ref.current = fn;
  const state = useRef({ last: 0, timer: null });
  useEffect(() => () => clearTimeout(state.current.timer), []);
  return useCallback(() => {
    const s = state.current;
    if (s.timer) return;
    const wait = Math.max(0, s.last + ms - Date.now());
    s.timer = setTimeout(() => {
      s.timer = null;
      s.last = Date.now();
      ref.current();
    }, wait);
  }, [ms]);
}

/** Follows live events for this page (see live.js); filter is {types, job_id, root_id}. */
export function useLive(filter, onEvents, onReload) {
  const handlers = useRef({});
  handlers.current = { onEvents, onReload };
  const key = JSON.stringify(filter);
  useEffect(() => {
    if (!filter) return undefined;
    return follow(filter, {
      onEvents: batch => handlers.current.onEvents && handlers.current.onEvents(batch),
      onReload: why => handlers.current.onReload && handlers.current.onReload(why),
    });
  }, [key]);
}

/** Calls fn every ms while the page is shown. */
export function useInterval(fn, ms) {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const t = setInterval(() => ref.current(), ms);
    return () => clearInterval(t);
  }, [ms]);
}

// ---- pieces -------------------------------------------------------------------------------------

export function Status({ status }) {
  return html`<span class=${'status st-' + status}>${status}</span>`;
}

export function Time({ at }) {
  useTicker();
  if (!at) return html`<span class="muted">–</span>`;
  return html`<time datetime=${at} title=${exact(at)}>${relative(at)}</time>`;
}

export function ErrorNote({ error, children }) {
  if (!error) return null;
  return html`<p class="error-note" role="alert">${plain(error)}${children}</p>`;
}

export function Loading({ what }) {
  return html`<p class="muted loading" aria-live="polite">Loading${what ? ' ' + what : ''}…</p>`;
}

export function Empty({ title, children }) {
  return html`<div class="empty"><p class="empty-title">${title}</p>${children ? html`<p class="muted">${children}</p>` : null}</div>`;
}

export function Progress({ current, total, text, label }) {
  const pct = total > 0 ? Math.min(100, Math.round((current / total) * 100)) : null;
  return html`<div class="progress-wrap">
    <div class="progress" role="progressbar" aria-label=${label || 'progress'} aria-valuemin="0" aria-valuemax=${total || 0}
         aria-valuenow=${current || 0}>
      <div class=${'progress-bar' + (pct === null ? ' indeterminate' : '')} style=${{ width: (pct === null ? 100 : pct) + '%' }}></div>
    </div>
    <span class="progress-text">${total > 0 ? `${num(current)} / ${num(total)} (${pct}%)` : ''}${text ? (total > 0 ? ' · ' : '') + text : ''}</span>
  </div>`;
}

const JSON_COLLAPSE_BYTES = 2000;

/** JSON, pretty printed; collapsed behind a "show" when it is large. */
export function Json({ value, label }) {
  if (value === null || value === undefined) return html`<p class="muted">none</p>`;
  const text = JSON.stringify(value, null, 2);
  const pre = html`<pre class="json" tabindex="0">${text}</pre>`;
  if (text.length <= JSON_COLLAPSE_BYTES) return pre;
  return html`<details class="json-details"><summary>Show ${label || 'JSON'} (${bytes(new TextEncoder().encode(text).length)},${' '}${num(text.split('\n').length)} lines)</summary>${pre}</details>`;
}

/** A button that shows it is working and stays disabled until its action settles. */
export function ActionButton({ onClick, children, kind, title, disabled, label }) {
  const [busy, setBusy] = useState(false);
  const click = async e => {
    if (busy) return;
    setBusy(true);
    try {
      await onClick(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<button type="button" class=${'btn ' + (kind || '')} onClick=${click} disabled=${busy || disabled} title=${title}
    aria-label=${label} aria-busy=${busy ? 'true' : 'false'}>${children}</button>`;
}

/**
 * Asks before something that cannot be undone. Resolves true when confirmed. The message says what
 * will happen, e.g. "Delete 3 jobs and their logs?".
 */
export function confirmDialog({ title, message, confirm, danger }) {
  return new Promise(resolve => {
    const d = document.createElement('dialog');
    d.className = 'confirm';
    const h = document.createElement('h2');
    h.textContent = title;
    const p = document.createElement('p');
    p.textContent = message;
    const row = document.createElement('div');
    row.className = 'row end';
    const no = document.createElement('button');
    no.type = 'button';
    no.className = 'btn';
    no.textContent = 'Keep';
    const yes = document.createElement('button');
    yes.type = 'button';
    yes.className = 'btn ' + (danger ? 'danger' : 'primary');
    yes.textContent = confirm;
    yes.dataset.confirm = 'yes';
    row.append(no, yes);
    d.append(h, p, row);
    document.body.append(d);
    let answered = false;
    const done = ok => {
      if (answered) return;
      answered = true;
      d.close();
      d.remove();
      resolve(ok);
    };
    no.addEventListener('click', () => done(false));
    yes.addEventListener('click', () => done(true));
    d.addEventListener('cancel', e => {
      e.preventDefault();
      done(false);
    });
    d.showModal();
    yes.focus();
  });
}

/** "3 jobs" / "1 job". */
export function plural(n, word) {
  return num(n) + ' ' + word + (n === 1 ? '' : 's');
}
