// The triage view, for incident responders: tick what was compromised and which assets were
// affected, get the failure modes that fit best, with their severity, what the attacker must have
// had and the mitigations to reach for first.
import * as api from './api.js';
import { h, fill, guard, nodeLink, pretty, clearError } from './ui.js';
import { pickerView } from './picker.js';

export function mount(root, params) {
  const form = h('form', { class: 'picker', id: 'triage-form', 'aria-label': 'What was observed' });
  const out = h('div', { class: 'results', id: 'triage-results', 'aria-live': 'polite' });
  fill(root, h('section', { class: 'report-view' },
    h('h1', {}, 'Triage'),
    h('p', { class: 'lede' }, 'Tick what you observed. The candidates are ranked by how well they fit: the share of the observed properties each compromises plus the share of the observed assets it targets.'),
    form, out));

  async function load() {
    const c = await guard('Loading the assets', () => api.gql('{ assets { id name category } }'));
    if (!c) return null;
    return [
      { param: 'compromised', legend: 'Compromised', name: 'prop', items: api.properties.map((p) => ({ value: p, label: pretty(p) })) },
      { param: 'assets', legend: 'Assets affected', name: 'asset', items: c.assets.map((a) => ({ value: a.id, label: a.name, group: a.category })), grouped: true },
    ];
  }

  async function run({ compromised: props, assets }) {
    clearError();
    if (!props.length && !assets.length) { fill(out, h('p', { class: 'hint' }, 'Tick at least one property or asset.')); return; }
    const cands = await guard('Triage', () => api.triage(props, assets));
    if (!cands) { fill(out); return; }
    fill(out, h('h2', {}, `${cands.length} candidates`),
      h('table', { class: 'data', id: 'triage-candidates' },
        h('thead', {}, h('tr', {}, ['Rank', 'Failure mode', 'Fit', 'Matched', 'Severity', 'Attacker needs', 'Reach for first'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, cands.map((c, i) => h('tr', { dataset: { id: c.failureMode.id } },
          h('td', {}, i + 1),
          h('td', {}, nodeLink(c.failureMode)),
          h('td', {}, c.score.toFixed(2)),
          h('td', {}, [...c.matched.map(pretty), ...c.matchedAssets.map((a) => a.name)].join(', ')),
          h('td', {}, c.severity.map((s) => `${s.level} (${s.source})`).join('; ') || '–'),
          h('td', {}, c.capabilities.map((k, j) => [j ? ', ' : '', nodeLink(k)])),
          h('td', {}, c.firstMitigations.map((m, j) => [j ? ', ' : '', nodeLink(m.mitigation),
            m.edges[0] && m.edges[0].strength ? h('span', { class: 'muted' }, ` (${m.edges[0].strength})`) : ''])))))));
  }

  return pickerView(form, params, { view: 'triage', load, run, submit: { id: 'triage-run', label: 'Rank the candidates' } });
}
