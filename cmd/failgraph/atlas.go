package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/kg"
)

// atlasSetting is the --atlas setting of serve and seed.
var atlasSetting = setting{flag: "atlas", env: "FAILGRAPH_ATLAS", def: "",
	help: "load this MITRE ATLAS release file (ATLAS.yaml, 4.x or 5.x; MITRE publishes it at https://github.com/mitre-atlas/atlas-data, dist/ATLAS.yaml) beside the seed"}

// withAtlas returns seed with the ATLAS layer of the release file at path beside it, or seed
// unchanged when path is empty. The file's oddities and the seed's stale crosswalk ids go to stderr
// as warnings; a bad file is refused whole, with every problem named by file and line.
func withAtlas(path string, seed *kg.Graph, stderr io.Writer) (*kg.Graph, error) {
	if path == "" {
		return seed, nil
	}
	start := time.Now()
	fmt.Fprintf(stderr, "atlas: reading %s\n", path)
	r, err := atlas.Load(path)
	var ae *atlas.Error
	if errors.As(err, &ae) {
		for _, p := range ae.Problems {
			fmt.Fprintln(stderr, p.String())
		}
		return nil, fmt.Errorf("%s: %d problem(s); nothing of it was loaded", path, len(ae.Problems))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the ATLAS release file: %w", err)
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(stderr, "warning:", w.String())
	}
	imp, err := atlas.Import(r, seed)
	if err != nil {
		return nil, err
	}
	for _, s := range imp.Stale {
		fmt.Fprintln(stderr, "warning: stale crosswalk id:", s.String())
	}
	fmt.Fprintf(stderr, "atlas: release %s: %d tactics, %d techniques, %d mitigations, %d case studies; %d nodes and %d edges added, %d from the seed's crosswalk (%d stale ids), in %v\n",
		r.Version, len(r.Tactics), len(r.Techniques), len(r.Mitigations), len(r.CaseStudies), imp.Nodes, imp.Edges,
		imp.Crosswalk, len(imp.Stale), time.Since(start).Round(time.Millisecond))
	return imp.Graph, nil
}

const atlasUsage = `Usage:
  failgraph atlas diff [--json] OLD NEW    what changed from one ATLAS release file to another:
                                           ids added, removed, renamed or moved, and techniques
                                           whose tactics changed
  failgraph atlas check [--seed-dir DIR] FILE
                                           check the seed's MITRE ATLAS crosswalk ids against the
                                           release FILE and name every stale one (exit 1 if any)

MITRE publishes the release file as dist/ATLAS.yaml at https://github.com/mitre-atlas/atlas-data.
`

func runAtlas(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, atlasUsage)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, atlasUsage)
		return nil
	case "diff":
		return runAtlasDiff(args[1:], stdout, stderr)
	case "check":
		return runAtlasCheck(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "failgraph atlas: unknown command %q\n\n%s", args[0], atlasUsage)
	return errUsage
}

// loadRelease reads a release file, printing every problem with its line.
func loadRelease(path string, stderr io.Writer) (*atlas.Release, error) {
	r, err := atlas.Load(path)
	var ae *atlas.Error
	if errors.As(err, &ae) {
		for _, p := range ae.Problems {
			fmt.Fprintln(stderr, p.String())
		}
		return nil, fmt.Errorf("%s: %d problem(s)", path, len(ae.Problems))
	}
	if err != nil {
		return nil, err
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(stderr, "warning:", w.String())
	}
	return r, nil
}

func runAtlasDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("atlas diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the differences as JSON")
	fs.Usage = func() { fmt.Fprint(stderr, atlasUsage) }
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errUsage
	}
	old, err := loadRelease(fs.Arg(0), stderr)
	if err != nil {
		return err
	}
	nw, err := loadRelease(fs.Arg(1), stderr)
	if err != nil {
		return err
	}
	d := atlas.Compare(old, nw)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	d.Write(stdout)
	return nil
}

func runAtlasCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("atlas check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("seed-dir", "", "check this directory of seed files instead of the embedded seed")
	fs.Usage = func() { fmt.Fprint(stderr, atlasUsage) }
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	r, err := loadRelease(fs.Arg(0), stderr)
	if err != nil {
		return err
	}
	g, err := loadSeed(*dir, stderr)
	if err != nil {
		return err
	}
	cited := 0
	for _, n := range g.Nodes {
		for _, x := range n.ExternalIDs {
			if x.Framework == atlas.Framework {
				cited++
			}
		}
	}
	stale := atlas.Check(r, g)
	for _, s := range stale {
		fmt.Fprintln(stdout, "stale:", s.String())
	}
	if len(stale) > 0 {
		return fmt.Errorf("%d of the seed's %d MITRE ATLAS crosswalk ids are stale against ATLAS %s", len(stale), cited, r.Version)
	}
	fmt.Fprintf(stdout, "all %d MITRE ATLAS crosswalk ids of the seed match ATLAS %s\n", cited, r.Version)
	return nil
}
