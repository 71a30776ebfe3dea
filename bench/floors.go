package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// bareHandler answers every POST to /<question> with that question's canned answer after reading
// the body: the floor of any Go HTTP service on this machine, at the same answer size.
func bareHandler(answers map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		a, ok := answers[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(a)
	})
}

// cypherHandler answers POST /<question> by running the question's one Cypher statement with the
// request's variables through the Go driver and writing the row as a GraphQL-shaped answer: the
// floor of any GraphQL server over this Neo4j.
func cypherHandler(driver neo4j.DriverWithContext, database string) http.Handler {
	byName := map[string]*question{}
	for _, q := range questions {
		byName[q.Name] = q
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, ok := byName[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, `{"errors":[{"message":"bad body"}]}`, http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		res, err := neo4j.ExecuteQuery(ctx, driver, q.Cypher, req.Variables, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(database), neo4j.ExecuteQueryWithReadersRouting())
		var root any
		if err == nil && len(res.Records) > 0 {
			root, _ = res.Records[0].Get("root")
		}
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": err.Error()}}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{q.Root: root}})
	})
}
