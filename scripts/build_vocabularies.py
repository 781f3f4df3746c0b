"""Generate the bundled SKOS vocabularies and the crosswalk table from the official data.

Reads ``../shared/data`` (CBD thesaurus exports, the GBF indicator list, the UN SDG KOS) and
``../shared/seeds`` (SBI recommendation 4/6, the GBF Goal D page), plus the curated tables in
``scripts/sources/``; writes ``ontology/vocabularies/*.ttl`` and ``ontology/mappings/*.sssom.tsv``.
The output is committed, so a clone works without ``../shared``. Run: ``make vocabularies``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kmgbf
import seed_000
from paths import default_sources

from kmgraph.namespaces import ID, KMO, PREFIXES, SCHEME, SDG, VOCABULARY, concept_iri
from kmgraph.vocab.sssom import MappingSet, to_skos, write_sssom

ROOT = Path(__file__).resolve().parents[1]
SOURCES = Path(__file__).resolve().parent / "sources"
VOCAB_VERSION = "2026.11.21"

DEC_15_4 = "Decision 15/4 (Kunming-Montreal Global Biodiversity Framework), annex"
DEC_15_5 = "Decision 15/5, annex I, as revised by decision 16/31 (monitoring framework)"
DEC_X_2 = "Decision X/2 (Strategic Plan for Biodiversity 2011-2020), annex"
CITES_SV = "CITES Strategic Vision: 2021-2030"
GOAL_D_PAGE = "CBD GBF Goal D page: mapping with CBD Aichi targets and CITES Strategic Vision 2021-2030 (seed 002)"

# Decision 15/4 groups the targets in three sections of section H; each section serves one or two
# goals. kmgraph places each target under the goal its section serves (skos:broader) and keeps the
# official sections as collections.
TARGET_SECTIONS = [
    ("GBF-SECTION-H1", "Reducing threats to biodiversity", range(1, 9)),
    ("GBF-SECTION-H2", "Meeting people's needs through sustainable use and benefit-sharing", range(9, 14)),
    ("GBF-SECTION-H3", "Tools and solutions for implementation and mainstreaming", range(14, 24)),
]
TARGET_GOAL = {**{t: "A" for t in range(1, 9)}, **{t: "B" for t in range(9, 13)}, 13: "C",
               **{t: "D" for t in range(14, 24)}}

VISION = ("a world of living in harmony with nature where by 2050, biodiversity is valued, conserved, "
          "restored and wisely used, maintaining ecosystem services, sustaining a healthy planet and "
          "delivering benefits essential for all people")
MISSION = ("To take urgent action to halt and reverse biodiversity loss to put nature on a path to recovery "
           "for the benefit of people and planet by conserving and sustainably using biodiversity and "
           "ensuring the fair and equitable sharing of benefits from the use of genetic resources, while "
           "providing the necessary means of implementation.")

ROLE_PROPERTY = {
    "headline": KMO.headlineIndicatorFor,
    "binary": KMO.binaryIndicatorFor,
    "component": KMO.componentIndicatorFor,
    "complementary": KMO.complementaryIndicatorFor,
}

INDICATOR_CLASS = {
    "headline": KMO.HeadlineIndicator,
    "binary": KMO.BinaryIndicator,
    "component": KMO.ComponentIndicator,
    "complementary": KMO.ComplementaryIndicator,
}

# Actor phrases of the seed tables that name two actors or carry a qualifier.
ACTOR_PHRASES = {
    "women and youth": ["women", "youth"],
    "women and youth representatives": ["women", "youth"],
    "organizations and networks": ["organizations", "networks"],
    "organizations and scientific and academic institutions": ["organizations", "academia"],
    "technical and scientific cooperation mechanism secretariat": ["tscm", "secretariat"],
    "as relevant": [],
}

# CARE Principles for Indigenous Data Governance (Global Indigenous Data Alliance, 2019).
CARE_SOURCE = "Global Indigenous Data Alliance, CARE Principles for Indigenous Data Governance (2019)"
CARE = [
    ("C", "Collective benefit", ["For inclusive development and innovation",
                                 "For improved governance and citizen engagement", "For equitable outcomes"]),
    ("A", "Authority to control", ["Recognizing rights and interests", "Data for governance",
                                   "Governance of data"]),
    ("R", "Responsibility", ["For positive relationships", "For expanding capability and capacity",
                             "For Indigenous languages and worldviews"]),
    ("E", "Ethics", ["For minimizing harm and maximizing benefit", "For justice", "For future use"]),
]


class Vocab:
    """One vocabulary file: a kmo:Vocabulary node, its schemes and concepts."""

    def __init__(self, vocab_id: str, title: str, description: str, source: str) -> None:
        self.id = vocab_id
        self.g = Graph()
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.node = VOCABULARY[vocab_id]
        self.g.add((self.node, RDF.type, KMO.Vocabulary))
        self.g.add((self.node, DCTERMS.identifier, Literal(vocab_id)))
        self.g.add((self.node, DCTERMS.title, Literal(title, lang="en")))
        self.g.add((self.node, DCTERMS.description, Literal(description, lang="en")))
        self.g.add((self.node, DCTERMS.source, Literal(source)))
        self.g.add((self.node, OWL.versionInfo, Literal(VOCAB_VERSION)))

    def scheme(self, name: str, title: str, definition: str, source: str) -> URIRef:
        scheme = SCHEME[name]
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.g.add((scheme, SKOS.prefLabel, Literal(title, lang="en")))
        self.g.add((scheme, SKOS.definition, Literal(definition, lang="en")))
        self.g.add((scheme, DCTERMS.source, Literal(source)))
        self.g.add((scheme, SKOS.notation, Literal(name)))
        self.g.add((self.node, DCTERMS.hasPart, scheme))
        return scheme

    def concept(self, scheme: URIRef, notation: str, labels: dict[str, str], *, source: str,
                definition: dict[str, str] | None = None, broader: URIRef | None = None,
                types: tuple = (), iri: URIRef | None = None, alt: list[str] = ()) -> URIRef:
        c = iri or URIRef(concept_iri(notation))
        self.g.add((c, RDF.type, SKOS.Concept))
        for t in types:
            self.g.add((c, RDF.type, t))
        self.g.add((c, SKOS.notation, Literal(notation)))
        for lang, text in labels.items():
            self.g.add((c, SKOS.prefLabel, Literal(clean(text), lang=lang)))
        for text in alt:
            if text and text not in labels.values():
                self.g.add((c, SKOS.altLabel, Literal(clean(text), lang="en")))
        for lang, text in (definition or {}).items():
            if text:
                self.g.add((c, SKOS.definition, Literal(clean(text), lang=lang)))
        self.g.add((c, DCTERMS.source, Literal(source)))
        self.g.add((c, SKOS.inScheme, scheme))
        if broader is None:
            self.g.add((c, SKOS.topConceptOf, scheme))
            self.g.add((scheme, SKOS.hasTopConcept, c))
        else:
            self.g.add((c, SKOS.broader, broader))
            self.g.add((broader, SKOS.narrower, c))
        return c

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.id}.ttl"
        header = (f"# Generated by scripts/build_vocabularies.py from the official data; do not edit by hand.\n"
                  f"# Vocabulary {self.id}, version {VOCAB_VERSION}.\n")
        path.write_text(header + self.g.serialize(format="turtle"), encoding="utf-8")
        return path


def clean(text: str) -> str:
    return " ".join(text.split())


def strip_prefix(text: str) -> str:
    """'GBF-T01. Plan and Manage ...' -> 'Plan and Manage ...' (prefix of the CBD thesaurus labels)."""
    return re.sub(r"^GBF-(?:T\d+|G-[A-D])\.\s*", "", text).strip()


def pad(identifier: str) -> str:
    """Normalise identifier padding of the crosswalk: AICHI-TARGET-6 -> AICHI-TARGET-06."""
    return re.sub(r"^((?:AICHI|GBF)-TARGET-)(\d)$", r"\g<1>0\2", identifier)


# --- GBF -----------------------------------------------------------------------------------------

def cite_kmgbf(v: Vocab) -> None:
    """The citation and licence that the KMGBF ontology asks for, and that kmgraph's copy is not official."""
    v.g.add((v.node, DCTERMS.bibliographicCitation, Literal(kmgbf.CITATION)))
    v.g.add((v.node, KMO.notice, Literal(kmgbf.NOT_OFFICIAL, lang="en")))
    v.g.add((v.node, DCTERMS.license, kmgbf.LICENSE))


def add_official(v: Vocab, c: URIRef, official: kmgbf.Official) -> None:
    """What a kmgraph concept takes from the official data beyond its labels: the official IRI,
    definitions in every language, custodian agencies and the role-typed links of an indicator."""
    v.g.add((c, SKOS.exactMatch, official.iri))
    for lang, text in official.definitions.items():
        v.g.add((c, SKOS.definition, Literal(clean(text), lang=lang)))
    for agency in official.custodians:
        v.g.add((c, KMO.custodianAgency, Literal(clean(agency))))
    for role, other in official.links:
        parent = URIRef(concept_iri(kmgbf.notation_of(other)))
        v.g.add((c, ROLE_PROPERTY[role], parent))
        v.g.add((c, KMO.indicatorFor, parent))


def build_gbf(data: Path, official: kmgbf.KmgbfData) -> Vocab:
    v = Vocab("gbf", "Kunming-Montreal Global Biodiversity Framework",
              "The 2050 vision, 2030 mission, 4 global goals and 23 global targets of the Framework, with the "
              "three sections of targets. Identifiers, term ids and English short titles from the CBD thesaurus; "
              "official texts, short titles and labels in English, French and Spanish from the CBD's KMGBF "
              "Monitoring Framework Ontology.",
              f"{DEC_15_4}; CBD thesaurus terms 7394-7420 (scbd/www.cbd.int app/data/gbf-targets, commit 9e0f78f1); "
              f"{kmgbf.SOURCE}")
    cite_kmgbf(v)
    scheme = v.scheme("gbf", "Kunming-Montreal Global Biodiversity Framework",
                      "The vision, mission, goals and targets of the Kunming-Montreal Global Biodiversity "
                      "Framework (decision 15/4). Targets sit under the goal that their section of the "
                      "Framework serves (Targets 1-8: Goal A; 9-12: Goal B; 13: Goal C; 14-23: Goal D); the "
                      "official grouping is kept as the three section collections.", DEC_15_4)
    v.g.add((scheme, SKOS.editorialNote, Literal(
        "Decision 15/4 does not attach targets to goals one by one; it groups them in three sections "
        "(section H). The broader links from targets to goals are kmgraph's reading of those sections.", lang="en")))
    v.concept(scheme, "GBF-VISION", {"en": "2050 Vision for Biodiversity"}, definition={"en": VISION},
              source=f"{DEC_15_4}, section F (2050 Vision)", types=(KMO.Vision,))
    v.concept(scheme, "GBF-MISSION", {"en": "2030 Mission"}, definition={"en": MISSION},
              source=f"{DEC_15_4}, section F (2030 Mission)", types=(KMO.Mission,))
    goals = {}
    for goal in sorted(json.loads((data / "cbd/gbf-goals.json").read_text()), key=lambda g: g["identifier"]):
        letter = goal["identifier"][-1]
        facts = official.goal(letter)
        # The official data names goals "Objectif A" / "Objetivo A" in French and Spanish; it has no
        # French or Spanish short title for them.
        labels = {"en": strip_prefix(goal["shortTitle"]["en"]), **{k: facts.labels[k] for k in ("fr", "es")}}
        goals[letter] = c = v.concept(
            scheme, goal["identifier"], labels, alt=[strip_prefix(goal["name"]), facts.labels["en"]],
            types=(KMO.Goal,),
            source=f"{DEC_15_4}, section G, Goal {letter}; CBD thesaurus term {goal['termId']}; {kmgbf.SOURCE}")
        v.g.add((c, KMO.termId, Literal(goal["termId"])))
        v.g.add((c, KMO.shortTitle, Literal(labels["en"], lang="en")))
        for lang, text in facts.titles.items():
            v.g.add((c, DCTERMS.title, Literal(clean(text), lang=lang)))
        add_official(v, c, facts)
    for target in json.loads((data / "cbd/gbf-targets.json").read_text()):
        number = int(target["identifier"][-2:])
        facts = official.target(number)
        # Official short titles: English in the CBD thesaurus, French and Spanish as dct:title of the
        # KMGBF data (the English dct:title there is the longer summary title).
        short = {"en": strip_prefix(target["shortTitle"]["en"]), **{k: facts.titles[k] for k in ("fr", "es")}}
        c = v.concept(
            scheme, target["identifier"], short, alt=[strip_prefix(target["name"])], types=(KMO.Target,),
            broader=goals[TARGET_GOAL[number]],
            source=f"{DEC_15_4}, section H, Target {number}; CBD thesaurus term {target['termId']}; {kmgbf.SOURCE}")
        v.g.add((c, KMO.termId, Literal(target["termId"])))
        for lang, text in short.items():
            v.g.add((c, KMO.shortTitle, Literal(clean(text), lang=lang)))
        v.g.add((c, DCTERMS.title, Literal(clean(facts.titles["en"]), lang="en")))
        for lang, text in facts.labels.items():  # "Target 3", "Cible 3", "Meta 3"
            v.g.add((c, SKOS.altLabel, Literal(text, lang=lang)))
        add_official(v, c, facts)
    for notation, title, numbers in TARGET_SECTIONS:
        section = ID[notation]
        v.g.add((section, RDF.type, SKOS.Collection))
        v.g.add((section, RDF.type, KMO.FrameworkSection))
        v.g.add((section, SKOS.prefLabel, Literal(title, lang="en")))
        v.g.add((section, SKOS.notation, Literal(notation)))
        v.g.add((section, DCTERMS.source, Literal(f"{DEC_15_4}, section H")))
        for n in numbers:
            v.g.add((section, SKOS.member, URIRef(concept_iri(f"GBF-TARGET-{n:02d}"))))
    return v


def build_indicators(data: Path, official: kmgbf.KmgbfData) -> Vocab:
    v = Vocab("gbf-indicators", "Monitoring framework of the Kunming-Montreal Global Biodiversity Framework",
              "All 204 indicator rows of the monitoring framework: 27 headline, 15 binary, 52 component and "
              "110 complementary indicators by the CBD list, each linked by role to every goal and target it "
              "serves (274 links), with labels in English, French and Spanish.",
              f"{DEC_15_5}; CBD Online Reporting Tool indicator list (scbd/online-reporting-tool app-data/indicators.ts, "
              f"commit 06b5c706); {kmgbf.SOURCE}")
    cite_kmgbf(v)
    scheme = v.scheme("gbf-indicators", "GBF monitoring framework indicators",
                      "Headline, binary, component and complementary indicators of the monitoring framework "
                      "for the Kunming-Montreal Global Biodiversity Framework.", DEC_15_5)
    rows = list(csv.DictReader((data / "cbd/gbf-indicators.csv").open(encoding="utf-8")))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["thesaurus_identifier"]] = counts.get(row["thesaurus_identifier"], 0) + 1
    for row in rows:
        ident, code, kind, parent = row["thesaurus_identifier"], row["code"], row["type"], row["goal_or_target"]
        facts = official.indicator(code)
        parent_notation = f"GBF-GOAL-{parent}" if parent.isalpha() else f"GBF-TARGET-{int(parent):02d}"
        parent_iri = URIRef(concept_iri(parent_notation))
        where = f"Goal {parent}" if parent.isalpha() else f"Target {int(parent)}"
        # Labels as the KMGBF data publishes them; the CBD list's wording, where it differs, stays findable.
        c = v.concept(scheme, ident, facts.labels, iri=ID[f"indicator/{code}"], alt=[row["title"]],
                      types=(KMO.Indicator, INDICATOR_CLASS[kind]), broader=parent_iri,
                      source=f"{DEC_15_5}, {kind} indicator {code}; {kmgbf.SOURCE}")
        # The indicator is narrower than a concept of the gbf scheme: it is no top concept here.
        v.g.add((c, SKOS.scopeNote, Literal(
            f"{kind.capitalize()} indicator {code} of the monitoring framework (listed under {where}).", lang="en")))
        v.g.add((c, KMO.indicatorCode, Literal(code)))
        add_official(v, c, facts)
        if facts.definitions:
            v.g.add((c, SKOS.note, Literal("The definition is field 5(a) of the indicator's metadata "
                                           "(CBD/COP/16/INF/3/Rev.1), as the KMGBF data gives it.", lang="en")))
        if counts[ident] > 1:
            v.g.add((c, SKOS.editorialNote, Literal(
                f"The CBD indicator list gives the identifier {ident} to {counts[ident]} different indicators "
                f"(codes {', '.join(r['code'] for r in rows if r['thesaurus_identifier'] == ident)}); "
                "kmgraph keeps one concept per indicator, named by its code, and both carry the identifier "
                "as their notation.", lang="en")))
    return v


def build_kmgbf(official: kmgbf.KmgbfData) -> Vocab:
    """The official graph as published, so that queries written for metadata.cbd.int run unchanged."""
    v = Vocab("kmgbf", "KMGBF Monitoring Framework Ontology (official graph, kmgraph's copy)",
              "The CBD Secretariat's KMGBF Monitoring Framework Ontology as published: its classes and "
              "properties, the 4 goals, 23 targets and 204 indicators with their official IRIs, texts in "
              "English, French and Spanish, role-typed indicator links and custodian agencies. kmgraph's GBF "
              "concepts link to these IRIs by skos:exactMatch.", kmgbf.SOURCE)
    cite_kmgbf(v)
    for prefix, ns in (("kmgbf", kmgbf.KMGBF), ("kmgbfo", kmgbf.KMGBF_ONTOLOGY), ("schema", "http://schema.org/")):
        v.g.bind(prefix, ns)
    v.g += official.graph
    return v


# --- KM strategy and CHM programme of work -----------------------------------------------------

class ActorIndex:
    def __init__(self) -> None:
        self.rows = list(csv.DictReader((SOURCES / "actors.csv").open(encoding="utf-8")))
        self.by_phrase: dict[str, str] = {}
        for row in self.rows:
            for phrase in [row["prefLabel"], *filter(None, row["altLabels"].split("|"))]:
                self.by_phrase[phrase.lower()] = row["id"]

    def resolve(self, phrase: str) -> list[URIRef]:
        key = phrase.lower().strip()
        ids = ACTOR_PHRASES.get(key)
        if ids is None:
            if key not in self.by_phrase:
                raise SystemExit(f"unknown actor phrase in seed: {phrase!r}: add it to scripts/sources/actors.csv")
            ids = [self.by_phrase[key]]
        return [actor_iri(i) for i in ids]


def actor_iri(actor_id: str) -> URIRef:
    return URIRef(concept_iri(f"ACTOR-{actor_id.upper()}"))


def build_actors() -> Vocab:
    v = Vocab("actors", "Actors of CBD knowledge management",
              "Types of actors named in the CHM programme of work, the KM strategy and the other seed documents.",
              "SBI recommendation 4/6; CMS COP14 resolution on IPBES and CMS; CBD GBF Goal D page")
    scheme = v.scheme("actors", "Actor types", "Actor types that lead, contribute to or are named in CBD "
                      "knowledge-management actions and records.", "SBI recommendation 4/6")
    index = ActorIndex()
    for row in index.rows:
        broader = actor_iri(row["broader"]) if row["broader"] else None
        v.concept(scheme, f"ACTOR-{row['id'].upper()}", {"en": row["prefLabel"]},
                  alt=[a for a in row["altLabels"].split("|") if a], definition={"en": row["definition"]},
                  broader=broader, source=row["source"], types=(KMO.ActorType,))
    return v


def _add_actors(v: Vocab, concept: URIRef, prop: URIRef, phrases: list[str], index: ActorIndex) -> None:
    for phrase in phrases:
        for actor in index.resolve(phrase):
            v.g.add((concept, prop, actor))


def build_km(seed: str) -> Vocab:
    source = f"{seed_000.SOURCE}, part B, annex (knowledge management strategy)"
    v = Vocab("km-strategy", "Knowledge management strategy to support the implementation of the GBF",
              "Strategic objectives A-H and their 45 component actions with main actors, the four components "
              "of knowledge management and the principles the strategy promotes.", source)
    scheme = v.scheme("km-strategy", "KM strategy: strategic objectives and component actions",
                      "Strategic objectives, component actions and main actors of the knowledge management "
                      "strategy (section VIII).", f"{source}, section VIII")
    index = ActorIndex()
    for objective in seed_000.parse_km(seed):
        o = v.concept(scheme, f"KM-{objective.code}", {"en": objective.title}, types=(KMO.StrategicObjective,),
                      source=f"{source}, section VIII, strategic objective {objective.code}")
        v.g.add((o, SKOS.scopeNote, Literal(f"Strategic objective {objective.code} of the knowledge management strategy.", lang="en")))
        for action in objective.children:
            a = v.concept(scheme, f"KM-{action.code}", {"en": action.text}, definition={"en": action.text},
                          broader=o, types=(KMO.ComponentAction,),
                          source=f"{source}, section VIII, strategic objective {objective.code}, component action {action.code.split('.')[1]}")
            _add_actors(v, a, KMO.mainActor, action.lead, index)
            for note in action.notes:
                v.g.add((a, SKOS.note, Literal(note, lang="en")))
    para4 = seed_000.paragraph(seed, 4, "Knowledge management strategy to support the implementation of \nthe")
    components = v.scheme("km-components", "KM strategy: components of knowledge management",
                          para4, f"{source}, para. 4")
    for key, letter in (("people", "a"), ("processes", "b"), ("technology", "c"), ("content", "d")):
        m = re.search(rf"\({letter}\) (.+?)(?:; (?:and )?\(|\.$)", para4)
        v.concept(components, f"KM-COMPONENT-{key.upper()}", {"en": key}, definition={"en": m.group(1)},
                  source=f"{source}, para. 4 ({letter})", types=(KMO.KMComponent,))
    principles = v.scheme("km-principles", "KM strategy: principles",
                          "Principles promoted by the knowledge management strategy (section III).", f"{source}, section III")
    fair = v.concept(principles, "KM-PRINCIPLE-FAIR", {"en": "FAIR principles"},
                     alt=["findability, accessibility, interoperability and reusability"],
                     definition={"en": seed_000.paragraph(seed, 9, "Knowledge management strategy to support the implementation of \nthe")},
                     source=f"{source}, para. 9", types=(KMO.Principle,))
    for word in ("findability", "accessibility", "interoperability", "reusability"):
        c = v.concept(principles, f"KM-PRINCIPLE-FAIR-{word[0].upper()}", {"en": word}, broader=fair,
                      source=f"{source}, para. 9", types=(KMO.Principle,))
        v.g.add((c, SKOS.scopeNote, Literal(f"The {word} principle of the FAIR principles named in para. 9.", lang="en")))
    care = v.concept(principles, "KM-PRINCIPLE-CARE", {"en": "CARE principles"},
                     alt=["CARE Principles for Indigenous Data Governance"],
                     definition={"en": seed_000.paragraph(seed, 10, "Knowledge management strategy to support the implementation of \nthe")},
                     source=f"{source}, para. 10; {CARE_SOURCE}", types=(KMO.Principle,))
    for letter, title, subs in CARE:
        p = v.concept(principles, f"KM-PRINCIPLE-CARE-{letter}", {"en": title}, broader=care,
                      source=CARE_SOURCE, types=(KMO.Principle,))
        v.g.add((p, SKOS.scopeNote, Literal(f"CARE principle {letter} ({title}).", lang="en")))
        for i, sub in enumerate(subs, 1):
            s = v.concept(principles, f"KM-PRINCIPLE-CARE-{letter}{i}", {"en": sub}, broader=p,
                          source=CARE_SOURCE, types=(KMO.Principle,))
            v.g.add((s, SKOS.scopeNote, Literal(f"CARE sub-principle {letter}{i} under {title}.", lang="en")))
    v.concept(principles, "KM-PRINCIPLE-FPIC", {"en": "free, prior and informed consent"},
              alt=["FPIC", "prior and informed consent", "approval and involvement"],
              definition={"en": seed_000.footnote(seed, 29)},
              source=f"{source}, para. 5 and footnote 29", types=(KMO.Principle,))
    return v


def build_chm(seed: str) -> Vocab:
    source = f"{seed_000.SOURCE}, part A, annex (programme of work for the clearing-house mechanism 2024-2030)"
    v = Vocab("chm-pow", "Programme of work for the clearing-house mechanism 2024-2030",
              "4 goals, 8 outcomes and 39 strategic actions with lead and contributing actors and time frames.", source)
    scheme = v.scheme("chm-pow", "CHM programme of work 2024-2030",
                      "Goals, outcomes and strategic actions of the programme of work for the clearing-house "
                      "mechanism for the period 2024-2030.", source)
    index = ActorIndex()
    for goal in seed_000.parse_chm(seed):
        g = v.concept(scheme, f"CHM-{goal.code}", {"en": goal.title}, definition={"en": goal.definition},
                      types=(KMO.CHMGoal,), source=f"{source}, para. 2 and table, goal {goal.code}")
        for outcome in goal.children:
            o = v.concept(scheme, f"CHM-{outcome.code}", {"en": outcome.title}, definition={"en": outcome.title},
                          broader=g, types=(KMO.CHMOutcome,), source=f"{source}, table, outcome {outcome.code}")
            for action in outcome.children:
                a = v.concept(scheme, f"CHM-{action.code}", {"en": action.text}, definition={"en": action.text},
                              broader=o, types=(KMO.StrategicAction,),
                              source=f"{source}, table, strategic action {action.code}")
                _add_actors(v, a, KMO.leadActor, action.lead, index)
                _add_actors(v, a, KMO.contributingActor, action.contributing, index)
                v.g.add((a, KMO.startYear, Literal(action.start, datatype=XSD.integer)))
                v.g.add((a, KMO.endYear, Literal(action.end, datatype=XSD.integer)))
                for note in action.notes:
                    v.g.add((a, SKOS.note, Literal(note, lang="en")))
    return v


# --- Knowledge-object types, Aichi, SDG, CITES -----------------------------------------------------

def build_ko_types() -> Vocab:
    v = Vocab("knowledge-object-types", "Knowledge-object types",
              "Types of knowledge objects described by clearing-house records (the values of dcterms:type).",
              "kmgraph, after the record types of the CBD clearing-house and SBI recommendation 4/6")
    scheme = v.scheme("knowledge-object-types", "Knowledge-object types",
                      "Types of knowledge objects (decisions, reports, good practices, datasets, events ...).",
                      "kmgraph")
    for row in csv.DictReader((SOURCES / "knowledge-object-types.csv").open(encoding="utf-8")):
        c = v.concept(scheme, f"KO-{row['id'].upper()}", {"en": row["prefLabel"]},
                      alt=[a for a in row["altLabels"].split("|") if a], definition={"en": row["definition"]},
                      source=row["source"], types=(KMO.KnowledgeObjectType,))
        v.g.add((c, SKOS.editorialNote, Literal("Label and definition written by the kmgraph editors.", lang="en")))
    return v


def build_aichi(data: Path) -> Vocab:
    v = Vocab("aichi", "Aichi Biodiversity Targets",
              "The 5 strategic goals and 20 Aichi Biodiversity Targets of the Strategic Plan for Biodiversity 2011-2020.",
              f"{DEC_X_2}; scbd/www.cbd.int app/data/aichi-targets")
    scheme = v.scheme("aichi", "Aichi Biodiversity Targets",
                      "Strategic goals and Aichi Biodiversity Targets of the Strategic Plan for Biodiversity "
                      "2011-2020 (decision X/2).", DEC_X_2)
    goals = {}
    for goal in json.loads((data / "cbd/aichi-goals.json").read_text())["goals"]:
        letter = goal["goal"]
        goals[letter] = v.concept(scheme, f"AICHI-GOAL-{letter}", {"en": goal["text"]["en"]},
                                  alt=[goal["title"]["en"]], definition={"en": goal["text"]["en"]},
                                  source=f"{DEC_X_2}, Strategic Goal {letter}")
    for target in json.loads((data / "cbd/aichi-targets.json").read_text())["targets"]:
        n = int(target["id"])
        v.concept(scheme, f"AICHI-TARGET-{n:02d}", {"en": target["title"]["en"]},
                  definition={"en": target["action"]["en"]}, broader=goals[target["goal"]["en"]],
                  source=f"{DEC_X_2}, Aichi Biodiversity Target {n}")
    return v


def build_sdg(data: Path) -> Vocab:
    v = Vocab("sdg", "UN Sustainable Development Goals (SDG KOS)",
              "Goals, targets and indicators of the UN SDG Knowledge Organization System, reused with its "
              "own IRIs (labels in English, French and Spanish as published).",
              "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge "
              "Organization System for the United Nations Sustainable Development Goals. New York, NY. "
              "http://metadata.un.org/sdg (UNStats/LOD4Stats sdg-data, commit 0ae578ba)")
    kos = Graph().parse(data / "sdg/sdg-kos-goals-targets-indicators.ttl")
    for triple in kos:
        v.g.add(triple)
    v.g.bind("sdgo", "http://metadata.un.org/sdg/ontology#")
    v.g.add((v.node, DCTERMS.hasPart, URIRef(str(SDG)[:-1])))
    citation = Literal("UN SDG Knowledge Organization System, http://metadata.un.org/sdg (UNStats/LOD4Stats, commit 0ae578ba)")
    sdgo = "http://metadata.un.org/sdg/ontology#"
    for concept in set(kos.subjects(RDF.type, SKOS.Concept)):
        v.g.add((concept, DCTERMS.source, citation))
        code = next((str(n) for n in kos.objects(concept, SKOS.notation)
                     if str(getattr(n, "datatype", "")) == sdgo + "SDGCodeCompact"), None)
        if (concept, RDF.type, URIRef(sdgo + "Goal")) in kos:
            v.g.add((concept, SKOS.notation, Literal(f"SDG-GOAL-{code}")))
        elif (concept, RDF.type, URIRef(sdgo + "Target")) in kos:
            v.g.add((concept, SKOS.notation, Literal(f"SDG-TARGET-{code}")))
    return v


def parse_cites(seed002: str) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """Objectives of the CITES Strategic Vision in seed 002: (code, short title, full text, indicators)."""
    objectives: dict[str, list] = {}
    for line in seed002.splitlines():
        line = clean(line)
        if m := re.fullmatch(r"Objective (\d\.\d) (.+)", line):
            code, text = m.groups()
            if code not in objectives:
                objectives[code] = [text, text, []]
            else:
                objectives[code][1] = text
        elif m := re.fullmatch(r"• Indicator (\d\.\d\.\d): (.+)", line):
            objectives[m.group(1)[:3]][2].append((m.group(1), m.group(2)))
    return [(code, short, full, inds) for code, (short, full, inds) in objectives.items()]


def build_cites(seed002: str) -> Vocab:
    v = Vocab("cites", "CITES Strategic Vision 2021-2030 (objectives mapped to GBF Goal D)",
              "The objectives of the CITES Strategic Vision 2021-2030 that the CBD maps to GBF Goal D, with their indicators.",
              f"{CITES_SV}; {GOAL_D_PAGE}")
    scheme = v.scheme("cites-strategic-vision", CITES_SV,
                      "Objectives and indicators of the CITES Strategic Vision 2021-2030 mapped to GBF Goal D.", GOAL_D_PAGE)
    for code, short, full, indicators in parse_cites(seed002):
        o = v.concept(scheme, f"CITES-SV-OBJ-{code}", {"en": short}, definition={"en": full},
                      source=f"{CITES_SV}, objective {code}; {GOAL_D_PAGE}")
        for icode, text in indicators:
            i = v.concept(scheme, f"CITES-SV-IND-{icode}", {"en": text}, definition={"en": text}, broader=o,
                          types=(KMO.Indicator,), source=f"{CITES_SV}, indicator {icode}; {GOAL_D_PAGE}")
            v.g.add((i, KMO.indicatorFor, o))
            v.g.add((i, KMO.indicatorCode, Literal(icode)))
    return v


def build_countries() -> Vocab:
    import importlib.metadata

    import pycountry

    version = importlib.metadata.version("pycountry")
    source = f"ISO 3166-1 (iso-codes data shipped by pycountry {version})"
    v = Vocab("countries", "Countries and territories (ISO 3166-1)",
              "Countries and territories by their ISO 3166-1 alpha-2 code, for dcterms:spatial and country of origin.",
              source)
    scheme = v.scheme("countries", "Countries (ISO 3166-1 alpha-2)",
                      "Countries and territories of ISO 3166-1, named by their alpha-2 code.", source)
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        alt = [x for x in (getattr(country, "official_name", None), getattr(country, "common_name", None)) if x]
        c = v.concept(scheme, country.alpha_2, {"en": country.name}, alt=alt, iri=ID[f"country/{country.alpha_2}"],
                      types=(KMO.Country,), source=f"{source}, {country.alpha_2}")
        v.g.add((c, SKOS.notation, Literal(country.alpha_3)))
        v.g.add((c, SKOS.scopeNote, Literal(f"ISO 3166-1 alpha-2 {country.alpha_2}, alpha-3 {country.alpha_3}, "
                                            f"numeric {country.numeric}.", lang="en")))
    return v


def build_local_contexts() -> Vocab:
    source = "Local Contexts (localcontexts.org): label types by name and page URL; label icons and texts are not reproduced"
    v = Vocab("local-contexts-labels", "Local Contexts label types",
              "Traditional Knowledge (TK) and Biocultural (BC) label types of Local Contexts, referenced by type key "
              "and URL only: the labels' icons and texts belong to Local Contexts and the communities.", source)
    scheme = v.scheme("local-contexts-labels", "Local Contexts TK and BC label types",
                      "Label types that records may reference by key (kmo:labelType).", source)
    groups = {}
    for kind, title in (("TK", "Traditional Knowledge labels"), ("BC", "Biocultural labels")):
        groups[kind] = v.concept(scheme, f"LC-{kind}", {"en": title}, iri=ID[f"local-contexts/{kind.lower()}"],
                                 source=source, types=(KMO.LocalContextsLabelType,))
    for row in csv.DictReader((SOURCES / "local-contexts-labels.csv").open(encoding="utf-8")):
        c = v.concept(scheme, row["key"], {"en": row["prefLabel"]}, iri=ID[f"local-contexts/{row['key']}"],
                      broader=groups[row["kind"]], source=source, types=(KMO.LocalContextsLabelType,))
        v.g.add((c, RDFS.seeAlso, URIRef(row["url"])))
    return v


# --- Crosswalks ------------------------------------------------------------------------------------

def build_crosswalk_table(data: Path, seed002: str, labels: dict[str, str]) -> MappingSet:
    sameas = json.loads((data / "cbd/gbf-sameas.json").read_text())
    provider = "https://github.com/scbd/drupal-module-scbd-field-js"
    meta = {
        "mapping_set_id": "https://w3id.org/kmgraph/mappings/gbf-crosswalks.sssom.tsv",
        "mapping_set_title": "GBF crosswalks to the Aichi Biodiversity Targets, the SDGs and the CITES Strategic Vision",
        "mapping_set_description": "Coarse relations used by the CBD's own tagging widget (gbf-sameas.json) and the "
                                   "CBD GBF Goal D page. Modelled as skos:relatedMatch, never exactMatch.",
        "license": "https://opensource.org/licenses/MIT",
        "mapping_set_version": VOCAB_VERSION,
        "curie_map": {"kmid": str(ID), "sdg": str(SDG), "dcterms": str(DCTERMS)},
        # Every mapping names the text it comes from, as every concept does: an SSSOM extension slot.
        "extension_definitions": [{"slot_name": "source", "property": "dcterms:source", "type_hint": "xsd:string"}],
    }
    mset = MappingSet(meta)
    sdg_kind = {"SDG-GOAL": "", "SDG-TARGET": ""}
    for gbf in sorted(k for k in sameas if k.startswith("GBF-")):
        for other in sameas[gbf]:
            other = pad(other)
            prefix = other.rsplit("-", 1)[0]
            object_id = f"sdg:{other.rsplit('-', 1)[1]}" if prefix in sdg_kind else f"kmid:{other}"
            mset.mappings.append({
                "subject_id": f"kmid:{gbf}", "subject_label": labels.get(gbf, ""),
                "predicate_id": "skos:relatedMatch", "object_id": object_id,
                "object_label": labels.get(other, ""),
                "mapping_justification": "semapv:ManualMappingCuration",
                "mapping_provider": provider,
                "source": f"CBD tagging widget crosswalk: {sameas['_source']}",
                "comment": f"{gbf} is related to {other} in the CBD's gbf-sameas crosswalk",
            })
    goal_d = [("AICHI-GOAL-E", "kmid:AICHI-GOAL-E")] + [
        (f"CITES-SV-OBJ-{code}", f"kmid:CITES-SV-OBJ-{code}") for code, *_ in parse_cites(seed002)]
    for notation, object_id in goal_d:
        mset.mappings.append({
            "subject_id": "kmid:GBF-GOAL-D", "subject_label": labels.get("GBF-GOAL-D", ""),
            "predicate_id": "skos:relatedMatch", "object_id": object_id, "object_label": labels.get(notation, ""),
            "mapping_justification": "semapv:ManualMappingCuration",
            "mapping_provider": "https://www.cbd.int/gbf/goals/",
            "source": GOAL_D_PAGE,
            "comment": f"GBF Goal D is mapped to {notation} on the CBD GBF Goal D page",
        })
    return mset


def notation_labels(vocabs: list[Vocab]) -> dict[str, str]:
    """English label per notation; where the source has two (SDG 12.3 does), the longest, so the
    output does not depend on iteration order."""
    labels = {}
    for v in vocabs:
        for c, n in v.g.subject_objects(SKOS.notation):
            english = sorted((str(x) for x in v.g.objects(c, SKOS.prefLabel) if getattr(x, "language", None) == "en"),
                             key=lambda text: (len(text), text))
            if english:
                labels[str(n)] = english[-1]
    return labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_sources(),
                        help="folder with data/ and seeds/ (default: ../shared, else vendor/sources)")
    parser.add_argument("--out", type=Path, default=ROOT / "ontology", help="ontology folder to write into")
    args = parser.parse_args(argv)
    data, seeds = args.shared / "data", args.shared / "seeds"
    if not data.is_dir():
        print(f"error: {data} not found: the generator needs ../shared (or use vendor/sources)",
              file=sys.stderr)
        return 2
    seed000 = (seeds / "000_13c536be57f9d8fa.txt").read_text(encoding="utf-8")
    seed002 = (seeds / "002_525a627502a6d2b5.txt").read_text(encoding="utf-8")
    official = kmgbf.KmgbfData(data / "kmgbf")
    vocabs = [build_gbf(data, official), build_indicators(data, official), build_kmgbf(official), build_km(seed000), build_chm(seed000), build_actors(),
              build_ko_types(), build_aichi(data), build_sdg(data), build_cites(seed002), build_countries(),
              build_local_contexts()]
    out_dir = args.out / "vocabularies"
    out_dir.mkdir(parents=True, exist_ok=True)
    for v in vocabs:
        print(f"wrote {v.write(out_dir).relative_to(args.out.parent)} ({len(v.g)} triples)")
    table = build_crosswalk_table(data, seed002, notation_labels(vocabs))
    (args.out / "mappings").mkdir(exist_ok=True)
    table_path = args.out / "mappings" / "gbf-crosswalks.sssom.tsv"
    write_sssom(table, table_path)
    print(f"wrote {table_path.relative_to(args.out.parent)} ({len(table.mappings)} mappings)")
    crosswalks = Vocab("crosswalks", "GBF crosswalks (Aichi, SDG, CITES)",
                       "Crosswalks from GBF goals and targets to Aichi targets, SDG goals and targets and CITES "
                       "Strategic Vision objectives, generated from ontology/mappings/gbf-crosswalks.sssom.tsv.",
                       f"ontology/mappings/gbf-crosswalks.sssom.tsv; {GOAL_D_PAGE}")
    crosswalks.g += to_skos(table)
    print(f"wrote {crosswalks.write(out_dir).relative_to(args.out.parent)} ({len(crosswalks.g)} triples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
