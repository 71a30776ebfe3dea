// Small DOM helpers shared by the views: element building, the error banner, labelled checkbox
// groups, the search combobox, and links into the graph view.
import { search } from './api.js';
import { kindStyle, kindIcon } from './kinds.js';

/** h builds an element: h('a', {href: '#x', class: 'c'}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** fill replaces el's children with children, arrays flattened and empty ones dropped. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const errorBox = () => document.getElementById('error');

/** showError puts an error in words, with its code, in the banner at the top of the page. */
export function showError(err, context) {
  if (err && err.name === 'AbortError') return;
  const box = errorBox();
  const code = (err && err.code) || 'CLIENT_ERROR';
  fill(box, 
    h('strong', {}, context ? `${context} failed: ` : 'Something failed: '),
    h('span', { class: 'message' }, (err && err.message) || String(err)),
    ' ',
    h('code', { class: 'code', title: 'the error code (docs/OPERATIONS.md lists them)' }, code),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss the error', onclick: clearError }, '×'),
  );
  box.hidden = false;
}

/** clearError hides the banner. */
export function clearError() {
  const box = errorBox();
  box.hidden = true;
  fill(box);
}

/** guard runs fn, showing any error it throws under context. */
export async function guard(context, fn) {
  try {
    return await fn();
  } catch (err) {
    showError(err, context);
    return undefined;
  }
}

/** graphLink is the address of the graph view centred on id. */
export const graphLink = (id) => `#graph?focus=${encodeURIComponent(id)}`;

/** nodeLink is a link to the graph view of a node. */
export const nodeLink = (node) => h('a', { href: graphLink(node.id), class: 'node-link' }, node.name || node.id);

/** pretty turns an enum value such as FAILURE_MODE into "failure mode". */
export const pretty = (v) => String(v).toLowerCase().replaceAll('_', ' ');

/** kindBadge is the name of a kind, white on the kind's colour. */
export function kindBadge(kind) {
  const el = h('p', { class: 'kind-badge', dataset: { kind } }, pretty(kind));
  el.style.backgroundColor = kindStyle(kind).colour; // the CSSOM, which the page's policy allows
  return el;
}

/**
 * checkboxes is a fieldset of labelled checkboxes, grouped by group(item) when given. It returns
 * the fieldset; read the checked values with checked(fieldset).
 */
export function checkboxes(legend, name, items, selected = new Set(), group) {
  const fs = h('fieldset', { class: `checks checks-${name}` }, h('legend', {}, legend));
  const groups = new Map();
  for (const it of items) {
    const g = group ? group(it) : '';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(it);
  }
  for (const [g, list] of groups) {
    const box = g ? h('div', { class: 'check-group' }, h('div', { class: 'check-group-title' }, g)) : fs;
    for (const it of list) {
      box.append(h('label', { class: 'check' },
        h('input', { type: 'checkbox', name, value: it.value, checked: selected.has(it.value) }),
        ' ', it.label));
    }
    if (g) fs.append(box);
  }
  return fs;
}

/** checked returns the values of the checked boxes inside el. */
export const checked = (el) => [...el.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);

let comboSeq = 0;

/**
 * combobox is a labelled search input with suggestions from the search query as you type
 * (the ARIA combobox pattern: arrows move, Enter picks, Escape closes). onPick gets the node.
 */
export function combobox({ label, placeholder = 'Search…', onPick, name }) {
  const id = `combo-${++comboSeq}`;
  const input = h('input', {
    id, type: 'search', name, placeholder, autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-list`,
  });
  const list = h('ul', { id: `${id}-list`, role: 'listbox', class: 'suggestions', hidden: true, 'aria-label': `${label}: suggestions` });
  const wrap = h('div', { class: 'combo' }, h('label', { for: id }, label), input, list);
  let hits = [];
  let active = -1;
  let timer = 0;
  let ctrl = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    }
  };
  const pick = (i) => {
    const hit = hits[i];
    if (!hit) return;
    close();
    input.value = hit.node.name;
    wrap.dataset.value = hit.node.id;
    onPick(hit.node);
  };
  const render = () => {
    fill(list, ...hits.map((hit, i) => h('li', {
      id: `${id}-opt-${i}`, role: 'option', 'aria-selected': 'false', class: 'suggestion', dataset: { id: hit.node.id },
      onmousedown: (e) => { e.preventDefault(); pick(i); },
    }, kindIcon(hit.node.kind, 'kind-dot'), h('span', { class: 'sname' }, hit.node.name),
    h('span', { class: 'skind' }, pretty(hit.node.kind)))));
    if (!hits.length) list.append(h('li', { class: 'none', role: 'option', 'aria-disabled': 'true' }, 'No match'));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(hits.length ? 0 : -1);
  };
  const suggest = async () => {
    const q = input.value.trim();
    if (!q) { hits = []; close(); return; }
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      hits = await search(q, 8, { signal: ctrl.signal });
      if (input.value.trim() === q) render();
    } catch (err) {
      showError(err, 'Search');
    }
  };
  input.addEventListener('input', () => {
    delete wrap.dataset.value;
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (list.hidden) suggest(); else highlight(Math.min(active + 1, hits.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter') { e.preventDefault(); if (!list.hidden && active >= 0) pick(active); else suggest(); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  /** set shows a node as the chosen value without searching. */
  wrap.set = (node) => {
    input.value = node ? node.name : '';
    if (node) wrap.dataset.value = node.id; else delete wrap.dataset.value;
  };
  wrap.input = input;
  return wrap;
}
