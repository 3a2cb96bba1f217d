// Pages are real paths (/jobs/ID), so a page's address can be shared and reloaded; links within the
// dashboard change the page without reloading it.
import { useState, useEffect } from './html.js';

const listeners = new Set();

/** The dashboard's pages: the server answers each of these paths with the same document. */
const PAGES = [
  ['overview', /^\/$/],
  ['jobs', /^\/jobs$/],
  ['job', /^\/jobs\/([^/]+)$/],
  ['run', /^\/runs\/([^/]+)$/],
  ['batches', /^\/batches$/],
  ['batch', /^\/batches\/([^/]+)$/],
  ['definitions', /^\/definitions$/],
  ['definition', /^\/definitions\/([^/]+)$/],
  ['new-definition', /^\/new-definition$/],
  ['dead-letter', /^\/dead-letter$/],
  ['nodes', /^\/nodes$/],
  ['schedules', /^\/schedules$/],
  ['submit', /^\/submit$/],
];

export function match(path) {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  for (const [page, re] of PAGES) {
    const m = re.exec(p);
    if (m) return { page, id: m[1] ? decodeURIComponent(m[1]) : null };
  }
  return { page: 'not-found', id: null };
}

function notify() {
  listeners.forEach(fn => fn());
}

/** Goes to a dashboard address; replace: true changes the current history entry (filters). */
export function navigate(to, opts = {}) {
  if (to === location.pathname + location.search) return;
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', to);
  notify();
  if (!opts.replace) window.scrollTo(0, 0);
}

window.addEventListener('popstate', notify);

document.addEventListener('click', e => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const u = new URL(a.href, location.href);
  if (u.origin !== location.origin || match(u.pathname).page === 'not-found') return;
  e.preventDefault();
  navigate(u.pathname + u.search);
});

/** The current address; re-renders the caller when it changes. */
export function useLocation() {
  const [, tick] = useState(0);
  useEffect(() => {
    const fn = () => tick(n => n + 1);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}
