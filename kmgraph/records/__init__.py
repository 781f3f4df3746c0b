"""Knowledge-object records: storage with history, and retrieval over a derived text index."""
