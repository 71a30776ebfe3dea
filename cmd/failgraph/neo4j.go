package main

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/failgraph/failgraph/internal/neo4jstore"
)

// neo4jSettings are the Neo4j connection settings, shared by serve and seed. The password has no
// flag, so that it never shows in a process list: set FAILGRAPH_NEO4J_PASSWORD.
var neo4jSettings = []setting{
	{flag: "neo4j-uri", env: "FAILGRAPH_NEO4J_URI", def: "bolt://127.0.0.1:7687",
		help: "Neo4j Bolt URI: bolt://host:port or neo4j://host:port (+s or +ssc for TLS)"},
	{flag: "neo4j-user", env: "FAILGRAPH_NEO4J_USER", def: "",
		help: "Neo4j user; none for a server without authentication (the password comes from FAILGRAPH_NEO4J_PASSWORD)"},
	{flag: "neo4j-database", env: "FAILGRAPH_NEO4J_DATABASE", def: neo4jstore.DefaultDatabase,
		help: "Neo4j database to use"},
	{flag: "neo4j-check-timeout", env: "FAILGRAPH_NEO4J_CHECK_TIMEOUT", def: neo4jstore.DefaultCheckTimeout.String(),
		help: "how long the start-up check of Neo4j may take (connect, authenticate, find the database and its graph); serve then retries with backoff, seed gives up"},
	{flag: "neo4j-connect-timeout", env: "FAILGRAPH_NEO4J_CONNECT_TIMEOUT", def: neo4jstore.DefaultConnectTimeout.String(),
		help: "how long opening one connection to Neo4j may take; a call against a down server fails within about this long"},
	{flag: "neo4j-acquire-timeout", env: "FAILGRAPH_NEO4J_ACQUIRE_TIMEOUT", def: neo4jstore.DefaultAcquireTimeout.String(),
		help: "how long a call may wait for a connection when the pool is full"},
	{flag: "neo4j-query-timeout", env: "FAILGRAPH_NEO4J_QUERY_TIMEOUT", def: neo4jstore.DefaultQueryTimeout.String(),
		help: "server-side timeout of each read transaction"},
	{flag: "neo4j-max-connections", env: "FAILGRAPH_NEO4J_MAX_CONNECTIONS", def: strconv.Itoa(neo4jstore.DefaultMaxConnections),
		help: "size of the Neo4j connection pool"},
}

// envNeo4jPassword is read from the environment only.
const envNeo4jPassword = "FAILGRAPH_NEO4J_PASSWORD"

// neo4jConfig reads and checks the Neo4j settings; get returns a setting's value and where it came
// from, as parseServeConfig does.
func neo4jConfig(get func(name string) (string, string), getenv func(string) string) (neo4jstore.Config, error) {
	var c neo4jstore.Config
	var src string
	c.URI, src = get("neo4j-uri")
	u, err := url.Parse(c.URI)
	if err != nil || u.Host == "" {
		return c, fmt.Errorf("%s: %q is not a Neo4j URI such as bolt://127.0.0.1:7687", src, c.URI)
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return c, fmt.Errorf("%s: %q has scheme %q (want bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc)", src, c.URI, u.Scheme)
	}
	if u.User != nil {
		return c, fmt.Errorf("%s: put no credentials in the URI; use --neo4j-user and %s", src, envNeo4jPassword)
	}
	c.User, _ = get("neo4j-user")
	c.Password = getenv(envNeo4jPassword)
	if c.Password != "" && c.User == "" {
		return c, fmt.Errorf("%s is set but --neo4j-user (FAILGRAPH_NEO4J_USER) is not", envNeo4jPassword)
	}
	c.Database, src = get("neo4j-database")
	if c.Database == "" {
		return c, fmt.Errorf("%s: must not be empty", src)
	}
	v, src := get("neo4j-check-timeout")
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return c, fmt.Errorf("%s: want a positive duration such as 10s, got %q", src, v)
	}
	c.CheckTimeout = d
	for _, l := range []struct {
		name string
		dst  *time.Duration
	}{{"neo4j-connect-timeout", &c.ConnectTimeout}, {"neo4j-acquire-timeout", &c.AcquireTimeout}, {"neo4j-query-timeout", &c.QueryTimeout}} {
		v, src := get(l.name)
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%s: want a positive duration such as 2s, got %q", src, v)
		}
		*l.dst = d
	}
	v, src = get("neo4j-max-connections")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return c, fmt.Errorf("%s: want a positive whole number, got %q", src, v)
	}
	c.MaxConnections = n
	return c, nil
}
