package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/export"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/internal/storetest"
)

func TestExportEndpoint(t *testing.T) {
	store, err := memstore.New(storetest.WithAtlas(t))
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, server.DefaultConfig(), store)
	for _, f := range export.Formats() {
		t.Run(f.Name, func(t *testing.T) {
			resp, body := ts.get(t, "/export/"+f.Name)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			want, err := export.New(store).Export(context.Background(), f.Name, export.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if body != string(want.Body) {
				t.Error("the endpoint's body differs from failgraph export's")
			}
			if got := resp.Header.Get("Content-Type"); got != f.ContentType {
				t.Errorf("Content-Type %q, want %q", got, f.ContentType)
			}
			if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="failgraph-`+f.Name+f.Ext+`"` {
				t.Errorf("Content-Disposition %q", got)
			}
			etag := resp.Header.Get("ETag")
			if etag != want.ETag || !strings.HasPrefix(etag, `"`) {
				t.Errorf("ETag %q, want %q", etag, want.ETag)
			}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/export/"+f.Name, nil)
			req.Header.Set("If-None-Match", etag)
			r2, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r2.Body.Close()
			if r2.StatusCode != http.StatusNotModified || r2.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match with the ETag: status %d", r2.StatusCode)
			}
		})
	}

	// The focus option, as failgraph export --focus takes it.
	resp, body := ts.get(t, "/export/cytoscape?focus=fm-evasion&depth=1")
	var cy struct {
		Elements struct {
			Nodes []struct{ Data map[string]any }
		}
	}
	if err := json.Unmarshal([]byte(body), &cy); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("focus: %d %v", resp.StatusCode, err)
	}
	if n := len(cy.Elements.Nodes); n == 0 || n > 20 || cy.Elements.Nodes[0].Data["id"] != "fm-evasion" {
		t.Errorf("the neighbourhood of fm-evasion: %d nodes, first %v", n, cy.Elements.Nodes[0].Data)
	}
	if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="failgraph-fm-evasion-depth1-cytoscape.cyjs"` {
		t.Errorf("Content-Disposition of a focus %q", got)
	}
	resp, body = ts.get(t, "/export/navigator?assets=a-api&capabilities=cap-query,cap-blackbox")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "failgraph threat model: assets a-api; capabilities cap-query, cap-blackbox") {
		t.Errorf("threat-model layer: %d %s", resp.StatusCode, body[:min(200, len(body))])
	}

	for _, c := range []struct {
		path   string
		status int
		code   string
		msg    string
	}{
		{"/export/pdf", http.StatusNotFound, "NOT_FOUND", "unknown format"},
		{"/export/stix?focus=no-such-node", http.StatusNotFound, "NOT_FOUND", `focus: no node with id "no-such-node"`},
		{"/export/stix?focus=fm-evasion&depth=9", http.StatusBadRequest, "BAD_USER_INPUT", "depth"},
		{"/export/stix?depth=x", http.StatusBadRequest, "BAD_USER_INPUT", "depth"},
		{"/export/navigator?assets=nope", http.StatusBadRequest, "BAD_USER_INPUT", "nope"},
	} {
		resp, body := ts.get(t, c.path)
		var e struct {
			Errors []struct {
				Message    string
				Extensions map[string]any
			}
		}
		_ = json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != c.status || len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != c.code || !strings.Contains(e.Errors[0].Message, c.msg) {
			t.Errorf("GET %s: %d %s; want %d %s mentioning %q", c.path, resp.StatusCode, body, c.status, c.code, c.msg)
		}
	}
}
