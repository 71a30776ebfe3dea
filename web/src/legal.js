// The legal view, for lawyers and policy makers: the legal matrix of a jurisdiction as a heat map
// (failure modes by instruments; a cell's shade is how many references support its question, the
// question itself on hover and on click), the legal exposure of one failure mode, and where the
// graph is thin.
import * as api from './api.js';
import { h, fill, guard, nodeLink, clearError } from './ui.js';

export function mount(root, params) {
  const jSelect = h('select', { id: 'legal-jurisdiction', name: 'jurisdiction' });
  const fmSelect = h('select', { id: 'legal-fm', name: 'failureMode' });
  const matrixBox = h('div', { class: 'matrix-box', id: 'legal-matrix-box' });
  const cellInfo = h('div', { class: 'cell-info', id: 'legal-cell', 'aria-live': 'polite' }, h('p', { class: 'hint' }, 'Hover over or select a shaded cell to read the question it raises.'));
  const exposureBox = h('div', { id: 'legal-exposure', 'aria-live': 'polite' });
  const gapsBox = h('div', { id: 'legal-gaps' });
  fill(root, h('section', { class: 'report-view legal-view' },
    h('h1', {}, 'Legal'),
    h('p', { class: 'lede' }, 'Which failure modes raise questions under which laws. A shaded cell means the failure mode raises a question under that instrument; the darker, the more references support it.'),
    h('div', { class: 'row' }, h('label', { for: 'legal-jurisdiction' }, 'Jurisdiction'), jSelect),
    matrixBox, cellInfo,
    h('h2', {}, 'Legal exposure of one failure mode'),
    h('div', { class: 'row' }, h('label', { for: 'legal-fm' }, 'Failure mode'), fmSelect),
    exposureBox,
    h('h2', {}, 'Where the graph is thin'),
    gapsBox));

  const state = () => ({ j: params.get('j') || '', fm: params.get('fm') || '' });
  const push = (s) => {
    const p = new URLSearchParams();
    if (s.j) p.set('j', s.j);
    if (s.fm) p.set('fm', s.fm);
    const hash = `#legal${p.toString() ? `?${p}` : ''}`;
    if (location.hash !== hash) location.hash = hash;
  };

  async function init() {
    const c = await guard('Loading the jurisdictions', () => api.choices());
    if (!c) return;
    const js = [...new Set(c.legalConsiderations.map((l) => l.jurisdiction).filter(Boolean))].sort();
    fill(jSelect, h('option', { value: '' }, 'All jurisdictions'), js.map((j) => h('option', { value: j }, j)));
    fill(fmSelect, h('option', { value: '' }, 'Choose a failure mode…'),
      c.failureModes.map((f) => h('option', { value: f.id }, `${f.number ? `${f.number}. ` : ''}${f.name}`)));
    jSelect.addEventListener('change', () => push({ ...state(), j: jSelect.value }));
    fmSelect.addEventListener('change', () => push({ ...state(), fm: fmSelect.value }));
    show();
    gaps();
  }

  let shown = { j: null, fm: null };
  function show() {
    const s = state();
    jSelect.value = s.j;
    fmSelect.value = s.fm;
    if (s.j !== shown.j) matrix(s.j);
    if (s.fm !== shown.fm) exposure(s.fm);
    shown = s;
  }

  async function matrix(j) {
    clearError();
    const m = await guard('The legal matrix', () => api.legalMatrix(j));
    if (!m) { fill(matrixBox); return; }
    const maxRefs = Math.max(1, ...m.cells.flat().filter(Boolean).map((c) => c.references.length));
    const showCell = (row, col, cell) => fill(cellInfo, 
      h('h3', {}, `${row.name} × ${col.name}`),
      h('p', { class: 'question' }, cell.question || '(the graph records no question text)'),
      col.citation ? h('p', { class: 'muted' }, col.citation) : null,
      cell.references.length ? h('ul', {}, cell.references.map((r) => h('li', {}, nodeLink({ id: r.id, name: r.title })))) : null);
    const table = h('table', { class: 'matrix', id: 'legal-matrix' },
      h('caption', {}, `${m.rows.length} failure modes × ${m.columns.length} legal considerations${j ? ` (${j})` : ''}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'corner' }, 'Failure mode'),
        m.columns.map((c) => h('th', { scope: 'col', class: 'col', title: [c.name, c.citation].filter(Boolean).join(' — '), dataset: { id: c.id } },
          h('a', { href: `#graph?focus=${encodeURIComponent(c.id)}` }, h('span', {}, c.name)))))),
      h('tbody', {}, m.rows.map((r, i) => h('tr', { dataset: { id: r.id } },
        h('th', { scope: 'row' }, nodeLink(r)),
        m.columns.map((c, k) => {
          const cell = m.cells[i][k];
          if (!cell) return h('td', { class: 'empty' });
          const heat = Math.ceil((4 * Math.max(1, cell.references.length)) / maxRefs);
          return h('td', { class: `hit heat-${heat}` }, h('button', {
            type: 'button', class: 'cell', title: cell.question,
            'aria-label': `${r.name} under ${c.name}: ${cell.question}`,
            onclick: () => showCell(r, c, cell), onmouseenter: () => showCell(r, c, cell), onfocus: () => showCell(r, c, cell),
          }, cell.references.length || '•'));
        })))));
    fill(matrixBox, table);
  }

  async function exposure(fm) {
    if (!fm) { fill(exposureBox, h('p', { class: 'hint' }, 'Choose a failure mode to list the legal questions it raises.')); return; }
    const x = await guard('The legal exposure', () => api.legalExposure(fm));
    if (!x) { fill(exposureBox); return; }
    const access = x.violatesAccessAuthorization === null ? 'The paper gives no answer on whether it violates access authorization.'
      : `It ${x.violatesAccessAuthorization ? 'violates' : 'does not violate'} a traditional notion of access authorization (the paper's column).`;
    fill(exposureBox, 
      h('p', {}, nodeLink(x.failureMode), ': ', access, x.accessCommentary ? ` ${x.accessCommentary}` : ''),
      x.items.length ? h('table', { class: 'data', id: 'legal-exposure-items' },
        h('thead', {}, h('tr', {}, ['Jurisdiction', 'Consideration', 'Question', 'Support'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, x.items.map((it) => h('tr', { dataset: { id: it.consideration.id } },
          h('td', {}, it.jurisdiction || '–'),
          h('td', {}, nodeLink(it.consideration), it.inheritedFrom ? h('div', { class: 'muted' }, 'inherited from ', nodeLink(it.inheritedFrom)) : ''),
          h('td', {}, it.question || '–'),
          h('td', {}, it.references.map((r) => h('div', {}, nodeLink({ id: r.id, name: r.title })))))))) : h('p', {}, 'It raises no legal consideration in the graph.'));
  }

  async function gaps() {
    const g = await guard('The coverage gaps', () => api.coverageGaps());
    if (!g) return;
    const part = (title, id, items) => h('div', { class: 'gap', id }, h('h3', {}, `${title} (${items.length})`),
      items.length ? h('ul', {}, items.map((n) => h('li', {}, nodeLink(n)))) : h('p', { class: 'muted' }, 'None.'));
    fill(gapsBox, h('div', { class: 'gaps' },
      part('Failure modes no mitigation answers', 'gap-mitigation', g.withoutMitigation),
      part('Failure modes that raise no legal question', 'gap-legal', g.withoutLegal),
      part('Failure modes with fewer than two references', 'gap-refs', g.fewReferences),
      part('Mitigations without cited evidence', 'gap-evidence', g.mitigationsWithoutEvidence)));
  }

  init();
  return { update(p) { params = p; show(); }, unmount() {} };
}
