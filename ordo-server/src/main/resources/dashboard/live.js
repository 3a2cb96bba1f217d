// The tab's one live event stream (GET /api/events, Server-Sent Events), filtered to what the page
// shows. The browser resumes a dropped stream with Last-Event-ID, so nothing is missed; if the server
// refuses a reconnect, the stream is opened again with ?since= the last id seen. Events reach the page
// in batches at most four times a second, so a busy system cannot flood the renderer. Whenever the
// stream (re)opens, and when the server says events were lost (resync), the page reloads from REST.

const FLUSH_MS = 250;
const MAX_RETRY_MS = 10000;

let source = null;
let key = null;
let current = null;
let lastId = null;
let buffer = [];
let flushTimer = null;
let retryTimer = null;
let retryMs = 1000;
let status = 'idle';
const statusListeners = new Set();
// what this tab received and how often it was handed to the page: visible in the console as ordo.live
const counters = { events: 0, batches: 0, reconnects: 0 };
window.ordo = Object.assign(window.ordo || {}, { live: counters });

/** 'idle', 'connecting' or 'open'. */
export function liveStatus() {
  return status;
}

export function onLiveStatus(fn) {
  statusListeners.add(fn);
  return () => statusListeners.delete(fn);
}

function setStatus(s) {
  if (s === status) return;
  status = s;
  statusListeners.forEach(fn => fn(s));
}

/**
 * Follows the events matching filter ({types, job_id, root_id}, arrays) until the returned function
 * is called. handlers: onEvents(batch of {id, type, payload}), onReload() when the page should read
 * its state again (the stream opened again, or events were lost).
 */
export function follow(filter, handlers) {
  const me = { filter, ...handlers };
  current = me;
  const k = JSON.stringify(filter);
  if (k !== key || source === null) {
    key = k;
    lastId = null;
    connect(null);
  }
  return () => {
    if (current === me) current = null;
  };
}

function url(since) {
  const p = new URLSearchParams();
  const f = current ? current.filter : {};
  for (const name of ['types', 'job_id', 'root_id']) {
    if (f[name] && f[name].length) p.set(name, f[name].join(','));
  }
  if (since !== null && since !== undefined) p.set('since', since);
  const q = p.toString();
  return '/api/events' + (q ? '?' + q : '');
}

function connect(since) {
  clearTimeout(retryTimer);
  if (source) source.close();
  const es = new EventSource(url(since));
  source = es;
  setStatus('connecting');
  es.onopen = () => {
    if (source !== es) return;
    retryMs = 1000;
    counters.reconnects++;
    setStatus('open');
    if (current && current.onReload) current.onReload('open');
  };
  es.onmessage = m => {
    if (source !== es) return;
    if (m.lastEventId) lastId = m.lastEventId;
    let env;
    try {
      env = JSON.parse(m.data);
    } catch (e) {
      return;
    }
    if (env.type === 'resync') {
      if (current && current.onReload) current.onReload('resync');
      return;
    }
    buffer.push(env);
    counters.events++;
    if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_MS);
  };
  es.onerror = () => {
    if (source !== es) return;
    setStatus('connecting');
    // CONNECTING: the browser retries by itself; CLOSED: the server refused, so we retry, resuming where we were
    if (es.readyState === EventSource.CLOSED) {
      retryTimer = setTimeout(() => connect(lastId), retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  };
}

// a page being left (or put in the back-forward cache) gives its connection back at once: browsers allow
// only six connections per server, and a stream that lingered would hold one of them
window.addEventListener('pagehide', () => {
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  key = null;
  setStatus('idle');
});

// back from the back-forward cache: open the stream again where it stopped, and re-read the page
window.addEventListener('pageshow', e => {
  if (!e.persisted || !current) return;
  key = JSON.stringify(current.filter);
  connect(lastId);
});

function flush() {
  flushTimer = null;
  const batch = buffer;
  buffer = [];
  if (current && batch.length && current.onEvents) {
    counters.batches++;
    current.onEvents(batch);
  }
}
