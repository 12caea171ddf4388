"""Archive Browser's search engine: ingest, entities, Whoosh index and queries. No Qt here."""

__version__ = "0.1.0"

LOGGER = "archive_browser.engine"
"""The engine's loggers are children of this one (``archive_browser.engine.index``, ...), in
the one ``archive_browser.*`` tree with the app's and the command line's. It passes warnings
and up: the app's log file gets the engine's warnings, not its chatter (``archive-search -v``
lowers it for one command). Its level is set by search.model, which every use of the engine
imports; not here, so that the query client (search/cli_client.py) starts without the
logging module (with re, enum and traceback, a third of its start-up)."""
