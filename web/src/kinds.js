// How the explorer draws each kind of node and relation: one colour and one shape per kind (the
// canvas, the legend, the suggestion dots and the details badge all read them from here), and a
// fallback for a kind the server has that this table does not know yet, so that a new kind in the
// schema is drawn, listed in the legend and filterable before anyone styles it. Which kinds and
// relations exist is not decided here but asked of the server (api.vocabulary).
//
// Every colour has a contrast of at least 4.5:1 against white (the canvas is white and the details
// badge writes white on the colour), and no two kinds share a colour or a shape, so a reader who
// cannot tell the colours apart can still tell the shapes.

/** paper: the kinds of failgraph's own graph; atlas: the kinds imported from MITRE ATLAS. */
export const kindStyles = {
  FAILURE_MODE: { colour: '#c62828', shape: 'ellipse', family: 'paper' },
  CAPABILITY: { colour: '#6a1b9a', shape: 'diamond', family: 'paper' },
  ASSET: { colour: '#1565c0', shape: 'round-rectangle', family: 'paper' },
  MITIGATION: { colour: '#2e7d32', shape: 'hexagon', family: 'paper' },
  LEGAL_CONSIDERATION: { colour: '#b84e00', shape: 'rectangle', family: 'paper' },
  REFERENCE: { colour: '#757575', shape: 'round-tag', family: 'paper' },
  STAKEHOLDER: { colour: '#6d4c41', shape: 'triangle', family: 'paper' },
  ATLAS_TACTIC: { colour: '#283593', shape: 'rhomboid', family: 'atlas' },
  ATLAS_TECHNIQUE: { colour: '#00695c', shape: 'pentagon', family: 'atlas' },
  ATLAS_MITIGATION: { colour: '#6b6a00', shape: 'concave-hexagon', family: 'atlas' },
  ATLAS_CASE_STUDY: { colour: '#ad1457', shape: 'star', family: 'atlas' },
};

/** fallbackStyle draws a kind that kindStyles does not know. */
export const fallbackStyle = { colour: '#455a64', shape: 'vee', family: 'other' };

/** kindStyle is the style of kind, the fallback when it has none of its own. */
export const kindStyle = (kind) => kindStyles[kind] || fallbackStyle;

/**
 * relationStyles colour the relations that have a colour of their own (the rest are grey); the
 * strengths of MITIGATES (strong, partial, detect-only) and of CORRESPONDS_TO, the crosswalk's
 * match (exact, close, related), are drawn solid, dashed and dotted.
 */
export const relationStyles = {
  MITIGATES: { colour: '#43a047', label: 'mitigates' },
  RAISES: { colour: '#ef6c00', label: 'raises' },
  SUBTYPE_OF: { colour: '#c62828', label: 'subtype of' },
  CORRESPONDS_TO: { colour: '#7e57c2', label: 'corresponds to (crosswalk)' },
  ACHIEVES: { colour: '#3949ab', label: 'achieves' },
  SUBTECHNIQUE_OF: { colour: '#00897b', label: 'sub-technique of' },
  COUNTERS: { colour: '#827717', label: 'counters' },
  USES: { colour: '#d81b60', label: 'uses' },
};

/** strengthDashes: which strengths of which relation are drawn solid, dashed and dotted. */
export const strengthDashes = {
  MITIGATES: ['strong', 'partial', 'detect-only'],
  CORRESPONDS_TO: ['exact', 'close', 'related'],
};

// The outline of each shape in a 12 × 12 box, for the legend and the dots beside names.
const star = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 ? 2.4 : 5.8;
  const a = -Math.PI / 2 + (i * Math.PI) / 5;
  return `${(6 + r * Math.cos(a)).toFixed(2)},${(6.4 + r * Math.sin(a)).toFixed(2)}`;
}).join(' ');
const outlines = {
  ellipse: ['circle', { cx: 6, cy: 6, r: 5.5 }],
  diamond: ['polygon', { points: '6,0.5 11.5,6 6,11.5 0.5,6' }],
  'round-rectangle': ['rect', { x: 0.5, y: 1.5, width: 11, height: 9, rx: 2.5 }],
  rectangle: ['rect', { x: 0.5, y: 1.5, width: 11, height: 9 }],
  hexagon: ['polygon', { points: '3,1 9,1 11.5,6 9,11 3,11 0.5,6' }],
  'round-tag': ['polygon', { points: '0.5,1.5 8,1.5 11.5,6 8,10.5 0.5,10.5', 'stroke-linejoin': 'round' }],
  triangle: ['polygon', { points: '6,0.5 11.5,11 0.5,11' }],
  rhomboid: ['polygon', { points: '3.5,1.5 11.5,1.5 8.5,10.5 0.5,10.5' }],
  pentagon: ['polygon', { points: '6,0.5 11.5,4.6 9.4,11.3 2.6,11.3 0.5,4.6' }],
  'concave-hexagon': ['polygon', { points: '0.5,1.5 11.5,1.5 9,6 11.5,10.5 0.5,10.5 3,6' }],
  star: ['polygon', { points: star }],
  vee: ['polygon', { points: '0.5,1 6,5 11.5,1 6,11.5' }],
};

const svgNS = 'http://www.w3.org/2000/svg';

/**
 * kindIcon is a small picture of kind's shape in its colour, as the canvas draws it. It carries
 * data-kind, data-colour and data-shape so that the tests can check the legend against the canvas.
 */
export function kindIcon(kind, cls = 'kind-icon') {
  const s = kindStyle(kind);
  const [tag, attrs] = outlines[s.shape] || outlines.ellipse;
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('viewBox', '0 0 12 12');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.dataset.kind = kind;
  svg.dataset.colour = s.colour;
  svg.dataset.shape = s.shape;
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.setAttribute('fill', s.colour);
  svg.append(el);
  return svg;
}
