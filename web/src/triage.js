// The triage view, for incident responders: tick what was compromised and which assets were
// affected, get the failure modes that fit best, with their severity, what the attacker must have
// had and the mitigations to reach for first.
import * as api from './api.js';
import { h, fill, guard, checkboxes, checked, nodeLink, pretty, clearError } from './ui.js';

export function mount(root, params) {
  const form = h('form', { class: 'picker', id: 'triage-form', 'aria-label': 'What was observed' });
  const out = h('div', { class: 'results', id: 'triage-results', 'aria-live': 'polite' });
  fill(root, h('section', { class: 'report-view' },
    h('h1', {}, 'Triage'),
    h('p', { class: 'lede' }, 'Tick what you observed. The candidates are ranked by how well they fit: the share of the observed properties each compromises plus the share of the observed assets it targets.'),
    form, out));
  let picks = null;
  const read = (p) => ({ props: (p.get('compromised') || '').split(',').filter(Boolean), assets: (p.get('assets') || '').split(',').filter(Boolean) });

  async function init() {
    const c = await guard('Loading the assets', () => api.gql('{ assets { id name category } }'));
    if (!c) return;
    const s = read(params);
    const props = checkboxes('Compromised', 'prop', api.properties.map((p) => ({ value: p, label: pretty(p) })), new Set(s.props));
    const assets = checkboxes('Assets affected', 'asset', c.assets.map((a) => ({ value: a.id, label: a.name, cat: a.category })), new Set(s.assets), (i) => i.cat);
    picks = { props, assets };
    fill(form, props, assets, h('div', { class: 'row' }, h('button', { type: 'submit', id: 'triage-run' }, 'Rank the candidates')));
    form.onsubmit = (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      const cp = checked(props);
      const as = checked(assets);
      if (cp.length) p.set('compromised', cp.join(','));
      if (as.length) p.set('assets', as.join(','));
      const hash = `#triage?${p.toString().replaceAll('%2C', ',')}`;
      if (location.hash === hash) run(cp, as); else location.hash = hash;
    };
    if (s.props.length || s.assets.length) run(s.props, s.assets);
  }

  async function run(props, assets) {
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

  init();
  return {
    update(p) {
      params = p;
      if (!picks) return;
      const s = read(p);
      for (const i of picks.props.querySelectorAll('input')) i.checked = s.props.includes(i.value);
      for (const i of picks.assets.querySelectorAll('input')) i.checked = s.assets.includes(i.value);
      run(s.props, s.assets);
    },
    unmount() {},
  };
}
