"""The public API of ``support``: declared once, and every name resolves where the declaration says."""

from __future__ import annotations

import importlib

import pytest

import support


def test_all_is_sorted_and_matches_the_declaration() -> None:
    assert support.__all__ == sorted(support.__all__)
    assert set(support.__all__) == set(support._WHERE)
    assert len(support.__all__) > 0


@pytest.mark.parametrize("name", support.__all__)
def test_every_export_resolves_from_its_module(name: str) -> None:
    module = importlib.import_module(support._WHERE[name])
    assert getattr(support, name) is getattr(module, name)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = support.not_a_name  # type: ignore[attr-defined]
