"""An archive closed while its update runs in another thread (#14's soak).

The window closes the archive it leaves when another is opened; an update that could
not stop in time (a long commit) goes on in the background. It used to take in its
batches through the closed reader: "Reader already closed", logged as a damaged index,
and the entity phase given up with "cannot be read. Rebuild it".
"""

from __future__ import annotations

from pathlib import Path

from search.api import Archive
from search.model import IndexProgress


def test_an_update_whose_archive_was_closed_meanwhile_finishes_without_errors(
    sample_copy: Path,
) -> None:
    archive = Archive.open(sample_copy)
    archive.update(entities=False)  # a reader with segments to close
    (sample_copy / "new.txt").write_text("Kazakhstan and Vietnam\nTrade grew.\n", "utf-8")

    def close_once_written(progress: IndexProgress) -> None:
        if progress.phase == "writing":
            archive.close()  # what the window does when another archive is opened

    report = archive.update(progress=close_once_written, entities=False)
    assert report.added == 1
    assert report.notes == []
    with Archive.open(sample_copy) as again:  # what it committed is there
        assert len(again) == 6


def test_closing_twice_and_refreshing_a_closed_archive_do_nothing(sample_copy: Path) -> None:
    archive = Archive.open(sample_copy)
    archive.close()
    archive.close()
    archive.refresh()
