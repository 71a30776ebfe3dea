package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// A question is one of the benchmark's three, asked of every target in its own dialect: failgraph's
// schema, @neo4j/graphql's generated one, and one Cypher statement for the raw floor. Every
// answer is a tree of nodes with ids, compared by Tree before any timing.
type question struct {
	Name        string // a, b, c
	Title       string
	Failgraph   string // GraphQL for failgraph (and the bare floor's canned answer)
	Peer        string // GraphQL for @neo4j/graphql
	Cypher      string // the raw floor's statement; it returns one row with the column "root"
	Root        string // the root field of failgraph's answer, which the raw floor imitates
	Variables   map[string]any
	IDsPerReply int // filled by the check: how many ids one answer holds
}

// FailureModeID is the failure mode of questions (a) and (b): the paper's first, with the most
// mitigations.
const FailureModeID = "perturbation"

var questions = []*question{
	{
		Name:      "a",
		Title:     "one failure mode by id",
		Failgraph: `query($id: ID!) { failureMode(id: $id) { id name } }`,
		Peer:      `query($id: ID!) { failureModes(where: {id: {eq: $id}}) { id name } }`,
		Cypher:    `MATCH (f:Node:FailureMode {id: $id}) RETURN f {.id, .name} AS root`,
		Root:      "failureMode",
		Variables: map[string]any{"id": FailureModeID},
	},
	{
		Name:      "b",
		Title:     "a failure mode with its mitigations and their references",
		Failgraph: `query($id: ID!) { failureMode(id: $id) { id name mitigations { id name references { id title } } } }`,
		Peer:      `query($id: ID!) { failureModes(where: {id: {eq: $id}}) { id name mitigations { id name references { id title } } } }`,
		Cypher: `MATCH (f:Node:FailureMode {id: $id})
RETURN f {.id, .name, mitigations: [(m:Node:Mitigation)-[:MITIGATES]->(f) | m {.id, .name,
  references: [(m)-[:CITES]->(r:Node:Reference) | r {.id, .title}]}]} AS root`,
		Root:      "failureMode",
		Variables: map[string]any{"id": FailureModeID},
	},
	{
		Name:      "c",
		Title:     "failure modes → mitigations → the assets they protect",
		Failgraph: `{ failureModes { id name mitigations { id name protects { id name } } } }`,
		Peer:      `{ failureModes { id name mitigations { id name protects { id name } } } }`,
		Cypher: `MATCH (f:Node:FailureMode)
WITH f ORDER BY f.id
RETURN collect(f {.id, .name, mitigations: [(m:Node:Mitigation)-[:MITIGATES]->(f) | m {.id, .name,
  protects: [(m)-[:PROTECTS]->(a:Node:Asset) | a {.id, .name}]}]}) AS root`,
		Root:      "failureModes",
		Variables: map[string]any{},
	},
}

// body is the JSON request body of a GraphQL query.
func body(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // strings and maps of strings always marshal
	}
	return b
}

// Tree reduces a GraphQL answer to its ids: every object with an id becomes "id(field[...],...)",
// lists are sorted, other fields are dropped, and a root that is one object counts as a list of
// one, so failgraph's failureMode(id) and @neo4j/graphql's failureModes(where) compare equal. It
// also returns how many ids the answer holds. An answer with errors or without data is an error.
func Tree(answer []byte) (string, int, error) {
	var resp struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(answer, &resp); err != nil {
		return "", 0, fmt.Errorf("not a GraphQL answer: %v: %.200s", err, answer)
	}
	if len(resp.Errors) > 0 {
		return "", 0, fmt.Errorf("answer has errors: %s", resp.Errors[0].Message)
	}
	if len(resp.Data) != 1 {
		return "", 0, fmt.Errorf("want one root field in data, got %d: %.200s", len(resp.Data), answer)
	}
	var root any
	for _, raw := range resp.Data {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&root); err != nil {
			return "", 0, err
		}
	}
	if root == nil {
		return "", 0, fmt.Errorf("the root field is null: %.200s", answer)
	}
	if _, ok := root.(map[string]any); ok {
		root = []any{root}
	}
	n := 0
	return tree(root, &n), n, nil
}

func tree(v any, n *int) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = tree(x, n)
		}
		sort.Strings(parts)
		var b bytes.Buffer
		b.WriteByte('[')
		for i, p := range parts {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p)
		}
		b.WriteByte(']')
		return b.String()
	case map[string]any:
		var b bytes.Buffer
		if id, ok := v["id"]; ok {
			*n++
			fmt.Fprint(&b, id)
		}
		keys := make([]string, 0, len(v))
		for k, x := range v {
			switch x.(type) {
			case []any, map[string]any:
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			b.WriteByte('(')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(k)
				x := v[k]
				if _, ok := x.(map[string]any); ok {
					x = []any{x}
				}
				b.WriteString(tree(x, n))
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	return ""
}
