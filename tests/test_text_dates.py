"""Datelines as Nghị định 30/2020 writes them: a zero before days under 10 and months 1-2 only."""
from __future__ import annotations

from datetime import date

import pytest

from services.system.text import date_words, long_date


@pytest.mark.parametrize(("value", "expected"), [
    (date(2025, 3, 5), "Hà Tĩnh, ngày 05 tháng 3 năm 2025"),
    (date(2024, 12, 20), "Hà Tĩnh, ngày 20 tháng 12 năm 2024"),
    (date(2025, 1, 9), "Hà Tĩnh, ngày 09 tháng 01 năm 2025"),
    (date(2025, 2, 28), "Hà Tĩnh, ngày 28 tháng 02 năm 2025"),
    (date(2025, 10, 1), "Hà Tĩnh, ngày 01 tháng 10 năm 2025"),
])
def test_dateline(value: date, expected: str) -> None:
    assert long_date("Hà Tĩnh", value) == expected


def test_date_words_without_place() -> None:
    assert date_words(date(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
