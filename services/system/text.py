"""Vietnamese text: NFC normalisation, diacritics-insensitive search keys and name ordering."""
from __future__ import annotations

import unicodedata
from datetime import date
from functools import cmp_to_key, lru_cache
from typing import Iterable

from models.base import nfc

__all__ = ["nfc", "fold", "matches", "split_name", "compare_text", "name_sort_key", "name_ranks", "format_date", "long_date"]


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, for search: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())


def matches(query: str, *fields: str | None) -> bool:
    """True when every word of ``query`` occurs, folded, in one of ``fields``."""
    words = fold(query).split()
    haystack = " ".join(fold(f) for f in fields)
    return all(w in haystack for w in words)


def split_name(full_name: str) -> tuple[str, str]:
    """(given name, family and middle names) of a Vietnamese full name."""
    parts = nfc(full_name).split()
    if not parts:
        return "", ""
    return parts[-1], " ".join(parts[:-1])


@lru_cache(maxsize=1)
def _collator():
    from PySide6.QtCore import (  # QtCore only: no widgets in services
        QCollator,
        QLocale,
        Qt,
    )

    collator = QCollator(QLocale("vi_VN"))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    return collator


def compare_text(a: str, b: str) -> int:
    """Vietnamese alphabetical comparison (a < ă < â, d < đ, tones after the base letter)."""
    return _collator().compare(a, b)


def _compare_names(a: str, b: str) -> int:
    given_a, rest_a = split_name(a)
    given_b, rest_b = split_name(b)
    return compare_text(given_a, given_b) or compare_text(rest_a, rest_b)


# Sort key ordering people as Vietnamese staff lists do: given name first, then family
# and middle names, in Vietnamese alphabetical order. ``sorted(names, key=name_sort_key)``.
name_sort_key = cmp_to_key(_compare_names)


def name_ranks(full_names: Iterable[str]) -> dict[str, int]:
    """The rank of every distinct name in Vietnamese name order (equal names share a rank).

    For sorting many rows: the collator runs only over the distinct given names and
    distinct family-and-middle names, far fewer than the rows.
    """
    names = {nfc(n) for n in full_names}
    parts = {n: split_name(n) for n in names}
    collator_key = cmp_to_key(compare_text)
    given_rank = {g: i for i, g in enumerate(sorted({p[0] for p in parts.values()}, key=collator_key))}
    rest_rank = {r: i for i, r in enumerate(sorted({p[1] for p in parts.values()}, key=collator_key))}
    keyed = {n: (given_rank[g], rest_rank[r]) for n, (g, r) in parts.items()}
    distinct = sorted(set(keyed.values()))
    position = {k: i for i, k in enumerate(distinct)}
    return {n: position[k] for n, k in keyed.items()}


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(place: str, value: date) -> str:
    """The dateline of a document: "Hà Tĩnh, ngày 05 tháng 3 năm 2025".

    Nghị định 30/2020/NĐ-CP, Phụ lục I: a zero before days under 10 and before
    months 1 and 2 ("ngày 05 tháng 02"), none before the other months ("tháng 3")."""
    return f"{place}, {date_words(value)}"


def date_words(value: date) -> str:
    """"ngày 05 tháng 3 năm 2025", written as Nghị định 30/2020 writes dates (see long_date)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"
