"""Errors a user can cause or fix. ``str(error)`` is a message for people.

The CLI prints it and exits non-zero; the GUI shows it in a dialog or the
status bar. Anything else that escapes is a bug.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: something about the archive, index or request a user can act on."""


class ArchiveClosed(ArchiveError):
    """The archive was closed (another was opened in its place); open it again to read it."""


class ArchiveNotFound(ArchiveError):
    """The archive folder does not exist or cannot be read."""


class ArticleNotFound(ArchiveError):
    """No article with that id is in the index."""


class BadRequest(ArchiveError):
    """A search or command argument cannot be understood (e.g. a bad date)."""


class IndexLocked(ArchiveError):
    """Another process is writing the index right now."""


class IndexDamaged(ArchiveError):
    """The index on disk cannot be read; rebuilding it fixes this."""


class IndexWriteFailed(ArchiveError):
    """Writing the index failed (disk full, permissions); the previous index is kept."""


class IndexFolderUnusable(ArchiveError):
    """The index folder cannot be created or used (a file in its place, no permission)."""


class IndexInUse(ArchiveError):
    """The index folder already holds the index of another archive folder."""


class EntityStoreDamaged(IndexDamaged):
    """The entity store beside the index (``entities.sqlite``) cannot be read or is not ours."""


class BadCorrection(ArchiveError):
    """A correction that names no entity of the archive, or a file of corrections not ours."""


class UnknownEntity(ArchiveError):
    """No entity of that type and name in the archive (an entity page asked for)."""


class ClusterError(ArchiveError):
    """A shared archive's cluster cannot be started, reached or stopped (``searchd``
    missing, a node down, a folder that holds no cluster)."""
