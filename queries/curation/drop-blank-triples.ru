# Remove the triples with blank nodes from a vocabulary graph (<urn:kmgraph:param:graph>) before
# its new content is inserted: blank nodes have no identity across loads, so they are replaced whole.
DELETE { GRAPH <urn:kmgraph:param:graph> { ?s ?p ?o } }
WHERE { GRAPH <urn:kmgraph:param:graph> { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) } }
