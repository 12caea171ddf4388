"""Archive Browser's search engine: ingest, entities, Whoosh index and queries. No Qt here."""

__version__ = "0.1.0"
