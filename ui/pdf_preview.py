"""A page view for PDF documents: the pages rendered to images by PDFium (pypdfium2),
one under the other in a scroll area, with zoom and page navigation.

Pages are rendered on demand (only those in view) on a worker thread and kept in a
small cache, so a decision of 400 certificates previews as fast as one of 4. PDFium is
not thread-safe: every call into it goes through ``PDFIUM_LOCK``.
"""
from __future__ import annotations

import atexit
import threading
import weakref
from collections import OrderedDict

import pypdfium2 as pdfium  # imported before the atexit hook below, so that hook runs first
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.worker import run_in_background

PDFIUM_LOCK = threading.Lock()
PAGE_GAP = 14  # px between pages and around them
CACHE_PAGES = 16
ZOOMS = [("Vừa chiều rộng", "width"), ("Vừa trang", "page"), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0),
         ("125%", 1.25), ("150%", 1.5), ("200%", 2.0)]
SCREEN_DPI = 96.0


# Documents still open; closed at exit so PDFium does not complain about leftovers.
_OPEN_DOCUMENTS: weakref.WeakSet[PdfPages] = weakref.WeakSet()


@atexit.register
def _close_open_documents() -> None:
    for pages in list(_OPEN_DOCUMENTS):
        pages.close()


class PdfPages:
    """A PDF held in memory: its page sizes (points) and page images on request."""

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        with PDFIUM_LOCK:
            self._doc = pdfium.PdfDocument(self.data)
            self.sizes = [self._doc.get_page_size(i) for i in range(len(self._doc))]
        _OPEN_DOCUMENTS.add(self)

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, width_px: int) -> QImage:
        """Page ``index`` as an opaque image ``width_px`` wide (any thread)."""
        w_pt, _ = self.sizes[index]
        return self.render_at(index, 72.0 * max(1, width_px) / w_pt)

    def render_at(self, index: int, dpi: float) -> QImage:
        """Page ``index`` at ``dpi`` (any thread)."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=dpi / 72.0, prefer_bgrx=True)
                try:
                    # BGRx bytes are QImage's RGB32 on little-endian machines (Windows, x86, ARM).
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGB32).copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
        return image

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()
        _OPEN_DOCUMENTS.discard(self)


class _PageStrip(QWidget):
    """The pages one under the other; paints cached images, asks for missing ones."""

    def __init__(self, view: PdfPreview) -> None:
        super().__init__()
        self.view = view
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumSize(100, 100)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#8a949f"))
        view = self.view
        if view.pages is None:
            painter.setPen(QColor("white"))
            painter.drawText(self.rect().adjusted(20, 20, -20, -20),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, view.message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for index, rect in view.page_rects_in(event.rect()):
            painter.fillRect(rect.translated(3, 3), QColor(0, 0, 0, 60))
            image = view.cached_image(index, rect.width())
            if image is not None:
                painter.drawImage(rect, image)
            else:
                painter.fillRect(rect, QColor("white"))
                painter.setPen(QColor("#7a8594"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"Đang dựng trang {index + 1}…")
            painter.setPen(QPen(QColor("#5b6777"), 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))


class PdfPreview(QWidget):
    """Toolbar (pages, zoom) over a scrollable view of every page."""

    current_page_changed = Signal(int)  # 0-based

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.message = "Chưa có trang nào để xem."
        self._cache: OrderedDict[int, QImage] = OrderedDict()
        self._pending: set[tuple[int, int]] = set()
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        self.first_button = self._tool("«", "Trang đầu", lambda: self.go_to(0))
        self.prev_button = self._tool("‹", "Trang trước (Ctrl+Page Up)", lambda: self.go_to(self.current_page() - 1))
        self.page_spin = QSpinBox()
        self.page_spin.setRange(0, 0)
        self.page_spin.setToolTip("Số trang đang xem; gõ số rồi Enter để đến trang đó")
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(lambda v: self.go_to(v - 1) if v >= 1 else None)
        self.count_label = QLabel("/ 0")
        self.next_button = self._tool("›", "Trang sau (Ctrl+Page Down)", lambda: self.go_to(self.current_page() + 1))
        self.last_button = self._tool("»", "Trang cuối", lambda: self.go_to(self.page_count() - 1))
        self.zoom_out_button = self._tool("−", "Thu nhỏ", lambda: self._step_zoom(-1))
        self.zoom = QComboBox()
        for label, value in ZOOMS:
            self.zoom.addItem(label, value)
        self.zoom.setToolTip("Tỷ lệ xem (100% = kích thước thật trên màn hình)")
        self.zoom.currentIndexChanged.connect(lambda _i: self._relayout())
        self.zoom_in_button = self._tool("+", "Phóng to", lambda: self._step_zoom(1))
        bar.addWidget(QLabel("Trang"))
        for w in (self.first_button, self.prev_button, self.page_spin, self.count_label, self.next_button,
                  self.last_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(QLabel("Tỷ lệ"))
        for w in (self.zoom_out_button, self.zoom, self.zoom_in_button):
            bar.addWidget(w)
        layout.addLayout(bar)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(False)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.strip = _PageStrip(self)
        self.scroll.setWidget(self.strip)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)
        layout.addWidget(self.scroll, 1)
        self._rects: list[QRect] = []
        # The open document, closed with the widget (PDFium holds memory outside Python).
        holder = self._holder = [None]
        self.destroyed.connect(lambda *_: holder[0] is not None and holder[0].close())
        self._update_controls()

    def _tool(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # Document --------------------------------------------------------------------------

    def set_document(self, data: bytes | PdfPages | None, message: str = "",
                     first_image: QImage | None = None) -> None:
        """Show ``data`` (PDF bytes or an opened ``PdfPages``), or ``message`` when None."""
        old = self.pages
        self._generation += 1
        self._cache.clear()
        self._pending.clear()
        self.pages = data if isinstance(data, PdfPages) or data is None else PdfPages(data)
        if old is not None and old is not self.pages:
            old.close()
        self._holder[0] = self.pages
        if first_image is not None and self.pages is not None and len(self.pages):
            self._cache[0] = first_image
        self.message = message or "Chưa có trang nào để xem."
        self._relayout()
        self.scroll.verticalScrollBar().setValue(0)
        self._update_controls()

    def clear(self, message: str) -> None:
        self.set_document(None, message)

    def page_count(self) -> int:
        return 0 if self.pages is None else len(self.pages)

    def current_page(self) -> int:
        """The page at the top of the view (0-based; -1 without a document)."""
        if not self._rects:
            return -1
        top = self.scroll.verticalScrollBar().value() + self.scroll.viewport().height() // 3
        for i, rect in enumerate(self._rects):
            if rect.bottom() + PAGE_GAP >= top:
                return i
        return len(self._rects) - 1

    def go_to(self, index: int) -> None:
        if not self._rects:
            return
        index = max(0, min(index, len(self._rects) - 1))
        self.scroll.verticalScrollBar().setValue(self._rects[index].top() - PAGE_GAP)
        self._update_controls(index)

    # Zoom and geometry -------------------------------------------------------------------

    def zoom_value(self) -> str | float:
        return self.zoom.currentData()

    def set_zoom(self, value: str | float) -> None:
        index = self.zoom.findData(value)
        if index >= 0:
            self.zoom.setCurrentIndex(index)

    def _step_zoom(self, step: int) -> None:
        fixed = [i for i, (_, v) in enumerate(ZOOMS) if not isinstance(v, str)]
        current = self.zoom.currentIndex()
        if current not in fixed:
            scale = self._scale()
            current = min(fixed, key=lambda i: abs(ZOOMS[i][1] - scale))  # type: ignore[operator]
        pos = fixed.index(current) + step
        self.zoom.setCurrentIndex(fixed[max(0, min(pos, len(fixed) - 1))])

    def _scale(self) -> float:
        """Screen pixels per PDF point."""
        if self.pages is None or not len(self.pages):
            return 1.0
        value = self.zoom.currentData()
        viewport = self.scroll.viewport().size()
        widest = max(w for w, _ in self.pages.sizes)
        tallest = max(h for _, h in self.pages.sizes)
        by_width = max(0.05, (viewport.width() - 2 * PAGE_GAP) / widest)
        if value == "width":
            return by_width
        if value == "page":
            return max(0.05, min(by_width, (viewport.height() - 2 * PAGE_GAP) / tallest))
        return float(value) * SCREEN_DPI / 72.0

    def _relayout(self) -> None:
        keep = self.current_page()
        self._rects = []
        if self.pages is None or not len(self.pages):
            self.strip.resize(max(100, self.scroll.viewport().width()), max(100, self.scroll.viewport().height()))
            self.strip.update()
            return
        scale = self._scale()
        widths = [round(w * scale) for w, _ in self.pages.sizes]
        total_w = max(self.scroll.viewport().width(), max(widths) + 2 * PAGE_GAP)
        y = PAGE_GAP
        for (_w_pt, h_pt), w in zip(self.pages.sizes, widths):
            h = round(h_pt * scale)
            self._rects.append(QRect((total_w - w) // 2, y, w, h))
            y += h + PAGE_GAP
        self.strip.resize(total_w, y)
        self.strip.update()
        if keep > 0:
            self.go_to(keep)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        if isinstance(self.zoom.currentData(), str):
            self._relayout()

    def page_rects_in(self, area: QRect) -> list[tuple[int, QRect]]:
        return [(i, r) for i, r in enumerate(self._rects) if r.intersects(area)]

    def page_rect(self, index: int) -> QRect:
        return self._rects[index]

    # Rendering ---------------------------------------------------------------------------

    def cached_image(self, index: int, width_px: int) -> QImage | None:
        """The best image of a page for now; asks for a sharper one when it is too coarse."""
        image = self._cache.get(index)
        if image is not None:
            self._cache.move_to_end(index)
        if image is None or abs(image.width() - width_px) > max(2, width_px * 0.1):
            self._request(index, width_px)
        return image

    def _request(self, index: int, width_px: int) -> None:
        key = (index, width_px)
        if key in self._pending or self.pages is None:
            return
        self._pending.add(key)
        pages, generation = self.pages, self._generation

        def done(image: QImage) -> None:
            self._pending.discard(key)
            if generation != self._generation:
                return
            self._cache[index] = image
            self._cache.move_to_end(index)
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
            self.strip.update(self._rects[index] if index < len(self._rects) else self.strip.rect())

        def failed(exc: BaseException) -> None:
            self._pending.discard(key)

        run_in_background(pages.render, index, width_px, on_success=done, on_error=failed, parent=self)

    def _scrolled(self, _value: int) -> None:
        self._update_controls()

    def _update_controls(self, current: int | None = None) -> None:
        count = self.page_count()
        current = self.current_page() if current is None else current
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1 if count else 0, count)
        self.page_spin.setValue(current + 1 if count else 0)
        self.page_spin.blockSignals(False)
        self.count_label.setText(f"/ {count}")
        for button in (self.first_button, self.prev_button):
            button.setEnabled(count > 0 and current > 0)
        for button in (self.next_button, self.last_button):
            button.setEnabled(count > 0 and current < count - 1)
        self.page_spin.setEnabled(count > 1)
        self.current_page_changed.emit(current)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.key() == Qt.Key.Key_PageDown and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.go_to(self.current_page() + 1)
        elif event.key() == Qt.Key.Key_PageUp and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.go_to(self.current_page() - 1)
        else:
            super().keyPressEvent(event)
