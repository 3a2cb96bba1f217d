// Overview: jobs by status, every queue with its rates, charts of the last hour and pause/resume, nodes alive.
import { html, useEffect, useState } from './html.js';
import { api, canWrite } from './api.js';
import { useData, useLive, useThrottled, useInterval, ErrorNote, Loading, Empty, ActionButton } from './ui.js';
import { Chart } from './chart.js';
import { num, STATUSES } from './format.js';

function StatusCards({ stats }) {
  return html`<div class="cards" role="list" aria-label="Jobs by status">
    ${STATUSES.map(s => html`<a role="listitem" class=${'card stat st-' + s} href=${'/jobs?status=' + s} data-status=${s}>
      <span class="stat-n">${num(stats.statuses[s] || 0)}</span><span class="stat-label">${s}</span></a>`)}
    <div role="listitem" class="card stat"><span class="stat-n">${num(stats.total)}</span><span class="stat-label">all jobs</span></div>
  </div>`;
}

/** A queue's stored cluster-wide limits in short: "cap 100 · run ≤ 3 · 50/1m". */
function limitsText(l) {
  if (!l) return '–';
  const parts = [];
  if (l.capacity !== null) parts.push('cap ' + num(l.capacity));
  if (l.max_running !== null) parts.push('run ≤ ' + num(l.max_running));
  if (l.rate !== null) parts.push(l.rate + (l.rate_window_used !== null ? ' (' + num(l.rate_window_used) + ' used)' : ''));
  return parts.length ? parts.join(' · ') : '–';
}

function QueueRow({ q, onChanged, broker, limited }) {
  const [error, setError] = useState(null);
  const flip = async () => {
    setError(null);
    try {
      await api.post(`/api/queues/${encodeURIComponent(q.queue)}/${q.paused ? 'resume' : 'pause'}`);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return html`<tr data-queue=${q.queue} data-paused=${q.paused ? 'true' : 'false'}>
    <th scope="row"><a href=${'/jobs?queue=' + encodeURIComponent(q.queue)}>${q.queue}</a>
      ${q.paused ? html` <span class="badge paused">paused</span>` : null}</th>
    <td class="num">${num(q.pending)}</td><td class="num">${num(q.scheduled)}</td><td class="num">${num(q.running)}</td>
    <td class="num">${num(q.waiting)}</td>
    <td class="num">${num(q.completed_last_minute)} / ${num(q.completed_last_hour)}</td>
    <td class="num">${q.failed_last_minute || q.failed_last_hour ? html`<a class="bad" href=${'/jobs?status=failed&queue=' + encodeURIComponent(q.queue)}>
      ${num(q.failed_last_minute)} / ${num(q.failed_last_hour)}</a>` : '0 / 0'}</td>
    <td class="num">${q.throughput_per_second.toFixed(q.throughput_per_second < 10 ? 2 : 0)}</td>
    <td class="num">${q.start_latency_p50_ms === null ? '–' : '≤' + q.start_latency_p50_ms + ' / ≤' + q.start_latency_p95_ms + ' ms'}</td>
    ${broker ? html`<td class="num">${q.transport_messages === undefined ? '–' : num(q.transport_messages)}</td>` : null}
    ${limited ? html`<td class="limits">${limitsText(q.settings)}</td>` : null}
    ${canWrite() ? html`<td><${ActionButton} kind="small" label=${(q.paused ? 'Resume' : 'Pause') + ' queue ' + q.queue} onClick=${flip}>
      ${q.paused ? 'Resume' : 'Pause'}</${ActionButton}>${error ? html`<${ErrorNote} error=${error} />` : null}</td>` : null}
  </tr>`;
}

function QueueCharts({ history }) {
  const names = Object.keys(history.queues);
  if (!names.length) return html`<${Empty} title="Nothing ran in the last hour.">Charts of completions and start latency appear once jobs run.</${Empty}>`;
  return html`<div class="chart-grid">${names.map(name => {
    const q = history.queues[name];
    return html`<div class="card queue-charts" data-queue=${name}><h3>${name}</h3>
      <${Chart} title="Jobs ended per minute" minutes=${history.minutes} unit="jobs"
        series=${[{ label: 'completed', values: q.completed, color: '--ok' }, { label: 'failed', values: q.failed, color: '--bad' }]} />
      <${Chart} title="Start latency (ms, bucket upper bound)" minutes=${history.minutes} unit="ms"
        series=${[{ label: 'p50', values: q.start_latency_p50_ms, color: '--accent' }, { label: 'p95', values: q.start_latency_p95_ms, color: '--warn' }]} />
    </div>`;
  })}</div>`;
}

export function OverviewPage() {
  const stats = useData(async () => {
    const [jobs, queues] = await Promise.all([api.get('/api/jobs/stats'), api.get('/api/queue/stats')]);
    return { jobs, queues: queues.queues };
  }, []);
  const nodes = useData(() => api.get('/api/cluster/nodes'), []);
  const history = useData(() => api.get('/api/queue/history?minutes=60'), []);
  const refresh = useThrottled(() => stats.reload(), 2000);
  useEffect(() => {
    document.title = 'Overview · Ordo';
  }, []);
  // every node publishes queue_stats every few seconds: enough to keep the counts live without
  // streaming every job's status change to this page
  useLive({ types: ['queue_stats'] }, refresh, () => {
    stats.reload();
    nodes.reload();
    history.reload();
  });
  useInterval(() => nodes.reload(), 10000);
  useInterval(() => history.reload(), 30000);
  useInterval(() => stats.reload(), 5000);

  const alive = nodes.data ? nodes.data.nodes.filter(n => n.state === 'alive') : [];
  const slots = alive.reduce((a, n) => a + n.slots, 0);
  const busy = alive.reduce((a, n) => a + n.running, 0);
  // a broker carries the queues: the server then reports each queue's own message count
  const broker = !!(stats.data && stats.data.queues.some(q => q.transport_messages !== undefined));
  // a column for the stored limits (ordo queues set) where any queue has them
  const limited = !!(stats.data && stats.data.queues.some(q => q.settings));
  return html`<section class="page-overview">
    <div class="page-head"><h1>Overview</h1>
      <p class="muted">${nodes.data ? html`<a href="/nodes" id="nodes-alive">${alive.length} ${alive.length === 1 ? 'node' : 'nodes'} alive</a>${', '}${num(busy)} of ${num(slots)} slots busy` : ''}</p></div>
    <${ErrorNote} error=${stats.error} />
    ${stats.data ? html`<${StatusCards} stats=${stats.data.jobs} />` : html`<${Loading} />`}
    <section class="card"><h2>Queues</h2>
      ${stats.data && stats.data.queues.length === 0 ? html`<${Empty} title="No queues yet.">Submit a job (<code>./ordo submit noop</code>) and its queue shows up here.</${Empty}>` : null}
      ${stats.data && stats.data.queues.length ? html`<div class="table-wrap"><table class="queues">
        <thead><tr><th>Queue</th><th class="num">Pending</th><th class="num">Scheduled</th><th class="num">Running</th><th class="num">Waiting</th>
          <th class="num" title="last minute / last hour">Completed 1m / 1h</th><th class="num" title="last minute / last hour">Failed 1m / 1h</th>
          <th class="num">Jobs/s</th><th class="num" title="ready to started, last 5 minutes">Start latency p50 / p95</th>
          ${broker ? html`<th class="num" title="messages the broker holds for the queue: ready, or delivered and not yet acknowledged">Broker messages</th>` : null}
          ${limited ? html`<th title="cluster-wide limits stored for the queue: capacity, max running, rate">Limits</th>` : null}
          ${canWrite() ? html`<th><span class="sr-only">Pause or resume</span></th>` : null}</tr></thead>
        <tbody>${stats.data.queues.map(q => html`<${QueueRow} key=${q.queue} q=${q} broker=${broker} limited=${limited} onChanged=${() => stats.reload()} />`)}</tbody>
      </table></div>` : null}
    </section>
    <section><h2>The last hour</h2>
      <${ErrorNote} error=${history.error} />
      ${history.data ? html`<${QueueCharts} history=${history.data} />` : html`<${Loading} what="charts" />`}
    </section>
  </section>`;
}
