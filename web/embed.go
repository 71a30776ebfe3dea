// Package web holds the explorer's built files (dist/, produced from src/ by `make web`) so that
// the server can embed them; it has no code of its own. See web/README.md.
package web

import "embed"

// Dist is the built explorer: index.html, a hashed script and stylesheet, LICENSES.txt.
//
//go:embed dist
var Dist embed.FS
