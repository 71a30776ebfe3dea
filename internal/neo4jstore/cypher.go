package neo4jstore

import (
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// Every Cypher statement of the store. Values always travel as $parameters. Labels and
// relationship types cannot be parameters in Cypher 5, so the few statements that need one are
// templates with a placeholder ({{KIND}}, {{OTHER_KINDS}}, {{TYPE}}) that byKind/byType fill, once at
// start-up, from the allowlists kg.Kinds and kg.RelTypes, backtick-quoted. Nothing else is ever
// spliced into a statement.

// Schema. The full-text index uses the whitespace analyzer: searchText is already tokenized by
// kg.DocumentTokens (lower-cased, accent-folded, stopwords dropped), so Lucene must keep each token whole.
const (
	cypherConstraint = "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE"

	cypherSearchIndex = "CREATE FULLTEXT INDEX " + searchIndex + " IF NOT EXISTS FOR (n:Node) ON EACH [n.searchText] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}"

	cypherAwaitIndexes = "CALL db.awaitIndexes($seconds)"

	// A bulk load into an empty database builds the full-text index after the data.
	cypherDropSearchIndex = "DROP INDEX " + searchIndex + " IF EXISTS"

	searchIndex = "node_search"
)

// Reads.
const (
	cypherPing = "RETURN 1 AS ok"

	// cypherAnyNode tells an empty database from a seeded one.
	cypherAnyNode = "MATCH (n:Node) RETURN n.id AS id LIMIT 1"

	cypherNode = "MATCH (n:Node {id: $id}) RETURN n"

	// Statements that return many nodes return them in one row, as a list, like Adjacent.

	// cypherNodes returns the nodes of the ids that exist; Go puts them in the caller's order.
	cypherNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN collect(n) AS nodes`

	// listWhere mirrors kg.Filter.Matches; an empty string or 0 parameter means "no condition".
	// Absent properties are null, which fails a condition just as the zero value fails it in Go.
	listWhere = `
WHERE ($intent = '' OR n.intent = $intent)
  AND ($compromises = '' OR $compromises IN coalesce(n.compromises, []))
  AND ($origin = '' OR n.origin = $origin)
  AND ($status = '' OR n.status = $status)
  AND ($jurisdiction = '' OR toLower(n.jurisdiction) = toLower($jurisdiction))
  AND ($yearMin = 0 OR coalesce(n.year, 0) >= $yearMin)
  AND ($yearMax = 0 OR coalesce(n.year, 0) <= $yearMax)
  AND ($author = '' OR any(a IN coalesce(n.authors, []) WHERE toLower(a) CONTAINS toLower($author)))
  AND ($text = '' OR toLower(coalesce(n.name, '')) CONTAINS toLower($text)
                  OR toLower(coalesce(n.title, '')) CONTAINS toLower($text))`

	// cypherList is kg.NodeLess order: numbered failure modes by number, then everything by id
	// (only failure modes carry a number).
	cypherList = "MATCH (n:Node:{{KIND}})" + listWhere + `
WITH n ORDER BY CASE coalesce(n.number, 0) WHEN 0 THEN 1 ELSE 0 END, coalesce(n.number, 0), n.id
RETURN collect(n) AS nodes`

	// cypherListPage is keyset pagination by id; an empty $before is no upper bound.
	cypherListPage = "MATCH (n:Node:{{KIND}})" + listWhere + `
  AND n.id > $after AND ($before = '' OR n.id < $before)
WITH n ORDER BY n.id LIMIT $limit
RETURN collect(n) AS nodes`

	// cypherListPageLast is the same page taken from the end: the last $limit ids (Go puts them
	// back in id order).
	cypherListPageLast = "MATCH (n:Node:{{KIND}})" + listWhere + `
  AND n.id > $after AND ($before = '' OR n.id < $before)
WITH n ORDER BY n.id DESC LIMIT $limit
RETURN collect(n) AS nodes`

	cypherCount = "MATCH (n:Node:{{KIND}})" + listWhere + `
RETURN count(n) AS count`

	// The three Adjacent statements return every edge of every id in one row, as a list of
	// [id, type, source, target, note, strength, refs, basis, confidence, reason]: the driver spends more on each record than
	// the server on each edge, and one row instead of hundreds makes the call about three times
	// faster. Go sorts each id's edges into kg.EdgeLess order.
	adjacentReturn = `
WHERE type(r) IN $types
RETURN collect([id, type(r), startNode(r).id, endNode(r).id, r.note, r.strength, r.refs, r.basis, r.confidence, r.reason]) AS edges`

	// The endpoints are named: with anonymous ones, Neo4j 5.26 plans the outgoing form as a scan of
	// the whole id index for every id (36,000 rows for 127 ids on the shipped seed) instead of a seek.
	cypherAdjacentOut  = "UNWIND $ids AS id\nMATCH (a:Node {id: id})-[r]->(b:Node)" + adjacentReturn
	cypherAdjacentIn   = "UNWIND $ids AS id\nMATCH (a:Node {id: id})<-[r]-(b:Node)" + adjacentReturn
	cypherAdjacentBoth = "UNWIND $ids AS id\nMATCH (a:Node {id: id})-[r]-(b:Node)" + adjacentReturn

	// cypherSearch only finds candidates: Go rescores them with kg.Score.
	cypherSearch = "CALL db.index.fulltext.queryNodes('" + searchIndex + `', $query) YIELD node
WHERE size($kinds) = 0 OR any(l IN labels(node) WHERE l IN $kinds)
RETURN collect(node) AS nodes`

	// Stats parts, one per kind and per type, joined by UNION ALL: single-label and single-type
	// counts come from Neo4j's counts store without scanning.
	cypherStatsNodes = "MATCH (n:{{KIND}}) RETURN 'node' AS what, '{{NAME}}' AS name, count(n) AS count"
	cypherStatsEdges = "MATCH ()-[r:{{TYPE}}]->() RETURN 'edge' AS what, '{{NAME}}' AS name, count(r) AS count"
)

// Writes, all run inside Load's single transaction.
const (
	// cypherRecordLoad records, in the load's own transaction, what was loaded: kg.Loaded on one
	// node outside :Node, so that no read of the graph sees it.
	cypherRecordLoad = `MERGE (m:` + loadLabel + ` {key: 'graph'})
SET m.hash = $hash, m.nodes = $nodes, m.edges = $edges, m.merged = $merged, m.loadedAt = datetime()
RETURN 1 AS count`

	// cypherForgetLoad deletes that record, first thing in a load of several transactions.
	cypherForgetLoad = "MATCH (m:" + loadLabel + ") DELETE m RETURN count(*) AS count"

	// cypherLoaded reads that record.
	cypherLoaded = "MATCH (m:" + loadLabel + " {key: 'graph'}) RETURN m.hash AS hash, m.nodes AS nodes, m.edges AS edges, m.merged AS merged, m.loadedAt AS at"

	// loadLabel labels the record of what was loaded.
	loadLabel = "FailgraphLoad"

	// cypherDeleteStaleNodes removes, for Replace, every node the new graph lacks, with its edges.
	cypherDeleteStaleNodes = `MATCH (n:Node) WHERE NOT n.id IN $ids
DETACH DELETE n
RETURN count(*) AS count`

	// cypherDeleteStaleEdges removes, for Replace, every edge between nodes that the new graph lacks;
	// $keys are kg.EdgeID values.
	cypherDeleteStaleEdges = `MATCH (a:Node)-[r]->(b:Node)
WHERE NOT (type(r) + ':' + a.id + ':' + b.id) IN $keys
DELETE r
RETURN count(*) AS count`

	// cypherUpsertNodes replaces the whole property map, so removed fields disappear, and leaves the
	// node with exactly :Node and its kind label.
	cypherUpsertNodes = `UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n = row.props
REMOVE n{{OTHER_KINDS}}
SET n:{{KIND}}
RETURN count(n) AS count`

	// A bulk load into an empty database (LoadOptions.TxRows) creates without looking first; the
	// id constraint still refuses a duplicate.
	cypherCreateNodes = `UNWIND $rows AS row
CREATE (n:Node:{{KIND}})
SET n = row.props
RETURN count(n) AS count`

	cypherCreateEdges = `UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[r:{{TYPE}}]->(b)
SET r = row.props
RETURN count(r) AS count`

	// The batched forms of the two deletions of Replace, at most $limit per transaction.
	cypherDeleteStaleNodesSome = `MATCH (n:Node) WHERE NOT n.id IN $ids
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count`

	cypherDeleteStaleEdgesSome = `MATCH (a:Node)-[r]->(b:Node)
WHERE NOT (type(r) + ':' + a.id + ':' + b.id) IN $keys
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS count`

	cypherUpsertEdges = `UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
MERGE (a)-[r:{{TYPE}}]->(b)
SET r = row.props
RETURN count(r) AS count`
)

// quote backtick-quotes an identifier from an allowlist.
func quote(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// Statements specialised by label or type, built once from the allowlists.
var (
	listByKind         = byKind(cypherList)
	listPageByKind     = byKind(cypherListPage)
	listPageLastByKind = byKind(cypherListPageLast)
	countByKind        = byKind(cypherCount)
	upsertNodesByKind  = byKind(cypherUpsertNodes)
	upsertEdgesByType  = byType(cypherUpsertEdges)
	createNodesByKind  = byKind(cypherCreateNodes)
	createEdgesByType  = byType(cypherCreateEdges)
	cypherStats        = statsQuery()
)

func byKind(tmpl string) map[kg.Kind]string {
	m := make(map[kg.Kind]string, len(kg.Kinds))
	for _, k := range kg.Kinds {
		var others strings.Builder
		for _, o := range kg.Kinds {
			if o != k {
				others.WriteString(":" + quote(string(o)))
			}
		}
		m[k] = strings.NewReplacer("{{KIND}}", quote(string(k)), "{{OTHER_KINDS}}", others.String()).Replace(tmpl)
	}
	return m
}

func byType(tmpl string) map[kg.RelType]string {
	m := make(map[kg.RelType]string, len(kg.RelTypes))
	for _, t := range kg.RelTypes {
		m[t] = strings.ReplaceAll(tmpl, "{{TYPE}}", quote(string(t)))
	}
	return m
}

func statsQuery() string {
	var parts []string
	for _, k := range kg.Kinds {
		parts = append(parts, strings.NewReplacer("{{KIND}}", quote(string(k)), "{{NAME}}", string(k)).Replace(cypherStatsNodes))
	}
	for _, t := range kg.RelTypes {
		parts = append(parts, strings.NewReplacer("{{TYPE}}", quote(string(t)), "{{NAME}}", string(t)).Replace(cypherStatsEdges))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}
