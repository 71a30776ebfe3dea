// The threat model view, for ML engineers: pick the assets to protect and what the attacker has,
// get the failure modes that threaten them, the smallest set of mitigations that answers them and
// what it leaves uncovered. Printable; the state is in the URL.
import * as api from './api.js';
import { h, fill, guard, nodeLink, pretty, clearError } from './ui.js';
import { pickerView } from './picker.js';

export function mount(root, params) {
  const form = h('form', { class: 'picker', id: 'threat-form', 'aria-label': 'What to protect and what the attacker has' });
  const out = h('div', { class: 'results', id: 'threat-results', 'aria-live': 'polite' });
  fill(root, h('section', { class: 'report-view' },
    h('h1', {}, 'Threat model'),
    h('p', { class: 'lede' }, 'Pick what you need to protect and, if you know it, what the attacker can do. The answer lists the failure modes that threaten those assets, the smallest set of mitigations that answers all it can, and what stays uncovered.'),
    form, out));

  async function load() {
    const c = await guard('Loading the assets and capabilities', () => api.choices());
    if (!c) return null;
    const items = (list) => list.map((a) => ({ value: a.id, label: a.name, group: a.category }));
    return [
      { param: 'assets', legend: 'Assets to protect', name: 'asset', items: items(c.assets), grouped: true },
      { param: 'caps', legend: 'What the attacker has (none ticked: any attacker)', name: 'cap', items: items(c.capabilities), grouped: true },
    ];
  }

  async function run({ assets, caps }) {
    clearError();
    if (!assets.length) { fill(out, h('p', { class: 'hint' }, 'Tick at least one asset.')); return; }
    fill(out, h('p', { class: 'hint' }, 'Working…'));
    const tm = await guard('The threat model', () => api.threatModel(assets, caps));
    if (!tm) { fill(out); return; }
    const covered = new Map();
    for (const m of tm.mitigations) covered.set(m.mitigation.id, m);
    fill(out,
      h('h2', {}, `${tm.failureModes.length} failure modes threaten these assets`),
      h('table', { class: 'data', id: 'threat-failure-modes' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Failure mode'), h('th', { scope: 'col' }, 'Compromises'))),
        h('tbody', {}, tm.failureModes.map((f) => h('tr', { dataset: { id: f.id } },
          h('td', {}, f.number ?? '–'), h('td', {}, nodeLink(f)), h('td', {}, f.compromises.map(pretty).join(', ')))))),
      h('h2', {}, `The smallest mitigation set: ${tm.minimalCover.length}`),
      h('p', { class: 'muted' }, `Chosen by ${tm.coverMethod}.`),
      h('ol', { class: 'cover', id: 'threat-cover' }, tm.minimalCover.map((m) => {
        const r = covered.get(m.id);
        return h('li', { dataset: { id: m.id } }, nodeLink(m), h('span', { class: 'muted' }, ` ${m.category}`),
          r ? h('span', {}, ` answers ${r.coverCount}: `, r.covers.map((f) => tm.failureModes.find((x) => x.id === f.id)?.name || f.id).join(', ')) : '');
      })),
      h('h2', {}, tm.uncovered.length ? `Uncovered: ${tm.uncovered.length}` : 'Uncovered: none'),
      tm.uncovered.length ? h('ul', { id: 'threat-uncovered' }, tm.uncovered.map((f) => h('li', { dataset: { id: f.id } }, nodeLink(f))))
        : h('p', { id: 'threat-uncovered' }, 'Every failure mode above has at least one mitigation.'),
      h('details', { class: 'all-mitigations' }, h('summary', {}, `All ${tm.mitigations.length} mitigations that answer any of them`),
        h('table', { class: 'data' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Mitigation'), h('th', { scope: 'col' }, 'Answers'), h('th', { scope: 'col' }, 'Strengths'))),
          h('tbody', {}, tm.mitigations.map((m) => h('tr', {}, h('td', {}, nodeLink(m.mitigation)), h('td', {}, m.coverCount),
            h('td', {}, [...new Set(m.edges.map((e) => e.strength).filter(Boolean))].join(', '))))))),
    );
  }

  return pickerView(form, params, {
    view: 'threat', load, run,
    submit: { id: 'threat-run', label: 'Build the threat model' },
    extra: [h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Print')],
  });
}
