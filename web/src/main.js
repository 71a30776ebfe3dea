// The explorer's entry point: a router over the URL's fragment (#view?state), so that every view
// can be linked to and the server needs only one page. Each view module exports mount(root,
// params) returning {update(params), unmount()}.
import * as graph from './graph.js';
import * as threat from './threat.js';
import * as legal from './legal.js';
import * as triage from './triage.js';
import { clearError } from './ui.js';

const views = { graph, threat, legal, triage };
const titles = { graph: 'Graph', threat: 'Threat model', legal: 'Legal', triage: 'Triage' };
let current = null;
let currentName = '';

function route() {
  const raw = location.hash.replace(/^#/, '');
  const [name0, query = ''] = raw.split('?');
  const name = views[name0] ? name0 : 'graph';
  const params = new URLSearchParams(query);
  document.querySelectorAll('nav a[data-view]').forEach((a) => {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  document.title = `${titles[name]} · failgraph explorer`;
  if (current && currentName === name) {
    current.update(params);
    return;
  }
  if (current) current.unmount();
  clearError();
  const main = document.getElementById('main');
  currentName = name;
  current = views[name].mount(main, params);
}

window.addEventListener('hashchange', route);
route();
