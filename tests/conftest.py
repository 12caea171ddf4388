"""Fixtures for every test: no warm query servers unless a test asks for them."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_query_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``archive-search query`` run as a process answers in that process, as before the
    query server (search/cli_server.py); tests/search/test_query_server.py turns it on."""
    monkeypatch.setenv("ARCHIVE_SEARCH_SERVER", "0")
