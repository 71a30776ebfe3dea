"""Reads one of failgraph's exports back with the format's reference library and prints, as JSON on
stdout, what the library made of it. The Go tests (internal/export/consumers_test.go) compare that
with the graph they exported. Usage: readback.py FORMAT FILE
"""
import csv
import json
import sys
from collections import Counter


def stix(path):
    import stix2
    from stix2validator import ValidationOptions, validate_file

    result = validate_file(path, ValidationOptions(version="2.1"))
    errors, warnings = [], []
    for obj in result.object_results or []:
        errors += [f"{obj.object_id}: {e.message}" for e in obj.errors or []]
        warnings += [f"{obj.object_id}: {w}" for w in obj.warnings or []]
    if getattr(result, "fatal", None):
        errors.append(f"fatal: {result.fatal.message}")
    with open(path, encoding="utf-8") as f:
        bundle = stix2.parse(f.read(), allow_custom=False)
    types = Counter(o.type for o in bundle.objects)
    rels = sorted([o.relationship_type, o.source_ref, o.target_ref] for o in bundle.objects if o.type == "relationship")
    refs = {o.id: sorted(f"{r.source_name}:{r.get('external_id', '')}" for r in o.get("external_references", []))
            for o in bundle.objects if o.type in ("attack-pattern", "course-of-action", "campaign")}
    return {"valid": result.is_valid, "errors": errors, "warnings": warnings, "types": types,
            "ids": sorted(o.id for o in bundle.objects), "relationships": rels, "external": refs}


def navigator(path):
    # mitreattack-python's navlayers know only ATT&CK: the domains enterprise-attack, mobile-attack and
    # ics-attack, and technique ids T####(.###). ATLAS layers use the domain atlas-atlas and ids
    # AML.T####(.###). So the layer is mapped before loading, and back after: domain atlas-atlas <->
    # enterprise-attack, and techniqueID AML.T0015.000 <-> T0015.000 (the AML. prefix dropped). Nothing
    # else is changed: the Go test compares every other field of the round trip with what it wrote.
    from mitreattack.navlayers import Layer

    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    mapped = json.loads(json.dumps(raw))
    if mapped.get("domain") != "atlas-atlas":
        raise SystemExit(f"domain {mapped.get('domain')!r}, want atlas-atlas")
    mapped["domain"] = "enterprise-attack"
    for t in mapped.get("techniques", []):
        tid = t["techniqueID"]
        if not tid.startswith("AML.T"):
            raise SystemExit(f"technique id {tid!r} is not an ATLAS technique id")
        t["techniqueID"] = tid[len("AML."):]
    layer = Layer()
    layer.from_dict(mapped)
    back = layer.to_dict()
    back["domain"] = "atlas-atlas"
    for t in back.get("techniques", []):
        t["techniqueID"] = "AML." + t["techniqueID"]
    return {"layer": back}


def graphml(path):
    import networkx as nx

    g = nx.read_graphml(path)
    edges = []
    if g.is_multigraph():
        for u, v, k, d in g.edges(keys=True, data=True):
            edges.append({"source": u, "target": v, "id": k, "data": d})
    else:
        for u, v, d in g.edges(data=True):
            edges.append({"source": u, "target": v, "id": d.get("id", ""), "data": d})
    return {"directed": g.is_directed(), "multigraph": g.is_multigraph(),
            "nodes": {n: d for n, d in g.nodes(data=True)}, "edges": edges}


def bibtex(path):
    import bibtexparser

    with open(path, encoding="utf-8") as f:
        lib = bibtexparser.parse_string(f.read())
    entries = []
    for e in lib.entries:
        entries.append({"key": e.key, "type": e.entry_type, "fields": {f.key: f.value for f in e.fields}})
    return {"entries": entries, "failed": len(lib.failed_blocks),
            "duplicates": sum(1 for b in lib.failed_blocks if type(b).__name__ == "DuplicateBlockKeyBlock")}


def table(path):
    with open(path, newline="", encoding="utf-8") as f:
        data = f.read()
    rows = list(csv.reader(data.splitlines(keepends=True), strict=True))
    return {"rows": rows, "crlf": data.count("\r\n"), "lf": data.count("\n")}


def turtle(path):
    import rdflib
    from rdflib.namespace import RDF, SKOS

    g = rdflib.Graph()
    g.parse(path, format="turtle")
    predicates = Counter(str(p) for _, p, _ in g)
    concepts = sorted(str(s) for s in g.subjects(RDF.type, SKOS.Concept))
    return {"triples": len(g), "predicates": predicates, "concepts": concepts}


READERS = {"stix": stix, "navigator": navigator, "graphml": graphml, "bibtex": bibtex, "csv": table, "turtle": turtle}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in READERS:
        raise SystemExit(f"usage: readback.py {{{','.join(READERS)}}} FILE")
    json.dump(READERS[sys.argv[1]](sys.argv[2]), sys.stdout, default=str)
    sys.stdout.write("\n")
