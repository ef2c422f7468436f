"""The pages of the main window, in sidebar order.

To add a page, append one ``PageSpec`` to ``PAGES``: the window builds its sidebar,
its stack, its Ctrl+1..Ctrl+9 shortcuts and the ``screenshot`` command from this list.
A page factory takes the ``AppContext`` and returns the page's QWidget; the page reads
``context.database`` and reloads itself on ``context.database_changed``. A page may
define ``page_shown()``, called each time the user switches to it.

``icon`` is the name of an SVG in ``resources/icons/`` (without ``.svg``) or of a
``QStyle.StandardPixmap`` member (e.g. ``"SP_FileIcon"``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext


@dataclass(frozen=True)
class PageSpec:
    key: str  # stable identifier, also the screenshot file name
    label: str  # Vietnamese label in the sidebar and the page header
    icon: str
    factory: Callable[[AppContext], QWidget]
    description: str = ""  # one line under the page header


def _overview(context: AppContext) -> QWidget:
    from ui.pages.overview import OverviewPage

    return OverviewPage(context)


PAGES: list[PageSpec] = [
    PageSpec("overview", "Tổng quan", "overview", _overview,
             "Số liệu chính của năm: đơn vị, cán bộ, kết quả bình xét, sáng kiến, khen thưởng và kế hoạch thi đua."),
]
