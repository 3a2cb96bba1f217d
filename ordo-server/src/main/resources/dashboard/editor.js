// A text editor for definitions and JSON: line numbers, and each problem written next to the line of
// the field it names (found in YAML, TOML or JSON text from a path such as steps[1].depends[0]).
import { html, useRef, useState, useLayoutEffect } from './html.js';

const LINE = 20; // px, the editor's fixed line height (style.css: .code)

/** ["steps", 1, "depends", 0] from "steps[1].depends[0]". */
function pathTokens(field) {
  const out = [];
  for (const part of (field || '').split('.')) {
    const m = /^([^[\]]*)((?:\[\d+])*)$/.exec(part);
    if (!m) return out;
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)]/g)) out.push(Number(i[1]));
  }
  return out;
}

const indentOf = l => l.length - l.trimStart().length;
const blank = l => !l.trim() || l.trimStart().startsWith('#');

/** The 1-based line of a field in YAML text, or the closest enclosing line found; null if not even the first key is found. */
function locateYaml(lines, tokens) {
  let from = 0, to = lines.length, found = null, indent = -1;
  for (const t of tokens) {
    let hit = -1;
    if (typeof t === 'string') {
      const re = new RegExp('^(\\s*)(- )?["\']?' + t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '["\']?\\s*:');
      let best = Infinity;
      for (let i = from; i < to; i++) {
        const m = re.exec(lines[i]);
        if (!m) continue;
        const ind = m[1].length + (m[2] ? 2 : 0);
        if (ind > indent && ind < best) {
          best = ind;
          hit = i;
        }
      }
      if (hit < 0) return found;
      indent = best;
    } else {
      // the t-th "- " item under the current key (a flow list [a, b] stays on the key's line)
      if (found !== null && /:\s*\[/.test(lines[found - 1])) return found;
      let n = -1, itemIndent = -1;
      for (let i = from; i < to; i++) {
        if (blank(lines[i])) continue;
        const ind = indentOf(lines[i]);
        if (!lines[i].trimStart().startsWith('- ') && lines[i].trim() !== '-') continue;
        if (itemIndent < 0) itemIndent = ind;
        if (ind !== itemIndent) continue;
        if (++n === t) {
          hit = i;
          break;
        }
      }
      if (hit < 0) return found;
      indent = itemIndent;
    }
    found = hit + 1;
    // the block of this key or item: the lines below it that are indented deeper
    const own = typeof t === 'string' ? indentOf(lines[hit]) + (lines[hit].trimStart().startsWith('- ') ? 2 : 0) : indent;
    from = hit;
    to = hit + 1;
    while (to < lines.length && (blank(lines[to]) || indentOf(lines[to]) > own)) to++;
    if (typeof t !== 'string') from = hit; // an item's first key sits on the "- " line
    else from = hit + 1;
  }
  return found;
}

/** TOML: [[steps]] tables counted for indexes, `key =` lines within a table. */
function locateToml(lines, tokens) {
  let from = 0, to = lines.length, found = null, prefix = '';
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (typeof t === 'string' && typeof tokens[k + 1] === 'number') {
      const name = prefix ? prefix + '.' + t : t;
      let n = -1, hit = -1;
      for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() === '[[' + name + ']]' && ++n === tokens[k + 1]) {
          hit = i;
          break;
        }
      }
      if (hit < 0) {
        // an inline array: `key = [...]` in the current table
        const line = findKey(lines, from, to, t);
        return line === null ? found : line;
      }
      found = hit + 1;
      from = hit + 1;
      to = from;
      while (to < lines.length && !lines[to].trim().startsWith('[')) to++;
      prefix = name;
      k++;
    } else if (typeof t === 'string') {
      const line = findKey(lines, from, to, t);
      if (line === null) {
        const table = lines.findIndex(l => l.trim() === '[' + (prefix ? prefix + '.' : '') + t + ']');
        return table < 0 ? found : table + 1;
      }
      return line;
    } else {
      return found;
    }
  }
  return found;
}

function findKey(lines, from, to, key) {
  const re = new RegExp('^\\s*["\']?' + key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '["\']?\\s*=');
  for (let i = from; i < to; i++) if (re.test(lines[i])) return i + 1;
  return null;
}

/** JSON: each key searched after the line of the previous one (a fair guess for pretty-printed text). */
function locateJson(lines, tokens) {
  let at = 0, found = null;
  for (const t of tokens) {
    if (typeof t !== 'string') continue;
    const needle = '"' + t + '"';
    let hit = -1;
    for (let i = at; i < lines.length; i++) if (lines[i].includes(needle)) { hit = i; break; }
    if (hit < 0) return found;
    found = hit + 1;
    at = hit;
  }
  return found;
}

/** The 1-based line of `field` in text of the format ('yaml', 'toml', 'json'), or null. */
export function locate(text, format, field) {
  if (!field) return null;
  const lines = text.split('\n');
  const tokens = pathTokens(field);
  if (!tokens.length) return null;
  if (format === 'toml') return locateToml(lines, tokens);
  if (format === 'json') return locateJson(lines, tokens);
  return locateYaml(lines, tokens);
}

/**
 * props: value, onInput(text), readOnly, label, id, problems [{line, field, message}] (line may be null:
 * shown above the editor), name.
 */
export function CodeEditor({ value, onInput, readOnly, label, id, problems = [], name }) {
  const area = useRef(null);
  const [scroll, setScroll] = useState(0);
  const lines = value.split('\n').length;
  const focusLine = line => {
    const el = area.current;
    if (!el) return;
    const all = value.split('\n');
    const start = all.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (all[line - 1] || '').length);
    el.scrollTop = Math.max(0, (line - 3) * LINE);
  };
  const placed = problems.filter(p => p.line).sort((a, b) => a.line - b.line);
  let next = 0;
  const notes = placed.map(p => {
    const top = Math.max(next, (p.line - 1) * LINE);
    next = top + LINE * 2;
    return { ...p, top };
  });
  useLayoutEffect(() => {
    if (area.current) setScroll(area.current.scrollTop);
  }, [value]);
  const marked = new Set(placed.map(p => p.line));
  return html`<div class="editor">
    ${problems.filter(p => !p.line).map(p => html`<p class="problem-top" role="alert">${p.field ? html`<code>${p.field}</code>: ` : null}${p.message}</p>`)}
    <div class=${'code' + (placed.length ? ' with-notes' : '')}>
      <div class="gutter" aria-hidden="true" style=${{ transform: `translateY(${-scroll}px)` }}>
        ${Array.from({ length: lines }, (_, i) => html`<div class=${marked.has(i + 1) ? 'ln bad' : 'ln'}>${i + 1}</div>`)}
      </div>
      <textarea ref=${area} id=${id} name=${name} aria-label=${label} spellcheck="false" wrap="off" readOnly=${readOnly} value=${value}
        onInput=${e => onInput && onInput(e.target.value)} onScroll=${e => setScroll(e.target.scrollTop)}
        aria-invalid=${problems.length ? 'true' : 'false'} aria-describedby=${problems.length ? id + '-problems' : null}></textarea>
      ${placed.length ? html`<div class="notes" style=${{ transform: `translateY(${-scroll}px)` }}>
        ${notes.map(p => html`<button type="button" class="note-at" style=${{ top: p.top + 'px' }} onClick=${() => focusLine(p.line)}
          data-line=${p.line} data-field=${p.field}>${p.message}</button>`)}
      </div>` : null}
    </div>
    ${problems.length ? html`<ol class="problems" id=${id + '-problems'} aria-label="Problems">
      ${problems.map(p => html`<li data-field=${p.field || ''}>${p.line ? html`<button type="button" class="linkish" onClick=${() => focusLine(p.line)}>line ${p.line}</button> · ` : null}
        ${p.field ? html`<code>${p.field}</code>: ` : null}${p.message}</li>`)}
    </ol>` : null}
  </div>`;
}

/**
 * What is wrong with a JSON text, as "line 3, column 5: expected ',' or '}'", or null when it is valid.
 * Browsers' JSON.parse messages do not always say where, so the text is walked here.
 */
export function jsonProblem(text) {
  let i = 0;
  const fail = what => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - before.lastIndexOf('\n');
    const found = i >= text.length ? 'the end of the text' : text[i] === '\n' ? 'a line break' : `'${text[i]}'`;
    throw new Error(`line ${line}, column ${col}: expected ${what}, found ${found}`);
  };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const lit = (word, what) => { if (text.startsWith(word, i)) i += word.length; else fail(what); };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u'); i += 4; }
        else if (!'"\\/bfnrt'.includes(text[i])) fail('an escape such as \\n or \\"');
      } else if (text.charCodeAt(i) < 32) fail('a closing quote (write a line break as \\n)');
      i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a value');
    i += m[0].length;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string(); ws();
        if (text[i] !== ':') fail("':'");
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail("',' or '}'");
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail("',' or ']'");
      }
    } else if (c === '"') string();
    else if (c === 't') lit('true', 'a value');
    else if (c === 'f') lit('false', 'a value');
    else if (c === 'n') lit('null', 'a value');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail('nothing more');
    return null;
  } catch (e) {
    return e.message;
  }
}
