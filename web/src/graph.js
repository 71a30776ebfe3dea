// The graph view: search, a node's neighbourhood on a cytoscape canvas coloured by kind, expand on
// double-click with a layout that keeps what is already drawn in place, kind and relation filters,
// the details panel, paths between two nodes, the view's state in the URL, PNG and JSON downloads.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import * as api from './api.js';
import { h, fill, guard, combobox, checkboxes, checked, pretty, graphLink, clearError, kindBadge } from './ui.js';
import { kindStyle, kindIcon, relationStyles, strengthDashes } from './kinds.js';

cytoscape.use(fcose);

const style = [
  { selector: 'node', style: {
    'background-color': (n) => kindStyle(n.data('kind')).colour,
    shape: (n) => kindStyle(n.data('kind')).shape,
    label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-max-width': 110,
    'text-valign': 'bottom', 'text-margin-y': 3, color: '#1b1b1b',
    'text-background-color': '#fff', 'text-background-opacity': 0.75, 'text-background-padding': 1,
    width: (n) => 14 + Math.min(22, Math.sqrt(n.data('degree') || 1) * 2.5),
    height: (n) => 14 + Math.min(22, Math.sqrt(n.data('degree') || 1) * 2.5),
    'border-width': 0,
  } },
  { selector: 'node[?focus]', style: { 'border-width': 3, 'border-color': '#111' } },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#fbc02d', 'font-weight': 'bold' } },
  { selector: 'edge', style: {
    width: 1.2, 'line-color': '#b0b0b0', 'target-arrow-color': '#b0b0b0', 'target-arrow-shape': 'triangle',
    'arrow-scale': 0.7, 'curve-style': 'bezier',
  } },
  ...Object.entries(relationStyles).map(([type, r]) => ({ selector: `edge[type="${type}"]`, style: { 'line-color': r.colour, 'target-arrow-color': r.colour } })),
  { selector: 'edge[type="SUBTYPE_OF"], edge[type="SUBTECHNIQUE_OF"]', style: { width: 2 } },
  ...Object.entries(strengthDashes).flatMap(([type, [solid, dashed, dotted]]) => [
    { selector: `edge[type="${type}"][strength="${solid}"]`, style: { width: 3.5, 'line-style': 'solid' } },
    { selector: `edge[type="${type}"][strength="${dashed}"]`, style: { width: 2, 'line-style': 'dashed' } },
    { selector: `edge[type="${type}"][strength="${dotted}"]`, style: { width: 1.5, 'line-style': 'dotted' } },
  ]),
  { selector: 'edge:selected', style: { label: 'data(type)', 'font-size': 9, 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 1 } },
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#0288d1', opacity: 1 } },
  { selector: 'edge.path', style: { 'line-color': '#0288d1', 'target-arrow-color': '#0288d1', width: 4, opacity: 1, 'z-index': 10, label: 'data(type)', 'font-size': 9, 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 1 } },
];

/**
 * renderLegend lists the kinds the graph holds, each with the shape and colour the canvas draws it
 * in (the ATLAS kinds under the release they came from), and the relations drawn in a colour or
 * line of their own.
 */
function renderLegend(v) {
  const items = [];
  let family = null;
  for (const { kind, count } of v.kinds) {
    if (!count) continue;
    const s = kindStyle(kind);
    if (s.family === 'atlas' && family !== 'atlas') items.push(h('li', { class: 'legend-group' }, `MITRE ATLAS${v.atlasRelease ? ` ${v.atlasRelease}` : ''}:`));
    family = s.family;
    items.push(h('li', { class: 'legend-kind', dataset: { kind } }, kindIcon(kind, 'swatch'), pretty(kind)));
  }
  const line = (colour, dash) => {
    const el = h('span', { class: `line ${dash}`, 'aria-hidden': 'true' });
    el.style.borderTopColor = colour; // the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows
    return el;
  };
  const present = new Set(v.relations.filter((r) => r.count > 0).map((r) => r.relation));
  for (const [type, r] of Object.entries(relationStyles)) {
    if (!present.has(type)) continue;
    const dashes = strengthDashes[type];
    if (!dashes) { items.push(h('li', { class: 'legend-edge', dataset: { relation: type } }, line(r.colour, 'strong'), r.label)); continue; }
    dashes.forEach((strength, i) => items.push(h('li', { class: 'legend-edge', dataset: { relation: type, strength } },
      line(r.colour, ['strong', 'partial', 'detect'][i]), i ? strength : `${r.label}: ${strength}`)));
  }
  return items;
}

const list = (s) => (s ? s.split(',').filter(Boolean) : []);

/** parseState reads the view's state from the URL's parameters. */
export function parseState(params) {
  return {
    focus: params.get('focus') || null,
    expand: list(params.get('expand')),
    sel: params.get('sel') || null,
    kinds: list(params.get('kinds')),
    rels: list(params.get('rels')),
    from: params.get('from') || null,
    to: params.get('to') || null,
    path: Number(params.get('path') || 0),
  };
}

/** stateHash writes the state as the URL's fragment. */
export function stateHash(s) {
  const p = new URLSearchParams();
  if (s.focus) p.set('focus', s.focus);
  if (s.expand.length) p.set('expand', s.expand.join(','));
  if (s.sel) p.set('sel', s.sel);
  if (s.kinds.length) p.set('kinds', s.kinds.join(','));
  if (s.rels.length) p.set('rels', s.rels.join(','));
  if (s.from && s.to) { p.set('from', s.from); p.set('to', s.to); if (s.path) p.set('path', String(s.path)); }
  const q = p.toString().replaceAll('%2C', ',');
  return q ? `#graph?${q}` : '#graph';
}

export function mount(root, params) {
  let state = parseState(params);
  let foundPaths = [];
  const truncatedAt = new Set();

  const status = h('p', { id: 'graph-status', class: 'status', 'aria-live': 'polite' });
  const cyBox = h('div', { id: 'cy', class: 'cy', role: 'img', 'aria-label': 'The graph: use the list of nodes below it to reach each node by keyboard' });
  const legend = h('ul', { class: 'legend', id: 'legend', 'aria-label': 'Legend' });
  const nodeList = h('ul', { class: 'node-list' });
  const nodeListBox = h('details', { class: 'node-list-box' }, h('summary', {}, 'Nodes in this view'), nodeList);
  const panel = h('aside', { class: 'details', id: 'details', 'aria-label': 'Details of the selected node', tabindex: '-1' },
    h('p', { class: 'hint' }, 'Select a node to see its details. Double-click a node to expand it.'));

  const searchBox = combobox({ label: 'Find a node', placeholder: 'e.g. membership inference', name: 'q', onPick: (node) => {
    state = { ...state, focus: node.id, expand: [], sel: node.id, from: null, to: null, path: 0 };
    foundPaths = [];
    fill(pathList);
    reload();
  } });
  searchBox.classList.add('main-search');

  // The legend and the filters offer the kinds and relations the server says its graph holds
  // (api.vocabulary), so that they follow the schema and what was loaded (the ATLAS kinds appear
  // only when an ATLAS release is).
  let offered = { kinds: [], relations: [] };
  const filterBox = h('details', { class: 'filters', open: state.kinds.length || state.rels.length ? true : null }, h('summary', {}, 'Filters'));
  const applyFilters = () => {
    const ks = checked(filterBox.querySelector('.checks-kind'));
    const rs = checked(filterBox.querySelector('.checks-rel'));
    state = { ...state, kinds: ks.length === offered.kinds.length ? [] : ks, rels: rs.length === offered.relations.length ? [] : rs };
    reload();
  };
  filterBox.addEventListener('change', applyFilters);
  const vocabReady = guard('Loading the kinds of node', async () => {
    const v = await api.vocabulary();
    offered = { kinds: v.kinds.filter((k) => k.count > 0).map((k) => k.kind), relations: v.relations.filter((r) => r.count > 0).map((r) => r.relation) };
    const group = (k) => (kindStyle(k).family === 'atlas' ? `MITRE ATLAS${v.atlasRelease ? ` ${v.atlasRelease}` : ''}` : 'failgraph');
    filterBox.append(
      checkboxes('Kinds of node', 'kind', offered.kinds.map((k) => ({ value: k, label: [kindIcon(k), ' ', pretty(k)], group: group(k) })),
        new Set(state.kinds.length ? state.kinds : offered.kinds), (i) => i.group),
      checkboxes('Relations', 'rel', offered.relations.map((r) => ({ value: r, label: pretty(r) })), new Set(state.rels.length ? state.rels : offered.relations)));
    fill(legend, renderLegend(v));
  });

  const fromBox = combobox({ label: 'From', name: 'from', onPick: () => {} });
  const toBox = combobox({ label: 'To', name: 'to', onPick: () => {} });
  const maxLen = h('select', { id: 'path-max', name: 'maxLength' }, [1, 2, 3, 4, 5, 6].map((n) => h('option', { value: n, selected: n === 3 }, n)));
  const pathList = h('ol', { class: 'paths', id: 'path-list', 'aria-live': 'polite' });
  const pathForm = h('form', { class: 'path-form', onsubmit: (e) => { e.preventDefault(); findPaths(); } },
    fromBox, toBox,
    h('div', { class: 'row' }, h('label', { for: 'path-max' }, 'Longest path'), maxLen,
      h('button', { type: 'submit', id: 'find-paths' }, 'Find paths')),
    pathList);

  const pngLink = h('a', { class: 'button', href: '#', download: 'failgraph.png', id: 'download-png', role: 'button' }, 'PNG');
  const jsonLink = h('a', { class: 'button', href: '#', download: 'failgraph.cyjs', id: 'download-json', role: 'button' }, 'Cytoscape JSON');
  pngLink.addEventListener('click', () => { pngLink.href = URL.createObjectURL(cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' })); });
  jsonLink.addEventListener('click', () => {
    const doc = { format_version: '1.0', generated_by: 'failgraph explorer', target_cytoscapejs_version: '~3', data: { name: 'failgraph', url: location.href }, elements: cy.json().elements };
    jsonLink.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' }));
  });

  const expandBtn = h('button', { type: 'button', id: 'expand', disabled: true, onclick: () => state.sel && expand(state.sel) }, 'Expand selected');
  const fitBtn = h('button', { type: 'button', onclick: () => cy.fit(undefined, 30) }, 'Fit');
  const overviewBtn = h('a', { class: 'button', href: '#graph' }, 'Overview');

  fill(root, h('section', { class: 'graph-view' },
    h('aside', { class: 'controls', 'aria-label': 'Search and filters' },
      searchBox,
      filterBox,
      h('details', { class: 'path-box', open: state.from ? true : null }, h('summary', {}, 'Paths between two nodes'), pathForm),
      h('div', { class: 'downloads' }, h('span', {}, 'Download: '), pngLink, ' ', jsonLink)),
    h('div', { class: 'stage' },
      h('div', { class: 'toolbar' }, expandBtn, fitBtn, overviewBtn, status),
      cyBox, legend, nodeListBox),
    panel));

  const cy = cytoscape({
    container: cyBox, style, wheelSensitivity: 0.3, minZoom: 0.15, maxZoom: 3,
    boxSelectionEnabled: false, selectionType: 'single',
  });
  window.failgraph = { cy };

  cy.on('tap', 'node', (e) => select(e.target.id()));
  cy.on('tap', (e) => { if (e.target === cy) select(null); });
  cy.on('dbltap', 'node', (e) => expand(e.target.id()));

  function push() {
    const hash = stateHash(state);
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  const relOK = (type) => !state.rels.length || state.rels.includes(type);
  const kindOK = (kind) => !state.kinds.length || state.kinds.includes(kind);

  function toElements(sub) {
    const els = [];
    for (const n of sub.nodes) {
      if (!kindOK(n.kind) && n.id !== state.focus) continue;
      els.push({ group: 'nodes', data: { id: n.id, name: n.name, label: n.name, kind: n.kind, degree: n.degree } });
    }
    const ids = new Set(els.map((e) => e.data.id));
    for (const e of sub.edges) {
      if (!relOK(e.type) || !ids.has(e.source) || !ids.has(e.target)) continue;
      els.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, type: e.type, strength: e.strength || undefined } });
    }
    return els;
  }

  // relabel shows on every node how many of its edges are not drawn ("+N more").
  function relabel() {
    cy.batch(() => cy.nodes().forEach((n) => {
      const more = (n.data('degree') || 0) - n.connectedEdges().length;
      n.data('more', more);
      n.data('label', more > 0 ? `${n.data('name')}\n+${more} more` : n.data('name'));
      n.data('focus', n.id() === state.focus ? true : undefined);
    }));
    const nodes = cy.nodes().length;
    const edges = cy.edges().length;
    status.dataset.nodes = nodes;
    status.dataset.edges = edges;
    const trunc = [...truncatedAt].filter((id) => cy.getElementById(id).nonempty());
    fill(status, `${nodes} nodes · ${edges} edges`,
      trunc.length ? h('span', { class: 'truncated', id: 'truncated' }, ` · the server left out some neighbours of ${trunc.map((id) => cy.getElementById(id).data('name')).join(', ')} (limit reached)`) : '');
    fill(nodeList, ...cy.nodes().sort((a, b) => a.data('name').localeCompare(b.data('name'))).map((n) => h('li', {},
      h('button', { type: 'button', class: 'linklike', dataset: { id: n.id() }, onclick: () => select(n.id()) },
        kindIcon(n.data('kind'), 'kind-dot'), n.data('name'),
        n.data('more') > 0 ? h('span', { class: 'more' }, ` (+${n.data('more')} more)`) : ''))));
  }

  // The layout: placed once from scratch, then incremental. New nodes start on a ring around
  // the node they came from and every node already drawn is held where it is.
  function runLayout(added, anchor) {
    const old = cy.nodes().difference(added);
    if (!old.length) {
      added.layout({ name: 'concentric', animate: false, minNodeSpacing: 30,
        concentric: (n) => (n.id() === state.focus ? 10 : n.data('kind') === 'FAILURE_MODE' ? 5 : 1), levelWidth: () => 1 }).run();
      cy.layout({ name: 'fcose', randomize: false, animate: false, quality: 'default', nodeRepulsion: 16000, idealEdgeLength: 110, nodeSeparation: 80, packComponents: true, tilingPaddingVertical: 45, tilingPaddingHorizontal: 70 }).run();
      cy.fit(undefined, 30);
      return;
    }
    if (!added.length) return;
    // The new nodes start on an arc around the anchor that faces away from what is drawn.
    const c = anchor && anchor.nonempty() ? anchor.position() : { x: 0, y: 0 };
    const bb = old.boundingBox();
    const dx = c.x - (bb.x1 + bb.x2) / 2;
    const dy = c.y - (bb.y1 + bb.y2) / 2;
    const far = Math.hypot(dx, dy) > 1;
    const base = far ? Math.atan2(dy, dx) : 0;
    const spread = far ? 1.5 * Math.PI : 2 * Math.PI;
    const ring = [...added].sort((a, b) => (a.id() < b.id() ? -1 : 1));
    const r = 90 + 5 * ring.length;
    ring.forEach((n, i) => {
      const a = base - spread / 2 + (spread * (i + 0.5)) / ring.length;
      n.position({ x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a) });
    });
    // Only the new nodes move: laid out around their anchor, which is held where it is.
    const anchorNode = anchor && anchor.nonempty() ? anchor : null;
    const eles = added.union(anchorNode || cy.collection());
    eles.union(eles.edgesWith(eles)).layout({ name: 'fcose', randomize: false, animate: false, fit: false, quality: 'default',
      nodeRepulsion: 12000, idealEdgeLength: 100, packComponents: false,
      fixedNodeConstraint: anchorNode ? [{ nodeId: anchorNode.id(), position: { ...anchorNode.position() } }] : undefined }).run();
    // The view moves only when the new nodes fall outside it.
    const ext = cy.extent();
    const nb = added.boundingBox();
    if (nb.x1 < ext.x1 || nb.x2 > ext.x2 || nb.y1 < ext.y1 || nb.y2 > ext.y2) cy.fit(undefined, 30);
  }

  // merge adds a subgraph's elements, then asks for the edges among everything drawn (a
  // neighbourhood only has the edges among its own nodes).
  async function merge(sub, anchorId) {
    const before = new Set(cy.nodes().map((n) => n.id()));
    const els = toElements(sub);
    const ids = new Set([...before, ...els.filter((e) => e.group === 'nodes').map((e) => e.data.id)]);
    let edges = els.filter((e) => e.group === 'edges');
    if (before.size && ids.size > before.size) {
      const all = await api.subgraph([...ids]);
      edges = toElements({ nodes: [...all.nodes], edges: all.edges }).filter((e) => e.group === 'edges');
    }
    const addNodes = els.filter((e) => e.group === 'nodes' && !before.has(e.data.id));
    const added = cy.add(addNodes);
    cy.add(edges.filter((e) => cy.getElementById(e.data.id).empty()));
    performance.mark('fg:merge-fetched');
    runLayout(added, anchorId ? cy.getElementById(anchorId) : null);
    performance.mark('fg:layout-done');
    relabel();
    return added;
  }

  async function fetchAround(id) {
    const sub = await api.neighborhood(id, { kinds: state.kinds, relations: state.rels });
    if (sub.truncated) truncatedAt.add(id); else truncatedAt.delete(id);
    return sub;
  }

  async function reload() {
    clearError();
    await vocabReady;
    cy.elements().remove();
    truncatedAt.clear();
    performance.mark('fg:load-start');
    await guard('Loading the graph', async () => {
      if (!state.focus) {
        const { failureModes } = await api.gql('{ failureModes { id } }');
        await merge(await api.subgraph(failureModes.map((f) => f.id)));
      } else {
        await merge(await fetchAround(state.focus));
        for (const id of state.expand) {
          if (cy.getElementById(id).nonempty()) await merge(await fetchAround(id), id);
        }
      }
      if (state.from && state.to) await findPaths(true);
      if (state.sel && cy.getElementById(state.sel).nonempty()) select(state.sel, true);
      else { state.sel = null; showDetails(null); }
    });
    push();
    await drawn();
    performance.mark('fg:graph-drawn');
    root.querySelector('.graph-view').dataset.ready = 'true';
  }

  // drawn resolves once the canvas has painted what was just added.
  const drawn = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

  async function expand(id) {
    performance.mark('fg:expand-start');
    const node = cy.getElementById(id);
    if (node.empty()) return;
    await guard(`Expanding ${node.data('name')}`, async () => {
      const sub = await fetchAround(id);
      performance.mark('fg:expand-fetched');
      await merge(sub, id);
      if (!state.expand.includes(id) && id !== state.focus) state.expand = [...state.expand, id];
      push();
    });
    await drawn();
    performance.mark('fg:expand-drawn');
    performance.measure('fg:expand', 'fg:expand-start', 'fg:expand-drawn');
  }

  function select(id, keep) {
    cy.nodes().unselect();
    state.sel = id;
    expandBtn.disabled = !id;
    if (id) {
      const n = cy.getElementById(id);
      n.select();
      if (!keep) push();
      showDetails(id);
    } else {
      push();
      showDetails(null);
    }
  }

  let detailsSeq = 0;
  async function showDetails(id) {
    const seq = ++detailsSeq;
    if (!id) {
      fill(panel, h('p', { class: 'hint' }, 'Select a node to see its details. Double-click a node to expand it.'));
      return;
    }
    const node = await guard('Loading details', () => api.details(id));
    if (seq !== detailsSeq) return;
    if (!node) { fill(panel, h('p', { class: 'hint' }, `No node ${id}.`)); return; }
    fill(panel, ...renderDetails(node, {
      expand: () => expand(id),
      from: () => { fromBox.set(node); pathForm.closest('details').open = true; },
      to: () => { toBox.set(node); pathForm.closest('details').open = true; },
      more: cy.getElementById(id).data('more'),
    }));
  }

  async function findPaths(fromState) {
    if (!fromState) {
      const from = fromBox.dataset.value;
      const to = toBox.dataset.value;
      if (!from || !to) { fill(pathList, h('li', { class: 'hint' }, 'Pick both ends from the suggestions first.')); return; }
      state = { ...state, from, to, path: 0 };
    }
    await guard('Finding paths', async () => {
      foundPaths = await api.paths(state.from, state.to, { maxLength: Number(maxLen.value), relations: state.rels });
      if (fromState) {
        const ends = await api.gql('query Ends($ids: [ID!]!) { nodes(ids: $ids) { id name } }', { ids: [state.from, state.to] });
        if (ends.nodes[0]) fromBox.set(ends.nodes[0]);
        if (ends.nodes[1]) toBox.set(ends.nodes[1]);
      }
      fill(pathList, ...(foundPaths.length ? foundPaths.map((p, i) => h('li', {},
        h('button', { type: 'button', class: 'linklike path-item', 'aria-pressed': String(i === state.path), onclick: () => showPath(i) },
          p.nodes.map((n) => n.name).join(' → '), h('span', { class: 'muted' }, ` (${p.length} ${p.length === 1 ? 'edge' : 'edges'})`))))
        : [h('li', { class: 'hint' }, 'No path of that length or shorter.')]));
      if (foundPaths.length) await showPath(Math.min(state.path, foundPaths.length - 1));
      else { cy.elements().removeClass('path faded'); push(); }
    });
  }

  async function showPath(i) {
    const p = foundPaths[i];
    state.path = i;
    [...pathList.querySelectorAll('.path-item')].forEach((b, j) => b.setAttribute('aria-pressed', String(j === i)));
    const missing = p.nodes.filter((n) => cy.getElementById(n.id).empty());
    if (missing.length) {
      const added = cy.add(missing.map((n) => ({ group: 'nodes', data: { id: n.id, name: n.name, label: n.name, kind: n.kind, degree: n.degree } })));
      runLayout(added, cy.getElementById(p.nodes[0].id));
    }
    for (const e of p.edges) {
      if (cy.getElementById(e.id).empty()) cy.add({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, type: e.type, strength: e.strength || undefined } });
    }
    relabel();
    const on = cy.collection();
    p.nodes.forEach((n) => { on.merge(cy.getElementById(n.id)); });
    p.edges.forEach((e) => { on.merge(cy.getElementById(e.id)); });
    cy.elements().removeClass('path').addClass('faded');
    on.removeClass('faded').addClass('path');
    status.dataset.highlighted = on.length;
    push();
  }

  reload();
  return {
    update(params) {
      const next = parseState(params);
      if (stateHash(next) !== stateHash(state)) { state = next; reload(); }
    },
    unmount() { cy.destroy(); delete window.failgraph; },
  };
}

const doiURL = (doi) => `https://doi.org/${doi}`;
const arxivURL = (id) => `https://arxiv.org/abs/${id}`;

function field(label, value) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return null;
  return [h('dt', {}, label), h('dd', {}, Array.isArray(value) ? value.map(pretty).join(', ') : String(value))];
}

function referenceItem(r) {
  const links = [];
  if (r.doi) links.push(h('a', { href: doiURL(r.doi), rel: 'noopener', target: '_blank' }, `doi:${r.doi}`));
  if (r.arxiv) links.push(h('a', { href: arxivURL(r.arxiv), rel: 'noopener', target: '_blank' }, `arXiv:${r.arxiv}`));
  if (r.url && !r.doi && !r.arxiv) links.push(h('a', { href: r.url, rel: 'noopener', target: '_blank' }, 'link'));
  const authors = r.authors && r.authors.length ? `${r.authors[0]}${r.authors.length > 1 ? ' et al.' : ''}, ` : '';
  return h('li', {}, h('a', { href: graphLink(r.id), class: 'node-link' }, r.title), h('span', { class: 'muted' }, ` ${authors}${r.year}`),
    links.length ? [' · ', links.flatMap((l, i) => (i ? [' · ', l] : [l]))] : '');
}

// linked lists a panel section of nodes, each a link to the graph view centred on it, with its ATLAS
// id when it has one and the crosswalk's match when given.
function linked(title, id, items, match = new Map()) {
  if (!items || !items.length) return null;
  return [h('h3', {}, `${title} (${items.length})`), h('ul', { class: 'linked', id }, items.map((x) => h('li', { dataset: { id: x.id } },
    x.atlasId ? [h('code', {}, x.atlasId), ' '] : '', h('a', { href: graphLink(x.id), class: 'node-link' }, x.name),
    match.has(x.id) ? h('span', { class: 'muted' }, ` (${match.get(x.id)})`) : '')))];
}

/** renderDetails is the details panel of one node. */
export function renderDetails(n, actions) {
  const xids = n.externalIds || [];
  const dl = h('dl', { class: 'fields' },
    field('kind', pretty(n.kind)),
    field('ATLAS id', n.atlasId),
    field('ATLAS release', n.release),
    field('ATT&CK id', n.attackId),
    field('maturity', n.maturity),
    field('type', n.caseType),
    field('incident date', n.incidentDate),
    field('category', n.atlasCategory),
    field('number', n.number),
    field('intent', n.intent && pretty(n.intent)),
    field('compromises', n.compromises),
    field('attacker knowledge', n.knowledge),
    field('violates access authorization', n.violatesAccessAuthorization === null || n.violatesAccessAuthorization === undefined ? null : (n.violatesAccessAuthorization ? 'yes' : 'no')),
    field('category', n.category),
    field('lifecycle', n.lifecycle),
    field('jurisdiction', n.jurisdiction),
    field('instrument', n.instrument),
    field('citation', n.citation),
    field('authors', n.authors && n.authors.join(', ')),
    field('year', n.year ?? n.enacted),
    field('venue', n.venue),
    field('type', n.type),
    field('also known as', n.aliases && n.aliases.join('; ')),
    field('edges', n.degree));
  const links = [];
  if (n.doi) links.push(h('a', { href: doiURL(n.doi), rel: 'noopener', target: '_blank' }, `doi:${n.doi}`));
  if (n.arxiv) links.push(h('a', { href: arxivURL(n.arxiv), rel: 'noopener', target: '_blank' }, `arXiv:${n.arxiv}`));
  if (n.url) links.push(h('a', { href: n.url, rel: 'noopener', target: '_blank' }, n.url));
  if (n.atlasUrl) links.push(h('a', { href: n.atlasUrl, rel: 'noopener', target: '_blank', id: 'details-atlas-link' }, `${n.atlasId} on atlas.mitre.org`));
  const atlas = n.atlas || {};
  const match = new Map((atlas.crosswalk || []).map((e) => [e.target, e.strength]));
  return [
    kindBadge(n.kind),
    h('h2', { id: 'details-name' }, n.name),
    n.parent ? h('p', { class: 'muted' }, n.kind === 'ATLAS_TECHNIQUE' ? 'Sub-technique of ' : 'Subtype of ', h('a', { href: graphLink(n.parent.id) }, n.parent.name)) : null,
    h('p', { class: 'summary' }, n.summary),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'details-expand', onclick: actions.expand }, actions.more > 0 ? `Expand (+${actions.more} more)` : 'Expand'),
      h('button', { type: 'button', onclick: actions.from }, 'Path from here'),
      h('button', { type: 'button', onclick: actions.to }, 'Path to here')),
    links.length ? h('p', { class: 'links' }, links.flatMap((l, i) => (i ? [' · ', l] : [l]))) : null,
    dl,
    n.example ? [h('h3', {}, 'Example'), h('p', {}, n.example)] : null,
    n.accessCommentary ? [h('h3', {}, 'Access authorization'), h('p', {}, n.accessCommentary)] : null,
    n.severity && n.severity.length ? [h('h3', {}, 'Severity'), h('ul', {}, n.severity.map((s) => h('li', {}, `${s.level} (${s.source} ${s.edition})`)))] : null,
    xids.length ? [h('h3', {}, 'Crosswalk'), h('ul', { class: 'xids' }, xids.map((x) => h('li', {},
      h('strong', {}, x.framework), ' ', x.url ? h('a', { href: x.url, rel: 'noopener', target: '_blank' }, x.code) : h('code', {}, x.code),
      ` ${x.name} `, h('span', { class: 'muted' }, `(${x.match}, ${x.edition})`))))] : null,
    linked('MITRE ATLAS techniques', 'details-atlas-techniques', atlas.techniques, match),
    linked('MITRE ATLAS case studies', 'details-atlas-case-studies', atlas.caseStudies, match),
    linked('MITRE ATLAS mitigations', 'details-atlas-mitigations', n.atlasMitigations),
    linked('Tactics it achieves', 'details-tactics', n.tactics),
    linked(n.kind === 'ATLAS_TACTIC' ? 'Techniques that achieve it' : n.kind === 'ATLAS_CASE_STUDY' ? 'Techniques of its procedure' : 'Techniques it counters', 'details-techniques', n.techniques),
    linked('Sub-techniques', 'details-subtechniques', n.subtechniques),
    linked('Case studies that use it', 'details-case-studies', n.caseStudies),
    linked('ATLAS mitigations that counter it', 'details-counters', n.kind === 'ATLAS_TECHNIQUE' ? n.mitigations : null),
    linked('failgraph failure modes', 'details-failure-modes', n.failureModes),
    linked('failgraph mitigations', 'details-mitigations', n.kind === 'ATLAS_MITIGATION' ? n.mitigations : null),
    n.questions && n.questions.length ? [h('h3', {}, 'Questions'), h('ul', {}, n.questions.map((q) => h('li', {}, q)))] : null,
    n.notes && n.notes.length ? [h('h3', {}, 'Notes'), h('ul', {}, n.notes.map((q) => h('li', {}, q)))] : null,
    n.references && n.references.length ? [h('h3', {}, `References (${n.references.length})`), h('ul', { class: 'refs' }, n.references.map(referenceItem))] : null,
  ];
}
