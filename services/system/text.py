"""Vietnamese text: NFC normalisation, diacritics-insensitive search keys and name ordering."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from models.base import nfc

__all__ = ["nfc", "fold", "matches", "split_name", "compare_text", "text_key", "name_sort_key", "name_ranks", "format_date", "long_date"]


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


# Vietnamese alphabetical order (the order of Vietnamese dictionaries and staff lists):
# a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z (foreign names) in
# their Latin places; a letter's tone is a smaller difference, looked at only when the letters
# are the same all along: no tone, huyền, hỏi, ngã, sắc, nặng. Case is ignored. Runs of digits
# compare as numbers ("Tổ 2" before "Tổ 10"); spaces and punctuation come before digits,
# digits before letters.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# A mark that makes a letter of its own (ă â ê ô ơ ư), as opposed to a tone mark.
_OWN_LETTER = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô",
               ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_PUNCT, _DIGITS, _LETTER, _OTHER = 0, 1, 2, 3

TextKey = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, ...], ...]]


@lru_cache(maxsize=65536)
def text_key(text: str) -> TextKey:
    """A sort key putting text in Vietnamese alphabetical order, case ignored (see above):
    ``sorted(words, key=text_key)``: "Dũng" < "Đào" (d before đ), "Anh" < "Ánh" (same
    letters: the tone decides) < "Ân" (a before â)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    primary: list[tuple[int, int]] = []
    secondary: list[tuple[int, ...]] = []
    i, n = 0, len(decomposed)
    while i < n:
        ch = decomposed[i]
        if ch.isdigit():
            j = i
            while j < n and decomposed[j].isdigit():
                j += 1
            primary.append((_DIGITS, int("".join(str(unicodedata.digit(c, 0)) for c in decomposed[i:j]))))
            secondary.append((0,))
            i = j
            continue
        j = i + 1
        marks = []
        while j < n and unicodedata.category(decomposed[j]) == "Mn":
            marks.append(decomposed[j])
            j += 1
        i = j
        letter, tone, others = ch, 0, []
        for m in marks:
            own = _OWN_LETTER.get((letter, m))
            if own is not None:
                letter = own
            elif m in _TONE_RANK and not tone:
                tone = _TONE_RANK[m]
            else:
                others.append(ord(m))
        rank = _LETTER_RANK.get(letter)
        if rank is not None:
            primary.append((_LETTER, rank))
        elif ch.isalpha():
            primary.append((_OTHER, ord(letter)))
        else:
            primary.append((_PUNCT, ord(letter)))
        secondary.append((tone, *others))
    return tuple(primary), tuple(secondary)


def compare_text(a: str, b: str) -> int:
    """Vietnamese alphabetical comparison (a < ă < â, d < đ, tones after the base letter):
    negative, zero or positive, as ``text_key`` orders ``a`` and ``b``."""
    ka, kb = text_key(nfc(a)), text_key(nfc(b))
    return (ka > kb) - (ka < kb)


def name_sort_key(full_name: str) -> tuple[TextKey, TextKey]:
    """Sort key ordering people as Vietnamese staff lists do: given name first, then family
    and middle names, in Vietnamese alphabetical order. ``sorted(names, key=name_sort_key)``."""
    given, rest = split_name(full_name)
    return text_key(given), text_key(rest)


def name_ranks(full_names: Iterable[str]) -> dict[str, int]:
    """The rank of every distinct name in Vietnamese name order (equal names share a rank)."""
    keyed = {n: name_sort_key(n) for n in {nfc(n) for n in full_names}}
    position = {k: i for i, k in enumerate(sorted(set(keyed.values())))}
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
