# Moves counts in the statistics graph: each ?subject's ?property by ?delta (kmo:recordCount of a
# concept; kmo:countedRecords of the graph itself). The VALUES rows are bound by the caller, in the
# same update request as the record write they count (so no PREFIX: pyoxigraph takes none after ";").
DELETE { GRAPH <https://w3id.org/kmgraph/graph/system/statistics> { ?subject ?property ?old } }
INSERT { GRAPH <https://w3id.org/kmgraph/graph/system/statistics> { ?subject ?property ?new } }
WHERE {
  VALUES (?subject ?property ?delta) { <urn:kmgraph:param:rows> }
  OPTIONAL { GRAPH <https://w3id.org/kmgraph/graph/system/statistics> { ?subject ?property ?old } }
  BIND (COALESCE(?old, 0) + ?delta AS ?new)
}
