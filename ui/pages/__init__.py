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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


def _evaluations(context: AppContext) -> QWidget:
    from ui.pages.evaluations import EvaluationsPage

    return EvaluationsPage(context)


def _initiatives(context: AppContext) -> QWidget:
    from ui.pages.initiatives import InitiativesPage

    return InitiativesPage(context)


def _plan(context: AppContext) -> QWidget:
    from ui.pages.plan import PlanPage

    return PlanPage(context)


def _settings(context: AppContext) -> QWidget:
    from ui.pages.settings import SettingsPage

    return SettingsPage(context)


def _certificates(context: AppContext) -> QWidget:
    from ui.pages.certificates import CertificatesPage

    return CertificatesPage(context)


def _certificate_register(context: AppContext) -> QWidget:
    from ui.pages.certificate_register import CertificateRegisterPage

    return CertificateRegisterPage(context)


def _nominations(context: AppContext) -> QWidget:
    from ui.pages.nominations import NominationsPage

    return NominationsPage(context)


def _decisions(context: AppContext) -> QWidget:
    from ui.pages.decisions import DecisionsPage

    return DecisionsPage(context)


def _history(context: AppContext) -> QWidget:
    from ui.pages.history import HistoryPage

    return HistoryPage(context)


def _reports(context: AppContext) -> QWidget:
    from ui.pages.reports import ReportsPage

    return ReportsPage(context)


PAGES: list[PageSpec] = [
    PageSpec("overview", "Tổng quan", "overview", _overview,
             "Số liệu chính của năm: đơn vị, cán bộ, kết quả bình xét, sáng kiến, khen thưởng và kế hoạch thi đua."),
    PageSpec("units", "Đơn vị", "SP_DirIcon", _units,
             "Cây đơn vị của Sở: thêm, sửa, sắp xếp, kéo thả để đổi đơn vị cấp trên, ngừng hoạt động, xóa và khôi phục."),
    PageSpec("people", "Cán bộ", "SP_FileDialogDetailedView", _people,
             "Danh sách cán bộ, công chức, viên chức, người lao động: tìm nhanh, lọc theo đơn vị, xem và sửa hồ sơ."),
    PageSpec("evaluations", "Bình xét", "SP_FileDialogListView", _evaluations,
             "Nhập kết quả bình xét cả đơn vị bằng bàn phím; xem ngay danh hiệu mỗi người đủ điều kiện và lý do."),
    PageSpec("initiatives", "Sáng kiến", "SP_FileDialogInfoView", _initiatives,
             "Sổ sáng kiến, đề tài được công nhận: cấp, quyết định công nhận, năm, và khen thưởng đã dùng sáng kiến."),
    PageSpec("plan", "Kế hoạch & đăng ký", "SP_FileDialogStart", _plan,
             "Kế hoạch thi đua của năm (chủ đề, các đợt, chỉ tiêu) và đăng ký thi đua của tập thể, cá nhân."),
    PageSpec("nominations", "Danh sách đề nghị", "SP_FileDialogListView", _nominations,
             "Dự thảo danh sách đề nghị theo quy định; thêm, loại kèm lý do; trình Hội đồng, ghi phiếu bầu; tờ trình, biên bản."),
    PageSpec("decisions", "Quyết định", "SP_DialogApplyButton", _decisions,
             "Quyết định khen thưởng: tạo từ danh sách Hội đồng đã bình xét, hủy (kèm lý do), lập văn bản, in giấy khen."),
    PageSpec("history", "Hồ sơ thành tích", "SP_FileDialogInfoView", _history,
             "Mọi danh hiệu, khen thưởng của một người, một tập thể theo năm; ai đủ điều kiện khen cao năm nay, năm sau."),
    PageSpec("settings", "Cài đặt", "SP_FileDialogDetailedView", _settings,
             "Thông tin cơ quan, người ký, địa danh ghi ngày tháng và bộ quy định, tiêu chuẩn khen thưởng."),
    PageSpec("certificates", "Giấy khen", "SP_FileIcon", _certificates,
             "In giấy khen, giấy chứng nhận, bằng khen của một quyết định: xem trước đúng từng trang, in hoặc lưu PDF, ghi sổ vàng."),
    PageSpec("certificate_register", "Sổ vàng", "SP_DirOpenIcon", _certificate_register,
             "Mọi giấy khen đã in với số vào sổ, người in, ngày in; tìm, xuất Excel và in lại (giữ nguyên số)."),
    PageSpec("reports", "Báo cáo", "SP_FileDialogContentsView", _reports,
             "Báo cáo phong trào thi đua 6 tháng, cả năm; thống kê khen thưởng; danh sách danh hiệu liên tục (Word, Excel)."),
    PageSpec("backup", "Sao lưu", "SP_DialogSaveButton", _backup,
             "Bản sao lưu tự động và thủ công của cơ sở dữ liệu; khôi phục một bản (người quản trị)."),
    PageSpec("audit", "Nhật ký", "SP_FileDialogContentsView", _audit,
             "Ai đã thay đổi gì, khi nào, giá trị cũ và mới."),
]
