package server_test

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/server"
)

var (
	tagRE  = regexp.MustCompile(`<(script|link)\b[^>]*>`)
	attrRE = regexp.MustCompile(`\b(src|href|integrity|rel)="([^"]*)"`)
)

// pageAsset is a script or stylesheet a page loads.
type pageAsset struct {
	tag, url, integrity string
}

// pageAssets reads the scripts and stylesheets off the page at path, failing on any that would be
// fetched from another host or that lacks subresource integrity, and unless there are want of them.
func pageAssets(t *testing.T, ts *testServer, path string, want int) []pageAsset {
	t.Helper()
	resp, page := ts.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	var assets []pageAsset
	icon := false
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[0], -1) {
			attrs[a[1]] = html.UnescapeString(a[2]) // as a browser reads it
		}
		ref := attrs["src"]
		if m[1] == "link" {
			ref = attrs["href"]
		}
		if ref == "" {
			continue // the inline script
		}
		if attrs["rel"] == "icon" { // browsers take no integrity on icons
			if u, err := url.Parse(ref); !strings.HasPrefix(ref, "data:image/svg+xml,") && (err != nil || u.Scheme != "" || u.Host != "") {
				t.Errorf("the favicon is %q, want an inline SVG or a local URL", ref)
			}
			icon = true
			continue
		}
		if strings.Contains(ref, "http://") || strings.Contains(ref, "https://") || strings.HasPrefix(ref, "//") {
			t.Errorf("the page loads %s from another host: %s", m[1], m[0])
			continue
		}
		if u, err := url.Parse(ref); err != nil || u.Scheme != "" || u.Host != "" {
			t.Errorf("the page loads %q, not a local URL", ref)
			continue
		}
		if attrs["integrity"] == "" {
			t.Errorf("%s has no integrity attribute", m[0])
		}
		assets = append(assets, pageAsset{m[1], ref, attrs["integrity"]})
	}
	if !icon {
		t.Error("the page has no favicon")
	}
	if strings.Contains(page, "cdn.jsdelivr.net") {
		t.Error("the page still names the CDN")
	}
	if len(assets) != want {
		t.Fatalf("%s loads %d scripts and stylesheets, want %d: %+v", path, len(assets), want, assets)
	}
	return assets
}

func sri(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// The explorer at / and GraphiQL at /graphiql load only their own vendored or built files, each
// served with its media type, gzipped on request, cached as immutable and matching its integrity.
func TestPageAssets(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	graphiQL := pageAssets(t, ts, server.PathGraphiQL, 4) // React, ReactDOM, GraphiQL's script and its stylesheet
	explorer := pageAssets(t, ts, server.PathExplorer, 2) // the explorer's bundle and its stylesheet
	for _, a := range append(graphiQL, explorer...) {
		wantType := "text/javascript"
		if a.tag == "link" {
			wantType = "text/css"
		}
		for _, enc := range []string{"identity", "gzip"} {
			req, err := http.NewRequest(http.MethodGet, ts.URL+a.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", enc) // set by hand, so the client leaves the body as sent
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body io.Reader = resp.Body
			if enc == "gzip" {
				if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
					t.Errorf("%s with gzip: Content-Encoding %q", a.url, got)
				} else if body, err = gzip.NewReader(resp.Body); err != nil {
					t.Fatalf("%s: %v", a.url, err)
				}
			} else if got := resp.Header.Get("Content-Encoding"); got != "" {
				t.Errorf("%s without gzip: Content-Encoding %q", a.url, got)
			}
			b, err := io.ReadAll(body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("%s: %v", a.url, err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s (%s): %d", a.url, enc, resp.StatusCode)
				continue
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
				t.Errorf("%s: Content-Type %q, want %s", a.url, ct, wantType)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("%s: Cache-Control %q", a.url, cc)
			}
			if got := sri(b); got != a.integrity {
				t.Errorf("%s (%s): %d bytes hash to %s, the page says %s", a.url, enc, len(b), got, a.integrity)
			}

			// Revalidation by ETag.
			req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
			resp, err = ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s (%s) with its ETag: %d, want 304", a.url, enc, resp.StatusCode)
			}
		}
	}
}

func TestGraphiQLUnknownAsset(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, base := range []string{server.PathGraphiQL, "/"} {
		for _, name := range []string{"", "nope.js", "../graphiql.go", "graphiql-4.1.2/LICENSE", "README.md"} {
			if resp, _ := ts.get(t, base+"?asset="+url.QueryEscape(name)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s asset %q: %d, want 404", base, name, resp.StatusCode)
			}
		}
	}
	// Any other query still gets the page.
	if resp, body := ts.get(t, "/graphiql?foo=bar"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "defaultTabs") {
		t.Errorf("GET /graphiql?foo=bar: %d", resp.StatusCode)
	}
}

// GraphiQL used to live at /, its assets at /?asset=NAME: pages and caches that still name those
// addresses get the same bytes.
func TestGraphiQLOldAssetAddress(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, a := range pageAssets(t, ts, server.PathGraphiQL, 4) {
		name := strings.TrimPrefix(a.url, server.PathGraphiQL+"?asset=")
		if name == a.url {
			t.Fatalf("GraphiQL asset %s is not at %s?asset=", a.url, server.PathGraphiQL)
		}
		resp, body := ts.get(t, "/?asset="+name)
		if resp.StatusCode != http.StatusOK || sri([]byte(body)) != a.integrity {
			t.Errorf("old address /?asset=%s: %d, %d bytes hashing to %s, want %s", name, resp.StatusCode, len(body), sri([]byte(body)), a.integrity)
		}
	}
}

// TestGraphiQLExamplesRunAsTheyOpen: every example tab answers without errors both with no
// variables at all (what GraphiQL 4 sends from the first tab on a first visit) and with the
// variables the tab shows, and the two answers are the same.
func TestGraphiQLExamplesRunAsTheyOpen(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	for _, ex := range server.Examples {
		t.Run(ex.Title, func(t *testing.T) {
			var vars map[string]any
			if ex.Variables != "" {
				if err := json.Unmarshal([]byte(ex.Variables), &vars); err != nil {
					t.Fatalf("variables are not JSON: %v", err)
				}
			}
			bare := ts.mustData(t, ex.Query, nil)
			shown := ts.mustData(t, ex.Query, vars)
			if string(bare) != string(shown) {
				t.Errorf("the tab answers differently without its variables (the query's defaults differ from the variables shown)")
			}
		})
	}
}
