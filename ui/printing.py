"""Printing a PDF through the system print dialog at true size.

Qt has no PDF printing of its own here (no QtPdf), so each page is rendered by PDFium at
the printer's resolution and painted onto the printer page from the paper's corner
(``setFullPage(True)``) at exactly the PDF page's size: a field placed 20 mm from the
edge in the PDF lands 20 mm from the edge of the paper. The overlay calibration offset
is already in the PDF, so nothing is moved here. Scaling in the driver ("Fit to page")
must be off, as the test page says.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy.orm import Session

from models.db import Database
from services.output.certificates import IssueResult, undo_issue
from ui.pdf_preview import PdfPages

MM_PER_PT = 25.4 / 72.0
# Above this, page images get huge (A3 at 1200 dpi is 280 MB) for no visible gain.
MAX_PRINT_DPI = 600


class PrintError(RuntimeError):
    """The printer refused the job; the message (Vietnamese) says what to do."""


def printer_names() -> list[str]:
    """The printers installed on this computer, the default one first."""
    names = list(QPrinterInfo.availablePrinterNames())
    default = QPrinterInfo.defaultPrinterName()
    if default in names:
        names.remove(default)
        names.insert(0, default)
    return names


def page_layout_for(width_pt: float, height_pt: float) -> QPageLayout:
    """A zero-margin page layout of the PDF page's size and orientation (A4, A3... when it matches)."""
    short, long_ = sorted((width_pt * MM_PER_PT, height_pt * MM_PER_PT))
    size = QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width_pt > height_pt else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def new_printer(sizes: list[tuple[float, float]] | PdfPages, printer_name: str = "", title: str = "") -> QPrinter:
    """A printer set up for pages of ``sizes`` (points): paper of the first page, full page,
    high resolution, ``printer_name`` chosen when it is installed."""
    sizes = sizes.sizes if isinstance(sizes, PdfPages) else sizes
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if printer_name and printer_name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(printer_name)
    printer.setFullPage(True)
    if sizes:
        printer.setPageLayout(page_layout_for(*sizes[0]))
    if title:
        printer.setDocName(title)
    return printer


def run_print_dialog(parent: QWidget | None, printer: QPrinter, title: str = "In") -> bool:
    """The system print dialog; True when the user pressed Print. (Tests replace this.)"""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, False)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_printer(parent: QWidget | None, sizes: list[tuple[float, float]] | PdfPages, printer_name: str = "",
                title: str = "In") -> QPrinter | None:
    """A printer for pages of ``sizes`` chosen in the system print dialog; None when cancelled."""
    printer = new_printer(sizes, printer_name, title)
    if not run_print_dialog(parent, printer, title):
        return None
    printer.setFullPage(True)
    return printer


def chosen_printer_name(printer: QPrinter) -> str:
    """The name of the printer a job goes to ("" when printing to a PDF file)."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return ""
    return printer.printerName()


def print_pages(printer: QPrinter, pages: PdfPages,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Paint every page on ``printer`` at true size; returns the number of pages printed.

    Any thread (Qt paints on QPrinter outside the GUI thread). Raises ``PrintError``.
    """
    count = len(pages)
    if count == 0:
        raise PrintError("Không có trang nào để in.")
    printer.setFullPage(True)
    current = pages.sizes[0]
    printer.setPageLayout(page_layout_for(*current))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("Máy in không nhận lệnh in (máy in tắt, hết giấy, đang lỗi hoặc tệp in không ghi được). "
                         "Hãy kiểm tra máy in rồi in lại.")
    try:
        for index in range(count):
            if progress is not None:
                progress(index, count)
            size = pages.sizes[index]
            if index:
                if size != current:
                    printer.setPageLayout(page_layout_for(*size))
                    current = size
                if not printer.newPage():
                    raise PrintError(f"Máy in dừng ở trang {index + 1}/{count}. Hãy kiểm tra máy in rồi in lại.")
            dpi_x, dpi_y = printer.logicalDpiX(), printer.logicalDpiY()
            dpi = min(float(max(dpi_x, dpi_y)), MAX_PRINT_DPI)
            image = pages.render_at(index, dpi)
            w_pt, h_pt = size
            target = QRectF(0.0, 0.0, w_pt / 72.0 * dpi_x, h_pt / 72.0 * dpi_y)
            painter.drawImage(target, image)
        if progress is not None:
            progress(count, count)
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintError("Máy in báo lỗi khi nhận các trang. Hãy kiểm tra máy in rồi in lại.")
    return count


def print_and_record(progress, database: Database, printer: QPrinter,
                     issue: Callable[[Session, io.BytesIO], IssueResult], what: str) -> IssueResult:
    """Record certificates with ``issue`` (which writes their PDF into the buffer it is
    given), then send the pages to ``printer``. If the printer refuses the job, the
    register entries just made are taken back. Runs on a worker thread."""
    progress.update(0, None, what)
    buffer = io.BytesIO()
    with database.session() as s:
        result = issue(s, buffer)
    pages = PdfPages(buffer.getvalue())
    try:
        print_pages(printer, pages, lambda done, total: progress.update(
            done, total, f"Đang gửi trang {min(done + 1, total)}/{total} tới máy in…"))
    except Exception:
        with database.session() as s:
            undo_issue(s, [c.record_id for c in result.certificates])
        raise
    finally:
        pages.close()
    return result
