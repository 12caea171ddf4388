"""PyInstaller hook for spaCy, in place of pyinstaller-hooks-contrib's (hookspath wins).

Like the contrib hook: every submodule (importing them registers spaCy's functions in its
catalogue registries) and the data files. Unlike it: without the submodules that
archive-browser.spec leaves out, ``hooksconfig={"spacy": {"leave_out": [...]}}`` (its tests,
the languages the English pipeline does not import), so the build does not warn about each
of their 650 modules being excluded.
"""

from __future__ import annotations

from typing import Any

from PyInstaller.utils.hooks import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
    collect_data_files,
    collect_submodules,
    get_hook_config,
)

PACKAGE = "spacy"


def hook(hook_api: Any) -> None:
    leave_out = tuple(get_hook_config(hook_api, PACKAGE, "leave_out") or ())

    def keep(name: str) -> bool:
        return not any(name == out or name.startswith(out + ".") for out in leave_out)

    hook_api.add_imports(*collect_submodules(PACKAGE, filter=keep))
    hook_api.add_datas(collect_data_files(PACKAGE))
