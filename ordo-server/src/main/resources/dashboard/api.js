// The REST API, as the dashboard uses it: JSON in and out, one error type, and whether the server
// can be reached at all (the banner follows it).

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

const reachListeners = new Set();
let reachable = true;

/** Calls fn(reachable) whenever a request finds the server reachable or not, and returns an unsubscribe function. */
export function onReachability(fn) {
  reachListeners.add(fn);
  return () => reachListeners.delete(fn);
}

export function setReachable(ok) {
  if (ok === reachable) return;
  reachable = ok;
  reachListeners.forEach(fn => fn(ok));
}

export function isReachable() {
  return reachable;
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch (e) {
    setReachable(false);
    throw new ApiError(0, 'unreachable', 'Cannot reach the Ordo server.', {});
  }
  setReachable(res.status !== 502 && res.status !== 503 && res.status !== 504);
  if (res.status === 401) {
    // the login cookie expired or the token was removed: log in again, then come back here
    location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    throw new ApiError(401, 'unauthorized', 'Your session has ended: log in again.', {});
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!res.ok) {
    const err = (json && json.error) || {};
    throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText || 'request failed', err.details);
  }
  return json;
}

export const api = {
  get: path => request('GET', path),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  del: path => request('DELETE', path),
};

/** A query string from an object, leaving out empty values: qs({a: 1, b: ''}) is '?a=1'. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

/** What went wrong, in plain words for the person who clicked. */
export function plain(err) {
  if (!(err instanceof ApiError)) return String((err && err.message) || err);
  switch (err.status) {
    case 0: return 'Cannot reach the Ordo server. Check that it is running; this page keeps trying.';
    case 403: return 'Not allowed: your token can only read. This needs an admin token.';
    case 404: return 'Not found: ' + err.message;
    case 409: return 'Not possible now: ' + err.message;
    case 413: return 'Too large: ' + err.message;
    case 422: return 'Not accepted: ' + err.message;
    case 429: return 'Too busy: ' + err.message;
    default: return err.status >= 500 ? 'The server failed (' + err.status + '): ' + err.message : err.message;
  }
}

// ---- session ------------------------------------------------------------------------------------

let session = { auth: false, role: 'admin', launch_workers: false, node_id: '', version: '', store: '' };
let clockOffset = 0;

export async function loadSession() {
  const s = await api.get('/api/session');
  session = s;
  clockOffset = Date.parse(s.server_time) - Date.now();
  return s;
}

export function currentSession() {
  return session;
}

/** Whether the caller may change things (admin); read tokens see no mutating control. */
export function canWrite() {
  return session.role === 'admin';
}

/** The server's idea of now, in ms: relative times stay right on a machine whose clock is off. */
export function serverNow() {
  return Date.now() + clockOffset;
}
