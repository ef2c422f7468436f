"""Vietnamese alphabetical order and name order, in pure Python (no Qt): the order of
Vietnamese dictionaries and staff lists."""
from __future__ import annotations

import random

import pytest

from services.system.text import compare_text, name_ranks, name_sort_key, text_key


def test_alphabet_order_of_letters_with_their_own_marks() -> None:
    letters = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()
    shuffled = letters[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=text_key) == letters
    assert sorted(["Đào", "Dũng", "Duy", "Đặng"], key=text_key) == ["Dũng", "Duy", "Đào", "Đặng"]
    assert sorted(["Ơn", "Ông", "Oanh"], key=text_key) == ["Oanh", "Ông", "Ơn"]
    assert sorted(["Ưng", "Uyên", "Út"], key=text_key) == ["Út", "Uyên", "Ưng"]


def test_tone_decides_only_between_the_same_letters() -> None:
    # No tone, huyền, hỏi, ngã, sắc, nặng.
    assert sorted(["má", "mạ", "mà", "mã", "ma", "mả"], key=text_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # A letter difference later in the word beats a tone difference earlier.
    assert sorted(["Ánh", "Anh", "Ân", "Ấn", "Âu", "Anh Thư"], key=text_key) == ["Anh", "Ánh", "Anh Thư", "Ân", "Ấn", "Âu"]
    assert compare_text("Hòa", "Hoàng") < 0 and compare_text("Hoàng", "Hòa") > 0


def test_case_and_normalisation_are_ignored() -> None:
    assert compare_text("nguyễn", "NGUYỄN") == 0
    decomposed = "Nguye\u0302\u0303n"  # NFD "Nguyễn"
    assert compare_text(decomposed, "Nguyễn") == 0
    assert name_sort_key("an") == name_sort_key("An")


def test_numbers_compare_as_numbers_and_spaces_come_first() -> None:
    assert sorted(["Tổ 10", "Tổ 2", "Tổ 1"], key=text_key) == ["Tổ 1", "Tổ 2", "Tổ 10"]
    assert sorted(["Phòng Kế hoạch", "Phòng", "Phòng 3"], key=text_key) == ["Phòng", "Phòng 3", "Phòng Kế hoạch"]


def test_names_sort_by_given_name_then_family_and_middle_names() -> None:
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Đức Anh", "Nguyễn Văn An", "Phạm Thị Đào", "Đỗ Minh Dũng"]
    assert sorted(names, key=name_sort_key) == [
        "Nguyễn Thị An", "Nguyễn Văn An", "Lê Đức Anh", "Trần Văn Bình", "Đỗ Minh Dũng", "Phạm Thị Đào"]
    ranks = name_ranks(names + ["nguyễn thị an"])
    assert ranks["Nguyễn Thị An"] == ranks["nguyễn thị an"] == 0
    assert ranks["Phạm Thị Đào"] == max(ranks.values())


@pytest.mark.parametrize("words", [
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split(),
    "An Ánh Anh Ân Ấn Bảo Bích Chi Cúc Dũng Duy Đạt Đào Giang Hà Hạnh Hải Hằng Hương Hưng Khánh Lan Liên".split(),
])
def test_same_order_as_the_icu_collator(words: list[str]) -> None:
    """The order Qt's collator (ICU, vi_VN, case-insensitive, numeric) gives, which the app
    used before: the pure-Python key changes no list's order."""
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale, Qt

    collator = QCollator(QLocale("vi_VN"))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    assert sorted(words, key=text_key) == sorted(words, key=cmp_to_key(collator.compare))
