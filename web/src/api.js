// The explorer's only way to the server: POST /graphql with a query and variables, the same public
// API every other client uses. Every query the explorer sends is in this file, so that a schema
// change is one place to adapt.

/** An error the server (or the network) reported, with the code a person can look up. */
export class APIError extends Error {
  constructor(message, code, path) {
    super(message);
    this.name = 'APIError';
    this.code = code || 'UNKNOWN';
    this.path = path || null;
  }
}

const endpoint = '/graphql';

/**
 * gql sends one operation and returns its data. Any error in the answer (a field's error with its
 * extensions.code, a transport error, a non-JSON body) is thrown as an APIError.
 */
export async function gql(query, variables = {}, { signal } = {}) {
  let resp;
  try {
    resp = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError(`The server cannot be reached (${err.message}).`, 'NETWORK');
  }
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new APIError(`The server answered ${resp.status} ${resp.statusText} without a GraphQL response.`, `HTTP_${resp.status}`);
  }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new APIError(e.message, e.extensions && e.extensions.code, e.path);
  }
  if (!resp.ok) throw new APIError(`The server answered ${resp.status} ${resp.statusText}.`, `HTTP_${resp.status}`);
  return body.data;
}

// The fields the canvas needs of every node: enough to colour, label and count what is hidden.
const NODE = 'id kind name degree';
const EDGE = 'id type source target strength';

export const properties = ['CONFIDENTIALITY', 'INTEGRITY', 'AVAILABILITY', 'SAFETY'];

let vocab = null;

/**
 * vocabulary asks the server which kinds of node and which relations its schema has, in the
 * schema's order, with how many of each the graph holds (stats lists every kind and relation,
 * zeros included), and which ATLAS release is loaded, if any: {kinds: [{kind, count}],
 * relations: [{relation, count}], atlasRelease}. The explorer keeps no list of its own, so a
 * kind added to the schema shows up in its legend and filters without a change here. Asked once
 * per page; a failure is asked again next time.
 */
export function vocabulary() {
  if (!vocab) {
    vocab = gql(`query Vocabulary {
  stats { byKind { kind count } byRelation { relation count } }
  atlasRelease
}`).then((d) => ({ kinds: d.stats.byKind, relations: d.stats.byRelation, atlasRelease: d.atlasRelease }));
    vocab.catch(() => { vocab = null; });
  }
  return vocab;
}

/** search returns up to first hits for text, best first, as [{node, score}]. */
export async function search(text, first = 8, opts) {
  const d = await gql(`query Suggest($q: String!, $first: Int) {
  search(query: $q, first: $first) { edges { score node { ${NODE} summary } } }
}`, { q: text, first }, opts);
  return d.search.edges;
}

/** neighborhood returns the subgraph around id: {nodes, edges, truncated}. */
export async function neighborhood(id, { depth = 1, kinds, relations, limit = 200 } = {}) {
  const d = await gql(`query Neighborhood($id: ID!, $depth: Int, $kinds: [NodeKind!], $relations: [RelationType!], $limit: Int) {
  neighborhood(id: $id, depth: $depth, kinds: $kinds, relations: $relations, limit: $limit) {
    truncated
    nodes { ${NODE} }
    edges { ${EDGE} }
  }
}`, { id, depth, kinds: kinds && kinds.length ? kinds : null, relations: relations && relations.length ? relations : null, limit });
  return d.neighborhood;
}

/** subgraph returns the given nodes and every edge among them. */
export async function subgraph(ids) {
  const d = await gql(`query Subgraph($ids: [ID!]!) {
  subgraph(ids: $ids) { truncated nodes { ${NODE} } edges { ${EDGE} } }
}`, { ids });
  return d.subgraph;
}

const REFS = 'references { id title authors year venue doi arxiv url }';
const XIDS = 'externalIds { framework edition code name url match }';

// The fields every ATLAS kind has; url, category and type are aliased because other kinds have
// fields of those names with other nullability, which one selection set cannot merge.
const ATLAS = 'atlasId release atlasUrl: url';

/** details returns everything the details panel shows of one node, or null. */
export async function details(id) {
  const d = await gql(`query Details($id: ID!) {
  node(id: $id) {
    __typename id kind name summary aliases notes degree
    ${REFS}
    ... on FailureMode { number intent compromises violatesAccessAuthorization accessCommentary knowledge example
      severity { level source edition } ${XIDS} parent { id name } }
    ... on Capability { category }
    ... on Asset { category }
    ... on Mitigation { category lifecycle ${XIDS} }
    ... on LegalConsideration { jurisdiction instrument citation enacted: year }
    ... on Reference { title authors year venue doi arxiv url type }
    ... on Stakeholder { questions }
    ... on FailureMode { atlas { techniques { id name atlasId } caseStudies { id name atlasId } crosswalk { target strength } } }
    ... on Mitigation { atlasMitigations { id name atlasId } }
    ... on AtlasTactic { ${ATLAS} attackId techniques { id name atlasId } }
    ... on AtlasTechnique { ${ATLAS} attackId maturity tactics { id name atlasId } parent { id name } subtechniques { id name atlasId }
      caseStudies { id name atlasId } mitigations { id name atlasId } failureModes { id name } }
    ... on AtlasMitigation { ${ATLAS} atlasCategory: category lifecycle techniques { id name atlasId } mitigations { id name } }
    ... on AtlasCaseStudy { ${ATLAS} caseType: type incidentDate techniques { id name atlasId } failureModes { id name } }
  }
}`, { id });
  return d.node;
}

/** paths returns the simple paths between two nodes, shortest first. */
export async function paths(from, to, { maxLength = 3, relations, limit = 10 } = {}) {
  const d = await gql(`query Paths($from: ID!, $to: ID!, $maxLength: Int, $relations: [RelationType!], $limit: Int) {
  paths(from: $from, to: $to, maxLength: $maxLength, relations: $relations, limit: $limit) {
    length nodes { ${NODE} } edges { ${EDGE} }
  }
}`, { from, to, maxLength, relations: relations && relations.length ? relations : null, limit });
  return d.paths;
}

/** choices returns what the pickers of the threat model, triage and legal views offer. */
export async function choices() {
  return gql(`query Choices {
  assets { id name category }
  capabilities { id name category }
  failureModes { id name number intent }
  legalConsiderations { id jurisdiction }
}`);
}

const FM = 'id name number compromises';

/** threatModel answers for assets and, when given, capabilities. */
export async function threatModel(assets, capabilities) {
  const d = await gql(`query ThreatModel($assets: [ID!]!, $capabilities: [ID!]) {
  threatModel(assets: $assets, capabilities: $capabilities) {
    coverMethod
    failureModes { ${FM} }
    minimalCover { id name category }
    mitigations { coverCount covers { id } mitigation { id name } edges { target strength } }
    uncovered { ${FM} }
  }
}`, { assets, capabilities: capabilities && capabilities.length ? capabilities : null });
  return d.threatModel;
}

/** legalMatrix returns the matrix of one jurisdiction, or of all when jurisdiction is empty. */
export async function legalMatrix(jurisdiction) {
  const d = await gql(`query LegalMatrix($jurisdiction: String) {
  legalMatrix(jurisdiction: $jurisdiction) {
    rows { id name number }
    columns { id name jurisdiction instrument citation }
    cells { question references { id title } }
  }
}`, { jurisdiction: jurisdiction || null });
  return d.legalMatrix;
}

/** legalExposure returns the legal questions one failure mode raises. */
export async function legalExposure(failureMode) {
  const d = await gql(`query LegalExposure($fm: ID!) {
  legalExposure(failureMode: $fm) {
    failureMode { id name }
    violatesAccessAuthorization accessCommentary
    items { jurisdiction instrument question consideration { id name citation } inheritedFrom { id name } references { id title } }
  }
}`, { fm: failureMode });
  return d.legalExposure;
}

/** coverageGaps returns where the graph is thin. */
export async function coverageGaps() {
  const d = await gql(`query CoverageGaps {
  coverageGaps {
    withoutMitigation { id name } withoutLegal { id name } fewReferences { id name } mitigationsWithoutEvidence { id name }
  }
}`);
  return d.coverageGaps;
}

/** triage ranks the failure modes consistent with what was observed. */
export async function triage(compromised, assets) {
  const d = await gql(`query Triage($compromised: [SecurityProperty!], $assets: [ID!]) {
  triage(compromised: $compromised, assets: $assets) {
    score matched
    failureMode { id name number }
    matchedAssets { id name }
    severity { level source }
    capabilities { id name }
    firstMitigations { mitigation { id name } edges { strength } }
  }
}`, { compromised: compromised.length ? compromised : null, assets: assets.length ? assets : null });
  return d.triage;
}
