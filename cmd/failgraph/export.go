package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/failgraph/failgraph/internal/export"
)

// exportSettings are the settings of export, the store's last.
var exportSettings = append([]setting{
	{flag: "format", env: "FAILGRAPH_EXPORT_FORMAT", def: "",
		help: "the format: " + strings.Join(export.Names(), ", ") + " (required)"},
	{flag: "out", env: "FAILGRAPH_EXPORT_OUT", def: "",
		help: "write to this file (written whole, or not at all) instead of stdout"},
	{flag: "focus", env: "FAILGRAPH_EXPORT_FOCUS", def: "",
		help: "export the neighbourhood of this node id instead of the whole graph"},
	{flag: "depth", env: "FAILGRAPH_EXPORT_DEPTH", def: "1",
		help: "how many hops out of --focus (1 to 3)"},
	{flag: "jurisdiction", env: "FAILGRAPH_EXPORT_JURISDICTION", def: "",
		help: "csv-legal-matrix: only this jurisdiction, e.g. EU"},
	{flag: "assets", env: "FAILGRAPH_EXPORT_ASSETS", def: "",
		help: "navigator: the layer of one threat model, the failure modes that threaten these assets (comma-separated ids)"},
	{flag: "capabilities", env: "FAILGRAPH_EXPORT_CAPABILITIES", def: "",
		help: "navigator: ... from an attacker with these capabilities (comma-separated ids)"},
	{flag: "store", env: "FAILGRAPH_STORE", def: "memory",
		help: "where the graph is read: memory (the seed, with --atlas) or neo4j"},
	{flag: "seed-dir", env: "FAILGRAPH_SEED_DIR", def: "",
		help: "memory: export the seed files of this directory instead of the embedded seed"},
	atlasSetting,
}, neo4jSettings...)

const exportUsageHead = `Usage: failgraph export --format FORMAT [--out FILE] [--focus ID [--depth N]] [flags]

Writes the graph, or the neighbourhood of one node, in a format of the field's tools. The same
exports are served at GET /export/FORMAT (?focus=ID&depth=N&jurisdiction=..&assets=..&capabilities=..).
Formats:
`

func exportFormatsTable(w io.Writer) {
	for _, f := range export.Formats() {
		fmt.Fprintf(w, "  %-18s %s\n", f.Name, f.Description)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set with its environment variable; a flag wins over the variable.")
	fmt.Fprintln(w)
}

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	get, err := parseSettings("export", exportSettings, args, getenv, stderr, exportUsageHead)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, exportUsageHead)
		exportFormatsTable(stdout)
		writeSettings(stdout, exportSettings)
		return nil
	}
	if err != nil {
		return err
	}
	format, src := get("format")
	if format == "" {
		return fmt.Errorf("%s: name a format: %s", src, strings.Join(export.Names(), ", "))
	}
	if _, err := export.Lookup(format); err != nil {
		return fmt.Errorf("%s: %v", src, err)
	}
	o := export.Options{}
	o.Focus, _ = get("focus")
	v, src := get("depth")
	if o.Depth, err = strconv.Atoi(v); err != nil {
		return fmt.Errorf("%s: want a whole number, got %q", src, v)
	}
	o.Jurisdiction, _ = get("jurisdiction")
	v, _ = get("assets")
	o.Assets = splitList(v)
	v, _ = get("capabilities")
	o.Capabilities = splitList(v)

	cfg := storeConfig{}
	cfg.Kind, src = get("store")
	switch cfg.Kind {
	case storeMemory:
		dir, _ := get("seed-dir")
		g, err := loadSeed(dir, stderr)
		if err != nil {
			return err
		}
		path, _ := get("atlas")
		if cfg.Seed, err = withAtlas(path, g, stderr); err != nil {
			return err
		}
	case storeNeo4j:
		if path, src := get("atlas"); path != "" {
			return fmt.Errorf("%s: export --store neo4j exports what the database holds; load ATLAS with failgraph seed --atlas", src)
		}
		if cfg.Neo4j, err = neo4jConfig(get, getenv); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%s: unknown store %q (want %s or %s)", src, cfg.Kind, storeMemory, storeNeo4j)
	}
	opened, err := openStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return fmt.Errorf("opening the %s store: %w", cfg.Kind, err)
	}
	defer opened.Close()
	if opened.Connect != nil {
		if err := opened.Connect(ctx); err != nil {
			return fmt.Errorf("opening the %s store: %w", cfg.Kind, err)
		}
	}
	store := opened.Store

	start := time.Now()
	res, err := export.New(store).Export(ctx, format, o)
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	out, _ := get("out")
	if out == "" {
		_, err = stdout.Write(res.Body)
		return err
	}
	// Write beside the target and rename, so that a failed write leaves no half file behind.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if _, err := tmp.Write(res.Body); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", out, err)
	}
	fmt.Fprintf(stderr, "export: %s, %d bytes, written to %s in %v\n", format, len(res.Body), out, time.Since(start).Round(time.Millisecond))
	return nil
}
