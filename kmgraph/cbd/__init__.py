"""The CBD clearing-house's own formats: KM documents, the validation report, the thesaurus API."""
