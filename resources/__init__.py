"""Files shipped with the app: icons, stylesheets and the sample archive."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(name: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``resource_path("icons/app.svg")``.

    Goes through importlib.resources so it works from a source tree, a wheel and
    a PyInstaller bundle alike (all of which unpack resources to real files).
    """
    return Path(str(files(__package__ or "resources").joinpath(name)))
