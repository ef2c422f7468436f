"""A matplotlib figure (from ``services.output.charts``) shown on a page."""
from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget


class ChartView(QWidget):
    """Holds one figure at its natural height; ``set_figure`` replaces it."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart_{key}")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: FigureCanvasQTAgg | None = None
        self.figure: Figure | None = None

    def set_figure(self, figure: Figure) -> None:
        if self.canvas is not None:
            # The old canvas stays owned by this widget until Qt deletes it on the GUI thread:
            # a canvas handed to Python (setParent(None)) could be freed by a garbage collection
            # running on a worker thread, which Qt does not allow.
            old = self.canvas
            self._layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.figure = figure
        canvas = FigureCanvasQTAgg(figure)
        height = int(figure.get_figheight() * figure.dpi)
        canvas.setMinimumHeight(height)
        canvas.setMaximumHeight(height)
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._layout.addWidget(canvas)
        self.canvas = canvas

    def texts(self) -> list[str]:
        """Every text drawn on the figure (titles, tick labels, value labels), for tests."""
        if self.figure is None:
            return []
        out = [t.get_text() for t in self.figure.texts]
        for ax in self.figure.axes:
            if not ax.get_visible():
                continue
            out.append(ax.get_title(loc="left"))
            out += [t.get_text() for t in ax.texts]
            out += [t.get_text() for t in ax.get_yticklabels()]
        return [t for t in out if t]
