// Numbers, times and durations the way people read them: "3 min ago" (the exact time on hover), "1.6 s".
import { serverNow } from './api.js';

export function num(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
}

/** "850 ms", "1.6 s", "2 min 5 s", "1 h 3 min", "2 d 4 h". */
export function duration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '–';
  if (ms < 0) ms = 0;
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = ms / 1000;
  if (s < 10) return s.toFixed(1) + ' s';
  if (s < 60) return Math.round(s) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min' + (Math.round(s % 60) ? ' ' + Math.round(s % 60) + ' s' : '');
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  const d = Math.floor(h / 24);
  return d + ' d' + (h % 24 ? ' ' + (h % 24) + ' h' : '');
}

/** Milliseconds between two ISO times (the second defaults to now); null when the first is missing. */
export function between(fromIso, toIso) {
  if (!fromIso) return null;
  const to = toIso ? Date.parse(toIso) : serverNow();
  return to - Date.parse(fromIso);
}

/** "just now", "12 s ago", "3 min ago", "in 5 min". */
export function relative(iso) {
  if (!iso) return '–';
  const diff = serverNow() - Date.parse(iso);
  const future = diff < 0;
  const a = Math.abs(diff) / 1000;
  let text;
  if (a < 5) return future ? 'in a moment' : 'just now';
  if (a < 60) text = Math.round(a) + ' s';
  else if (a < 3600) text = Math.round(a / 60) + ' min';
  else if (a < 86400 * 2) text = Math.round(a / 3600) + ' h';
  else if (a < 86400 * 60) text = Math.round(a / 86400) + ' d';
  else return exact(iso);
  return future ? 'in ' + text : text + ' ago';
}

/** The exact local time with milliseconds and the time zone, e.g. for a tooltip. */
export function exact(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const zone = 'UTC' + (off === 0 ? '' : (off > 0 ? '+' : '-') + pad(Math.floor(Math.abs(off) / 60)) + (Math.abs(off) % 60 ? ':' + pad(Math.abs(off) % 60) : ''));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${zone}`;
}

export function bytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

export function shortId(id) {
  return id ? id.slice(0, 8) + '…' + id.slice(-4) : '';
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(s) {
  return ID.test((s || '').trim());
}

/** "66 pending, 1 running, 83 completed, 0 failed" from counts by status. */
export function countsText(c) {
  if (!c) return '';
  const pending = (c.pending || 0) + (c.scheduled || 0);
  const running = (c.running || 0) + (c.waiting || 0);
  let t = `${num(pending)} pending, ${num(running)} running, ${num(c.completed || 0)} completed, ${num(c.failed || 0)} failed`;
  if (c.cancelled) t += `, ${num(c.cancelled)} cancelled`;
  if (c.skipped) t += `, ${num(c.skipped)} skipped`;
  return t;
}

export const STATUSES = ['scheduled', 'pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped'];
export const LIVE = ['scheduled', 'pending', 'running', 'waiting'];
export const TERMINAL = ['completed', 'failed', 'cancelled', 'skipped'];
