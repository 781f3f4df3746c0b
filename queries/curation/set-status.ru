# Set the status of one version (<urn:kmgraph:param:version>) to "STATUS"; with "current" the
# vocabulary's current pointer moves to it and the previous current version becomes superseded.
# (Full IRIs, no PREFIX: this request is appended to others with ';'.)
DELETE { GRAPH <https://w3id.org/kmgraph/graph/system/vocabularies> {
  ?version <https://w3id.org/kmgraph/ontology#versionStatus> ?old .
  ?vocab <https://w3id.org/kmgraph/ontology#currentVersion> ?previous . ?previous <https://w3id.org/kmgraph/ontology#versionStatus> ?previousStatus } }
INSERT { GRAPH <https://w3id.org/kmgraph/graph/system/vocabularies> {
  ?version <https://w3id.org/kmgraph/ontology#versionStatus> ?status .
  ?vocab <https://w3id.org/kmgraph/ontology#currentVersion> ?newCurrent . ?previous <https://w3id.org/kmgraph/ontology#versionStatus> ?superseded } }
WHERE { GRAPH <https://w3id.org/kmgraph/graph/system/vocabularies> {
  VALUES (?version ?status) { (<urn:kmgraph:param:version> "STATUS") }
  ?version <https://w3id.org/kmgraph/ontology#versionStatus> ?old ; <https://w3id.org/kmgraph/ontology#ofVocabulary> ?vocab .
  OPTIONAL { FILTER (?status = "current")
             ?vocab <https://w3id.org/kmgraph/ontology#currentVersion> ?previous . ?previous <https://w3id.org/kmgraph/ontology#versionStatus> ?previousStatus
             FILTER (?previous != ?version) }
  BIND (IF(?status = "current", ?version, ?unbound) AS ?newCurrent)
  BIND (IF(BOUND(?previous), "superseded", ?unbound) AS ?superseded)
} }
