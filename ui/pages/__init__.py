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


def _units(context: AppContext) -> QWidget:
    from ui.pages.units import UnitsPage

    return UnitsPage(context)


def _people(context: AppContext) -> QWidget:
    from ui.pages.people import PeoplePage

    return PeoplePage(context)


def _backup(context: AppContext) -> QWidget:
    from ui.pages.backup import BackupPage

    return BackupPage(context)


def _audit(context: AppContext) -> QWidget:
    from ui.pages.audit import AuditPage

    return AuditPage(context)


PAGES: list[PageSpec] = [
    PageSpec("overview", "Tổng quan", "overview", _overview,
             "Số liệu chính của năm: đơn vị, cán bộ, kết quả bình xét, sáng kiến, khen thưởng và kế hoạch thi đua."),
    PageSpec("units", "Đơn vị", "SP_DirIcon", _units,
             "Cây đơn vị của Sở: thêm, sửa, sắp xếp, kéo thả để đổi đơn vị cấp trên, ngừng hoạt động, xóa và khôi phục."),
    PageSpec("people", "Cán bộ", "SP_FileDialogDetailedView", _people,
             "Danh sách cán bộ, công chức, viên chức, người lao động: tìm nhanh, lọc theo đơn vị, xem và sửa hồ sơ."),
    PageSpec("backup", "Sao lưu", "SP_DialogSaveButton", _backup,
             "Bản sao lưu tự động và thủ công của cơ sở dữ liệu; khôi phục một bản (người quản trị)."),
    PageSpec("audit", "Nhật ký", "SP_FileDialogContentsView", _audit,
             "Ai đã thay đổi gì, khi nào, giá trị cũ và mới."),
]
