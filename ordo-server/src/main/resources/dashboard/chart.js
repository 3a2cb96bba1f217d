// Small time-series charts (uPlot): one x axis of minutes, a few series, colours from the theme.
import { html, useEffect, useRef } from './html.js';
import uPlot from 'uplot';

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * props: title; minutes (ISO minute starts); series [{label, values, color (a CSS variable name)}];
 * unit (for the axis and the legend, e.g. 'jobs/min', 'ms').
 */
export function Chart({ title, minutes, series, unit }) {
  const box = useRef(null);
  const plot = useRef(null);
  const data = [minutes.map(m => Date.parse(m) / 1000), ...series.map(s => s.values)];
  const shape = series.map(s => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--line'), width: 1 }, ticks: { stroke: cssVar('--line') } };
    const opts = {
      width: Math.max(200, el.clientWidth),
      height: 150,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [axis, { ...axis, size: 48, values: (u, vals) => vals.map(v => (v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k' : v)) }],
      series: [{ label: 'time' }, ...series.map(s => ({
        label: s.label, stroke: cssVar(s.color), width: 2, spanGaps: false,
        value: (u, v) => (v === null || v === undefined ? '–' : v + ' ' + unit),
      }))],
    };
    plot.current = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.current && plot.current.setSize({ width: Math.max(200, el.clientWidth), height: 150 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  });

  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${box} class="chart-box"></div></figure>`;
}
