// A definition's steps drawn from their `depends`: a column per level (a step sits one column right
// of its latest dependency), steps in declaration order within a column, each coloured by status.
import { html } from './html.js';

const W = 190, H = 62, GX = 56, GY = 18, PAD = 8;

/** Column of each step: 0 without dependencies, else one more than its deepest dependency. */
function levels(steps) {
  const byName = new Map(steps.map(s => [s.name, s]));
  const level = new Map();
  const visit = (name, seen) => {
    if (level.has(name)) return level.get(name);
    if (seen.has(name)) return 0; // a cycle cannot be stored; draw it flat rather than loop
    seen.add(name);
    const s = byName.get(name);
    const deps = (s ? s.depends : []).filter(d => byName.has(d));
    const l = deps.length ? 1 + Math.max(...deps.map(d => visit(d, seen))) : 0;
    level.set(name, l);
    return l;
  };
  steps.forEach(s => visit(s.name, new Set()));
  return level;
}

/**
 * props: steps [{name, depends: [names], status, line1, line2}] in declaration order; selected (a
 * name); onSelect(name).
 */
export function StepGraph({ steps, selected, onSelect }) {
  const level = levels(steps);
  const rows = new Map();
  const pos = new Map();
  const taken = new Set();
  for (const s of steps) {
    const l = level.get(s.name);
    const r = rows.get(l) || 0;
    rows.set(l, r + 1);
    taken.add(l + ',' + r);
    pos.set(s.name, { x: PAD + l * (W + GX), y: PAD + r * (H + GY), l, r });
  }
  const cols = Math.max(1, ...[...level.values()].map(l => l + 1));
  const maxRows = Math.max(1, ...rows.values());
  // edges that skip columns may need a lane under every step
  const lane = PAD + maxRows * (H + GY) - GY / 2;
  const width = PAD * 2 + cols * W + (cols - 1) * GX;
  let height = PAD * 2 + maxRows * H + (maxRows - 1) * GY;
  const free = (row, from, to) => {
    for (let c = from + 1; c < to; c++) if (taken.has(c + ',' + row)) return false;
    return true;
  };
  const edges = [];
  for (const s of steps) {
    for (const d of s.depends) {
      const a = pos.get(d), b = pos.get(s.name);
      if (!a || !b) continue;
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x - 6, y2 = b.y + H / 2;
      const bend = (xa, ya, xb, yb) => `C${(xa + xb) / 2},${ya} ${(xa + xb) / 2},${yb} ${xb},${yb}`;
      let d2;
      if (b.l - a.l <= 1) d2 = `M${x1},${y1} ${bend(x1, y1, x2, y2)}`;
      else if (free(a.r, a.l, b.l)) d2 = `M${x1},${y1} H${b.x - GX} ${bend(b.x - GX, y1, x2, y2)}`; // along the source's row
      else if (free(b.r, a.l, b.l)) d2 = `M${x1},${y1} ${bend(x1, y1, x1 + GX, y2)} H${x2}`; // along the target's row
      else {
        height = Math.max(height, lane + PAD);
        d2 = `M${x1},${y1} ${bend(x1, y1, x1 + GX / 2, lane)} H${b.x - GX / 2} ${bend(b.x - GX / 2, lane, x2, y2)}`;
      }
      edges.push(html`<path class="edge" d=${d2} marker-end="url(#arrow)" />`);
    }
  }
  const key = (e, name) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(name);
    }
  };
  return html`<div class="graph-wrap"><svg class="graph" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`}
      role="group" aria-label="Steps of the run and their dependencies">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" /></marker></defs>
    ${edges}
    ${steps.map(s => {
      const p = pos.get(s.name);
      return html`<g class=${'node st-' + (s.status || 'none') + (selected === s.name ? ' selected' : '')} transform=${`translate(${p.x},${p.y})`}
          tabindex="0" role="button" aria-pressed=${selected === s.name ? 'true' : 'false'} data-step=${s.name} data-status=${s.status || 'not started'}
          aria-label=${`step ${s.name}: ${s.status || 'not started'}${s.line2 ? ', ' + s.line2 : ''}`}
          onClick=${() => onSelect(s.name)} onKeyDown=${e => key(e, s.name)}>
        <rect width=${W} height=${H} rx="8" />
        <rect class="stripe" width="6" height=${H} rx="3" />
        <text x="16" y="22" class="name">${s.name.length > 22 ? s.name.slice(0, 21) + '…' : s.name}</text>
        <text x="16" y="40" class="line">${s.line1 || s.status || 'not started'}</text>
        <text x="16" y="55" class="line small">${s.line2 || ''}</text>
      </g>`;
    })}
  </svg></div>`;
}
