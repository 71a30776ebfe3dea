package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// setting is one configuration key of a command: a flag, the FAILGRAPH_* variable that sets the
// same thing, and its default. A flag wins over the variable, the variable over the default.
type setting struct {
	flag, env, def, help string
	boolean              bool // the flag may be given without a value, meaning true
}

// writeSettings lists settings with their variables and defaults, as --help shows them.
func writeSettings(w io.Writer, ss []setting) {
	for _, s := range ss {
		def := s.def
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(w, "  --%s, %s (default %s)\n      %s\n", s.flag, s.env, def, s.help)
	}
}

// flagValue records a flag's value and whether it was given.
type flagValue struct {
	v       string
	set     bool
	boolean bool
}

func (f *flagValue) String() string     { return f.v }
func (f *flagValue) Set(v string) error { f.v, f.set = v, true; return nil }
func (f *flagValue) IsBoolFlag() bool   { return f.boolean }

// parseSettings parses the flags of command cmd against its settings and returns a lookup that
// gives a setting's value and where it came from (the flag, the variable or the default), for
// error messages that name the bad setting. A bad flag prints the usage and returns errUsage;
// -h returns flag.ErrHelp.
func parseSettings(cmd string, ss []setting, args []string, getenv func(string) string, stderr io.Writer, usageHead string) (func(name string) (string, string), error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := map[string]*flagValue{}
	for _, s := range ss {
		values[s.flag] = &flagValue{boolean: s.boolean}
		fs.Var(values[s.flag], s.flag, s.help)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		fmt.Fprintf(stderr, "failgraph %s: %v\n\n%s", cmd, err, usageHead)
		writeSettings(stderr, ss)
		return nil, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "failgraph %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return nil, errUsage
	}
	return func(name string) (string, string) {
		for _, s := range ss {
			if s.flag != name {
				continue
			}
			if v := values[name]; v.set {
				return v.v, "--" + name
			}
			if v := getenv(s.env); v != "" {
				return v, s.env
			}
			return s.def, "--" + name + " (default)"
		}
		panic("no setting " + name) // a typo in the calling file
	}, nil
}
