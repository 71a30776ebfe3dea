package storetest

import "github.com/failgraph/failgraph/internal/kg"

// Synthetic returns the suite's hand-made graph: small enough that every expected answer in
// traverse.go is worked out by hand in its comments, rich enough to reach every rule. It has
//
//   - six failure modes: four numbered ones (one unintentional) and two subtypes, one of which no
//     mitigation answers, with severities that need reading ("Critical (if triggered)");
//   - capabilities with an implication chain cap-whitebox → cap-graybox → cap-blackbox;
//   - mitigations of every strength, some resting on papers and some not;
//   - legal considerations in two jurisdictions (EU, US), one raised by a child and its parent;
//   - references with years and accented authors, one cited by nothing (r-zeta);
//   - a stakeholder joined to a reference by two edges (CITES and CONCERNED_WITH), cycles and
//     parallel routes of equal length for paths, and a hub (r-gamma) for truncation;
//   - provenance: origins of all three kinds (fm-poison-backdoor is a companion's, fm-shift an
//     extension), legal considerations of four statuses with their dates, and edges of every basis
//     and confidence. Every edge is CITED_WORK and HIGH unless provenance() below says otherwise:
//     PAPER: TARGETS fm-evasion→a-model, fm-poison→a-data; MITIGATES m-advtrain→fm-evasion,
//     m-sanitise→fm-poison; RAISES fm-evasion→l-cfaa. EDITORIAL: TARGETS fm-inversion→a-data (MEDIUM),
//     MITIGATES m-monitor→fm-poison (LOW), RAISES fm-poison→l-cfaa (MEDIUM).
//
// Neighbour sets (all relations, both directions), from which the hand computations start:
//
//	fm-evasion          a-api a-model cap-blackbox cap-query fm-evasion-targeted l-aiact l-cfaa m-advtrain m-monitor r-alpha r-beta s-engineers (12)
//	fm-evasion-targeted a-api cap-query cap-whitebox fm-evasion l-cfaa l-dmca m-advtrain r-alpha r-beta (9)
//	fm-poison           a-data a-model cap-data fm-poison-backdoor l-cfaa m-monitor m-sanitise r-alpha r-gamma s-engineers (10)
//	fm-poison-backdoor  a-data cap-data cap-graybox fm-poison r-alpha (5)
//	fm-inversion        a-data a-model cap-graybox cap-query l-gdpr m-dp m-governance m-monitor m-sanitise r-beta r-gamma (11)
//	fm-shift            a-data a-people m-advtrain m-governance r-eps (5)
//	m-advtrain          a-model fm-evasion fm-evasion-targeted fm-shift r-beta
//	m-dp                a-data fm-inversion r-delta
//	m-governance        fm-inversion fm-shift r-gamma
//	m-monitor           fm-evasion fm-inversion fm-poison r-eps
//	m-sanitise          fm-inversion fm-poison r-gamma
//	a-data              fm-inversion fm-poison fm-poison-backdoor fm-shift m-dp r-gamma
//	a-model             fm-evasion fm-inversion fm-poison m-advtrain
//	r-alpha             cap-query fm-evasion fm-evasion-targeted fm-poison fm-poison-backdoor s-engineers
//	r-beta              fm-evasion fm-evasion-targeted fm-inversion m-advtrain
//	r-gamma             a-data fm-inversion fm-poison l-aiact l-gdpr m-governance m-sanitise
//	r-delta             l-cfaa l-dmca m-dp s-lawyers
//	r-eps               fm-shift m-monitor
func Synthetic() *kg.Graph {
	yes := true
	no := false
	nodes := []*kg.Node{
		// Failure modes. NodeLess order: fm-evasion(1), fm-poison(2), fm-inversion(3), fm-shift(4),
		// then the subtypes by id: fm-evasion-targeted, fm-poison-backdoor.
		{ID: "fm-evasion", Kind: kg.KindFailureMode, Name: "Evasion attack", Number: 1, Intent: kg.Intentional, Origin: kg.OriginPaper,
			Summary:     "Inputs crafted at inference time cause wrong outputs.",
			Aliases:     []string{"adversarial example"},
			Notes:       []string{"The classic attack."},
			Compromises: []kg.SecurityProperty{kg.Integrity}, Knowledge: []kg.Knowledge{kg.BlackBox, kg.WhiteBox},
			ViolatesAccessAuthorization: &no, AccessCommentary: "Queries are ordinary use.",
			Example:  "A stop sign with stickers reads as a speed limit.",
			Severity: []kg.Severity{{Level: "Critical", Source: "Bug Bar", Edition: "2019"}},
			ExternalIDs: []kg.ExternalID{{Framework: "MITRE ATLAS", Edition: "5.0", ID: "AML.T0015", Name: "Evade ML Model",
				URL: "https://atlas.mitre.org/techniques/AML.T0015", Match: "close"}}},
		{ID: "fm-poison", Kind: kg.KindFailureMode, Name: "Poisoning attack", Number: 2, Intent: kg.Intentional, Origin: kg.OriginPaper,
			Summary:     "Training samples are contaminated so that learning goes wrong.",
			Compromises: []kg.SecurityProperty{kg.Integrity, kg.Availability}, Knowledge: []kg.Knowledge{kg.GrayBox},
			ViolatesAccessAuthorization: &yes,
			Severity:                    []kg.Severity{{Level: "Important", Source: "Bug Bar", Edition: "2019"}}},
		{ID: "fm-inversion", Kind: kg.KindFailureMode, Name: "Model inversion", Number: 3, Intent: kg.Intentional, Origin: kg.OriginPaper,
			Summary:     "Private features are recovered from a deployed system.",
			Compromises: []kg.SecurityProperty{kg.Confidentiality},
			Severity: []kg.Severity{{Level: "Moderate", Source: "Bug Bar", Edition: "2019"},
				{Level: "Low", Source: "Other Bar", Edition: "2020"}}},
		{ID: "fm-shift", Kind: kg.KindFailureMode, Name: "Distributional shift", Number: 4, Intent: kg.Unintentional,
			Origin: kg.OriginExtension, OriginSources: []string{"r-eps"},
			Summary:     "Deployment data drifts away from what was seen in training.",
			Compromises: []kg.SecurityProperty{kg.Safety},
			Severity:    []kg.Severity{{Level: "Low", Source: "Bug Bar", Edition: "2019"}}},
		{ID: "fm-evasion-targeted", Kind: kg.KindFailureMode, Name: "Targeted evasion", Intent: kg.Intentional, Origin: kg.OriginPaper,
			Summary:     "Evasion towards a class the attacker chooses.",
			Compromises: []kg.SecurityProperty{kg.Integrity}},
		{ID: "fm-poison-backdoor", Kind: kg.KindFailureMode, Name: "Backdoor poisoning", Intent: kg.Intentional, Origin: kg.OriginCompanion,
			Summary:     "A hidden trigger is planted during training.",
			Compromises: []kg.SecurityProperty{kg.Integrity},
			Severity: []kg.Severity{{Level: "low", Source: "Other Bar", Edition: "2020"},
				{Level: "Critical (if triggered)", Source: "Bug Bar", Edition: "2019"}}},

		// Capabilities: cap-whitebox implies cap-graybox, which implies cap-blackbox.
		{ID: "cap-query", Kind: kg.KindCapability, Name: "Query access", Category: "access", Summary: "Can send inputs and read answers."},
		{ID: "cap-whitebox", Kind: kg.KindCapability, Name: "White-box knowledge", Category: "knowledge", Summary: "Knows the weights.", Implies: []string{"cap-graybox"}},
		{ID: "cap-graybox", Kind: kg.KindCapability, Name: "Gray-box knowledge", Category: "knowledge", Summary: "Knows the architecture.", Implies: []string{"cap-blackbox"}},
		{ID: "cap-blackbox", Kind: kg.KindCapability, Name: "Black-box knowledge", Category: "knowledge", Summary: "Knows the task only."},
		{ID: "cap-data", Kind: kg.KindCapability, Name: "Training-data control", Category: "attacker-capability", Summary: "Can add training samples."},

		// Assets.
		{ID: "a-data", Kind: kg.KindAsset, Name: "Training data", Category: "data", Summary: "What is learned from."},
		{ID: "a-model", Kind: kg.KindAsset, Name: "Model weights", Category: "model", Summary: "The learned parameters."},
		{ID: "a-api", Kind: kg.KindAsset, Name: "Inference API", Category: "system", Summary: "The endpoint users call."},
		{ID: "a-people", Kind: kg.KindAsset, Name: "Affected people", Category: "people", Summary: "Those the decisions touch."},

		// Mitigations.
		{ID: "m-advtrain", Kind: kg.KindMitigation, Name: "Adversarial training", Category: "technical",
			Summary: "Train on adversarial examples to resist evasion.", Lifecycle: []string{"training"}},
		{ID: "m-dp", Kind: kg.KindMitigation, Name: "Differential privacy", Category: "technical",
			Summary: "Bound what any one record can reveal.", Lifecycle: []string{"training", "deployment"}},
		{ID: "m-governance", Kind: kg.KindMitigation, Name: "Governance review", Category: "governance",
			Summary: "People sign off before release.", Lifecycle: []string{"design"}},
		{ID: "m-monitor", Kind: kg.KindMitigation, Name: "Query monitoring", Category: "detection",
			Summary: "Watch traffic for suspicious patterns.", Lifecycle: []string{"operations"}},
		{ID: "m-sanitise", Kind: kg.KindMitigation, Name: "Data sanitisation", Category: "technical",
			Summary: "Drop suspicious samples before training.", Lifecycle: []string{"data"}},

		// Legal considerations in two jurisdictions. Matrix column order: l-aiact, l-gdpr (EU), l-cfaa, l-dmca (US).
		{ID: "l-cfaa", Kind: kg.KindLegal, Name: "Computer Fraud and Abuse Act", Jurisdiction: "US", Instrument: "statute",
			Citation: "18 U.S.C. § 1030", Year: 1986, Summary: "Anti-hacking statute.",
			InForceFrom: "1986-10-16", Status: kg.StatusInForce, StatusAsOf: "2026-12-02"},
		{ID: "l-dmca", Kind: kg.KindLegal, Name: "Digital Millennium Copyright Act", Jurisdiction: "US", Instrument: "statute",
			Citation: "17 U.S.C. § 1201", Year: 1998, Summary: "Anti-circumvention rules.",
			InForceFrom: "1998-10-28", AppliesFrom: "2000-10-28", Status: kg.StatusInForce, StatusAsOf: "2026-12-02"},
		{ID: "l-gdpr", Kind: kg.KindLegal, Name: "General Data Protection Regulation", Jurisdiction: "EU", Instrument: "regulation",
			Citation: "Regulation (EU) 2016/679", Year: 2016, Summary: "Personal data rules.",
			InForceFrom: "2016-05-24", AppliesFrom: "2018-05-25", Status: kg.StatusInForce, StatusAsOf: "2026-12-02"},
		{ID: "l-aiact", Kind: kg.KindLegal, Name: "Artificial Intelligence Act", Jurisdiction: "EU", Instrument: "regulation",
			Citation: "Regulation (EU) 2024/1689", Year: 2024, Summary: "Rules for high-risk systems.",
			InForceFrom: "2024-08-01", AppliesFrom: "2027-12-02", Status: kg.StatusNotYetApplicable, StatusAsOf: "2026-12-02"},

		// References.
		{ID: "r-alpha", Kind: kg.KindReference, Name: "Lovelace and Turing 2015", Title: "Alpha attacks on learners",
			Authors: []string{"Ada Lovelace", "Alan Turing"}, Year: 2015, Venue: "NeurIPS", ArXiv: "1501.00001", RefType: "paper"},
		{ID: "r-beta", Kind: kg.KindReference, Name: "Hopper 2018", Title: "Beta defences for learners",
			Authors: []string{"Grace Hopper"}, Year: 2018, DOI: "10.1000/beta", RefType: "paper"},
		{ID: "r-gamma", Kind: kg.KindReference, Name: "Kay 2020", Title: "Gamma governance report",
			Authors: []string{"Alan Kay"}, Year: 2020, URL: "https://example.org/gamma", RefType: "report"},
		{ID: "r-delta", Kind: kg.KindReference, Name: "Congress 1986", Title: "Delta statute text",
			Authors: []string{"United States Congress"}, Year: 1986, URL: "https://example.org/delta", RefType: "statute"},
		{ID: "r-eps", Kind: kg.KindReference, Name: "Berners-Lee 2022", Title: "Epsilon web page",
			Authors: []string{"Tim Berners-Lee"}, Year: 2022, URL: "https://example.org/eps", RefType: "web"},
		{ID: "r-zeta", Kind: kg.KindReference, Name: "Zeta 2010", Title: "Zeta notes",
			Authors: []string{"Ada Lovelace", "Salomé Viljöen"}, Year: 2010, ArXiv: "1001.00002", RefType: "paper"},

		// Stakeholders.
		{ID: "s-engineers", Kind: kg.KindStakeholder, Name: "Engineers", Summary: "Those who build systems.", Questions: []string{"What first?"}},
		{ID: "s-lawyers", Kind: kg.KindStakeholder, Name: "Lawyers", Summary: "Those who advise on liability.", Questions: []string{"Is it lawful?"}},
	}

	e := func(t kg.RelType, src, dst string, refs ...string) kg.Edge {
		return kg.Edge{ID: kg.EdgeID(t, src, dst), Type: t, Source: src, Target: dst, Refs: refs,
			Basis: kg.BasisCitedWork, Confidence: kg.ConfidenceHigh}
	}
	mit := func(src, dst string, strength kg.Strength, refs ...string) kg.Edge {
		ed := e(kg.RelMitigates, src, dst, refs...)
		ed.Strength = strength
		return ed
	}
	note := func(ed kg.Edge, n string) kg.Edge {
		ed.Note = n
		return ed
	}
	edges := []kg.Edge{
		e(kg.RelSubtypeOf, "fm-evasion-targeted", "fm-evasion", "r-alpha"),
		e(kg.RelSubtypeOf, "fm-poison-backdoor", "fm-poison", "r-alpha"),

		e(kg.RelRequires, "fm-evasion", "cap-blackbox", "r-alpha"),
		e(kg.RelRequires, "fm-evasion", "cap-query", "r-alpha"),
		e(kg.RelRequires, "fm-evasion-targeted", "cap-query", "r-alpha"),
		e(kg.RelRequires, "fm-evasion-targeted", "cap-whitebox", "r-beta"),
		e(kg.RelRequires, "fm-inversion", "cap-graybox", "r-beta"),
		e(kg.RelRequires, "fm-inversion", "cap-query", "r-beta"),
		e(kg.RelRequires, "fm-poison", "cap-data", "r-alpha"),
		e(kg.RelRequires, "fm-poison-backdoor", "cap-data", "r-alpha"),
		e(kg.RelRequires, "fm-poison-backdoor", "cap-graybox", "r-alpha"),

		e(kg.RelTargets, "fm-evasion", "a-api", "r-alpha"),
		e(kg.RelTargets, "fm-evasion", "a-model", "r-alpha"),
		e(kg.RelTargets, "fm-evasion-targeted", "a-api", "r-alpha"),
		e(kg.RelTargets, "fm-inversion", "a-data", "r-beta"),
		e(kg.RelTargets, "fm-inversion", "a-model", "r-beta"),
		e(kg.RelTargets, "fm-poison", "a-data", "r-gamma"),
		e(kg.RelTargets, "fm-poison", "a-model", "r-gamma"),
		e(kg.RelTargets, "fm-poison-backdoor", "a-data", "r-alpha"),
		e(kg.RelTargets, "fm-shift", "a-data", "r-eps"),
		e(kg.RelTargets, "fm-shift", "a-people", "r-eps"),

		note(mit("m-advtrain", "fm-evasion", "strong", "r-beta"), "Raises the cost of small perturbations."),
		mit("m-advtrain", "fm-evasion-targeted", "strong", "r-beta"),
		mit("m-advtrain", "fm-shift", "partial", "r-beta"),
		mit("m-dp", "fm-inversion", "strong", "r-beta"),
		mit("m-governance", "fm-inversion", "detect-only", "r-gamma"),
		mit("m-governance", "fm-shift", "strong", "r-gamma", "r-eps"),
		mit("m-monitor", "fm-evasion", "detect-only", "r-eps"),
		mit("m-monitor", "fm-inversion", "detect-only", "r-alpha"),
		mit("m-monitor", "fm-poison", "detect-only", "r-eps"),
		mit("m-sanitise", "fm-inversion", "partial", "r-gamma"),
		mit("m-sanitise", "fm-poison", "partial", "r-gamma"),

		e(kg.RelProtects, "m-advtrain", "a-model", "r-beta"),
		e(kg.RelProtects, "m-dp", "a-data", "r-beta"),

		note(e(kg.RelRaises, "fm-evasion", "l-aiact", "r-gamma"), "Is the system robust enough for high-risk use?"),
		note(e(kg.RelRaises, "fm-evasion", "l-cfaa", "r-delta", "r-alpha"), "Is crafting inputs unauthorised access?"),
		note(e(kg.RelRaises, "fm-evasion-targeted", "l-cfaa", "r-alpha"), "Does aiming at one victim exceed authorisation?"),
		note(e(kg.RelRaises, "fm-evasion-targeted", "l-dmca", "r-delta"), "Is bypassing a filter circumvention?"),
		note(e(kg.RelRaises, "fm-inversion", "l-gdpr", "r-gamma"), "Is a recovered record personal data?"),
		note(e(kg.RelRaises, "fm-poison", "l-cfaa", "r-delta"), "Is sending chaff data unauthorised access?"),

		e(kg.RelCites, "fm-evasion", "r-alpha"),
		e(kg.RelCites, "fm-evasion", "r-beta"),
		e(kg.RelCites, "fm-evasion-targeted", "r-alpha"),
		e(kg.RelCites, "fm-evasion-targeted", "r-beta"),
		e(kg.RelCites, "fm-poison", "r-alpha"),
		e(kg.RelCites, "fm-poison", "r-gamma"),
		e(kg.RelCites, "fm-poison-backdoor", "r-alpha"),
		e(kg.RelCites, "fm-inversion", "r-beta"),
		e(kg.RelCites, "fm-inversion", "r-gamma"),
		e(kg.RelCites, "fm-shift", "r-eps"),
		e(kg.RelCites, "m-advtrain", "r-beta"),
		e(kg.RelCites, "m-sanitise", "r-gamma"),
		e(kg.RelCites, "m-monitor", "r-eps"),
		e(kg.RelCites, "m-dp", "r-delta"),
		e(kg.RelCites, "m-governance", "r-gamma"),
		e(kg.RelCites, "l-cfaa", "r-delta"),
		e(kg.RelCites, "l-dmca", "r-delta"),
		e(kg.RelCites, "l-gdpr", "r-gamma"),
		e(kg.RelCites, "l-aiact", "r-gamma"),
		e(kg.RelCites, "cap-query", "r-alpha"),
		e(kg.RelCites, "a-data", "r-gamma"),
		e(kg.RelCites, "s-engineers", "r-alpha"),
		e(kg.RelCites, "s-lawyers", "r-delta"),

		note(e(kg.RelConcernedWith, "s-engineers", "fm-evasion", "r-alpha"), "How do I harden my model?"),
		note(e(kg.RelConcernedWith, "s-engineers", "fm-poison", "r-alpha"), "How do I vet my data?"),
		note(e(kg.RelConcernedWith, "s-engineers", "r-alpha", "r-alpha"), "Is this paper still current?"),
		note(e(kg.RelConcernedWith, "s-lawyers", "l-cfaa", "r-delta"), "Does the statute reach research?"),
	}
	provenance(edges)
	return &kg.Graph{Nodes: nodes, Edges: edges}
}

// provenance sets the edges whose basis or confidence is not the default CITED_WORK and HIGH.
func provenance(edges []kg.Edge) {
	type prov struct {
		basis      kg.Basis
		confidence kg.Confidence
		reason     string
	}
	paper := prov{kg.BasisPaper, kg.ConfidenceHigh, ""}
	set := map[string]prov{
		kg.EdgeID(kg.RelTargets, "fm-evasion", "a-model"):      paper,
		kg.EdgeID(kg.RelTargets, "fm-poison", "a-data"):        paper,
		kg.EdgeID(kg.RelMitigates, "m-advtrain", "fm-evasion"): paper,
		kg.EdgeID(kg.RelMitigates, "m-sanitise", "fm-poison"):  paper,
		kg.EdgeID(kg.RelRaises, "fm-evasion", "l-cfaa"):        paper,
		kg.EdgeID(kg.RelTargets, "fm-inversion", "a-data"):     {kg.BasisEditorial, kg.ConfidenceMedium, "Inferred from what is inverted."},
		kg.EdgeID(kg.RelMitigates, "m-monitor", "fm-poison"):   {kg.BasisEditorial, kg.ConfidenceLow, "No study shows monitoring catches poisoning."},
		kg.EdgeID(kg.RelRaises, "fm-poison", "l-cfaa"):         {kg.BasisEditorial, kg.ConfidenceMedium, "The statute does not mention training data."},
	}
	for i := range edges {
		if p, ok := set[edges[i].ID]; ok {
			edges[i].Basis, edges[i].Confidence, edges[i].Reason = p.basis, p.confidence, p.reason
		}
	}
}
