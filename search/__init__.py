"""Archive Browser's search engine: ingest, entities, Whoosh index and queries. No Qt here."""

import sys as _sys

__version__ = "0.1.0"

LOGGER = "archive_browser.engine"
"""The engine's loggers are children of this one (``archive_browser.engine.index``, ...), in
the one ``archive_browser.*`` tree with the app's and the command line's. It passes warnings
and up: the app's log file gets the engine's warnings, not its chatter (``archive-search -v``
lowers it for one command). Its level is set here when the logging module is already loaded
(the app's set-up imports it first), and by search.model, which every use of the engine
imports; this package does not import logging itself, so that the query client
(search/cli_client.py) starts without it (with re, enum and traceback, a third of its
start-up)."""

if "logging" in _sys.modules:
    _logging = _sys.modules["logging"]
    _logging.getLogger(LOGGER).setLevel(_logging.WARNING)
