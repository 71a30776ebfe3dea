package server

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"

	"github.com/failgraph/failgraph/web"
)

// The explorer: the visual client built from web/src into web/dist (make web) and embedded in the
// binary. It is served at / (index.html) and /explorer/NAME (its hashed script and stylesheet and
// LICENSES.txt); it talks to the server only through /graphql, like any client.

// Paths of the explorer and of GraphiQL.
const (
	PathExplorer = "/"
	PathGraphiQL = "/graphiql"
	// pathExplorerFiles is the prefix of the explorer's files.
	pathExplorerFiles = "/explorer/"
)

// explorerFiles are the built files by name. Names other than index.html, LICENSES.txt and
// favicon.svg carry a hash of their content, so they are served as immutable.
var explorerFiles = loadExplorer()

func loadExplorer() map[string]*asset {
	files := map[string]*asset{}
	err := fs.WalkDir(web.Dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := web.Dist.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &asset{Name: path.Base(p), Integrity: "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), body: b}
		switch a.Name {
		case "index.html":
			a.cache = "no-cache" // revalidated with the ETag on every visit: it names the current bundle
		case "LICENSES.txt", "favicon.svg":
			a.cache = "public, max-age=86400"
		}
		files[a.Name] = a
		return nil
	})
	if err != nil || files["index.html"] == nil {
		panic("explorer: web/dist is not built (run make web): " + errString(err))
	}
	return files
}

func errString(err error) string {
	if err == nil {
		return "no index.html"
	}
	return err.Error()
}

// explorerIndex serves the explorer's page at /. A request for /?asset=NAME is GraphiQL's asset
// address from when GraphiQL lived at /; it is still answered, so old pages and links keep working.
func explorerIndex(graphiQL http.Handler) http.Handler {
	index := explorerFiles["index.html"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has(assetParam) {
			graphiQL.ServeHTTP(w, r)
			return
		}
		index.serve(w, r)
	})
}

// explorerFile serves /explorer/{name}.
func explorerFile(w http.ResponseWriter, r *http.Request) {
	a := explorerFiles[r.PathValue("name")]
	if a == nil || a.Name == "index.html" {
		http.NotFound(w, r)
		return
	}
	a.serve(w, r)
}
