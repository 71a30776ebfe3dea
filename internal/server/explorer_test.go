package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/server"
)

func TestExplorerPage(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	resp, page := ts.get(t, server.PathExplorer)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("GET /: Cache-Control %q, want no-cache (the page names the current bundle)", cc)
	}
	for _, want := range []string{"<title>failgraph explorer</title>", `href="/graphiql"`, `type="module"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the explorer's page lacks %q", want)
		}
	}
	// No inline script, so that a Content-Security-Policy without 'unsafe-inline' can hold.
	for _, m := range tagRE.FindAllString(page, -1) {
		if strings.HasPrefix(m, "<script") && !strings.Contains(m, "src=") {
			t.Errorf("inline script on the explorer's page: %s", m)
		}
	}
	if strings.Contains(page, "<style") || strings.Contains(page, " style=") {
		t.Error("inline style on the explorer's page")
	}
}

func TestExplorerFiles(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	resp, body := ts.get(t, "/explorer/LICENSES.txt")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /explorer/LICENSES.txt: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The licences of the libraries in the bundle travel with it.
	for _, want := range []string{"cytoscape 3.", "cytoscape-fcose 2.", "cose-base", "layout-base", "Permission is hereby granted"} {
		if !strings.Contains(body, want) {
			t.Errorf("LICENSES.txt lacks %q", want)
		}
	}
	for _, p := range []string{"/explorer/nope.js", "/explorer/index.html", "/explorer/", "/explorer/../graphiql.go", "/explorer/dist/index.html"} {
		if resp, _ := ts.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}
