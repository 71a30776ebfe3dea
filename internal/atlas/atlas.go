// Package atlas reads the MITRE ATLAS release file (ATLAS.yaml, as published in the atlas-data
// repository's dist/ folder): its tactics, techniques, mitigations and case studies by id. failgraph
// uses it to check the ATLAS identifiers its knowledge cites, and it is the reader an ATLAS importer
// builds on.
package atlas

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Object is one ATLAS object: a tactic, technique, sub-technique, mitigation or case study.
type Object struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	ObjectType string `yaml:"object-type"`
}

// Release is the part of an ATLAS release failgraph reads.
type Release struct {
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	Version  string `yaml:"version"`
	Matrices []struct {
		ID          string   `yaml:"id"`
		Name        string   `yaml:"name"`
		Tactics     []Object `yaml:"tactics"`
		Techniques  []Object `yaml:"techniques"`
		Mitigations []Object `yaml:"mitigations"`
	} `yaml:"matrices"`
	CaseStudies []Object `yaml:"case-studies"`
}

// Load reads and decodes an ATLAS.yaml file.
func Load(path string) (*Release, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Release
	if err := yaml.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version == "" || len(r.Matrices) == 0 {
		return nil, fmt.Errorf("%s: not an ATLAS release file (no version or no matrices)", path)
	}
	return &r, nil
}

// Index returns every object of the release by id (tactics, techniques and sub-techniques,
// mitigations, case studies).
func (r *Release) Index() map[string]Object {
	idx := map[string]Object{}
	for _, m := range r.Matrices {
		for _, list := range [][]Object{m.Tactics, m.Techniques, m.Mitigations} {
			for _, o := range list {
				idx[o.ID] = o
			}
		}
	}
	for _, o := range r.CaseStudies {
		idx[o.ID] = o
	}
	return idx
}
