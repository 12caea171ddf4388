"""Random names, folder shapes and index damage: no exception, no hang, nothing lost.

The cases are bench/fault_cases.py's (``python -m bench.fault_cases`` runs
thousands); here hypothesis draws them, bounded for CI.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fault_cases import KINDS, build_template, damage_case, names_case, shape_case

HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

name_bytes = st.binary(min_size=1, max_size=40).filter(
    lambda b: b"/" not in b and b"\x00" not in b and not b.startswith(b".")
)


@settings(max_examples=250, deadline=None, suppress_health_check=HEALTH)
@given(names=st.lists(name_bytes, min_size=1, max_size=4, unique=True))
def test_any_file_names_are_indexed_and_found(
    tmp_path_factory: pytest.TempPathFactory, names: list[bytes]
) -> None:
    assert names_case(tmp_path_factory.mktemp("names"), names) == "handled"


@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
@given(
    shape=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 3)), min_size=1, max_size=12)
)
def test_any_folder_shape_indexes_every_reachable_article(
    tmp_path_factory: pytest.TempPathFactory, shape: list[tuple[str, int]]
) -> None:
    assert shape_case(tmp_path_factory.mktemp("shape"), shape) == "handled"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_template(tmp_path_factory.mktemp("template"))


@settings(max_examples=120, deadline=None, suppress_health_check=HEALTH)
@given(seed=st.integers(0, 2**32 - 1))
def test_any_damage_to_the_index_is_answered_or_detected_and_rebuilt(
    tmp_path_factory: pytest.TempPathFactory, built: tuple[Path, Path], seed: int
) -> None:
    root, template = built
    work = tmp_path_factory.mktemp("damaged")
    assert damage_case(root, template, work, random.Random(seed)) != "lost"
