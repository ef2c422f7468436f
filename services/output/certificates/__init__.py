"""Certificates (giấy khen, giấy chứng nhận, bằng khen) as PDF, and their register (sổ vàng).

Layouts are data: one JSON file per certificate type in ``resources/certificates/``
(a file of the same name in the user's data folder, ``<data>/certificates/``, takes
precedence, so an office can move a field without touching the installation).
Every position is in millimetres from the top-left corner of the sheet; ``y`` is the
baseline of a field's first line. Long text wraps within ``max_width`` up to
``max_lines`` lines and shrinks until it fits: it never overflows.

Two modes: ``full`` prints everything on plain paper with a decorative border;
``overlay`` prints only the variable fields onto a pre-printed form (phôi), moved by
the printer's calibration offset (stored in the ``Setting`` table, one key per printer).

Printing a batch records one ``CertificateRecord`` per certificate: the first printing
of an award on a layout gets the next register number of that layout and year
("125/GK-2024"); printing it again is recorded as a reprint that keeps the number.

The package, one module per job (the names below are re-exported here, so callers write
``from services.output.certificates import issue_decision``):

- ``layouts``: layout files, their validation and choice per award;
- ``fitting``: wrapping and shrinking text into a field, placing every line;
- ``drawing``: the PDF (border, fields, the calibration test page);
- ``calibration``: each printer's offset for overlay printing;
- ``values``: the text of every placeholder for one award;
- ``register``: register numbers, print batches, reprints (sổ vàng);
- ``screens``: what the certificate screens list (decisions, award lines, preview, register rows).
"""
from __future__ import annotations

from services.output.certificates.calibration import (
    CALIBRATION_PREFIX,
    DEFAULT_PRINTER,
    calibration_key,
    get_calibration,
    list_calibrations,
    set_calibration,
)
from services.output.certificates.common import (
    MM,
    CertificateError,
    LayoutError,
)
from services.output.certificates.drawing import (
    MODES,
    draw_certificate,
    draw_lines,
    new_canvas,
    render_certificates,
    render_test_page,
)
from services.output.certificates.fitting import (
    SHRINK_STEP,
    PlacedLine,
    field_text,
    fit_text,
    place_fields,
)
from services.output.certificates.layouts import (
    ALIGNS,
    MIN_FONT_SIZE,
    ORIENTATIONS,
    PAPER_SIZES_MM,
    PLACEHOLDERS,
    RESOURCES_LAYOUTS,
    SUBJECT_KINDS,
    USER_LAYOUT_FOLDER,
    FieldSpec,
    Layout,
    available_layouts,
    default_layout_name,
    get_layout,
    layout_dirs,
    load_layout,
    parse_layout,
)
from services.output.certificates.register import (
    IssuedCertificate,
    IssueResult,
    decision_award_ids,
    issue_certificates,
    issue_decision,
    register_entries,
    register_number,
    reprint_records,
    undo_issue,
)
from services.output.certificates.screens import (
    AwardLine,
    DecisionSummary,
    PreviewResult,
    RegisterRow,
    decision_award_lines,
    preview_certificates,
    printable_decisions,
    register_rows,
    register_years,
)
from services.output.certificates.values import (
    certificate_values,
    default_achievement,
    find_decision,
)

__all__ = [
    "ALIGNS",
    "AwardLine",
    "CALIBRATION_PREFIX",
    "CertificateError",
    "DEFAULT_PRINTER",
    "DecisionSummary",
    "FieldSpec",
    "IssueResult",
    "IssuedCertificate",
    "Layout",
    "LayoutError",
    "MIN_FONT_SIZE",
    "MM",
    "MODES",
    "ORIENTATIONS",
    "PAPER_SIZES_MM",
    "PLACEHOLDERS",
    "PlacedLine",
    "PreviewResult",
    "RESOURCES_LAYOUTS",
    "RegisterRow",
    "SHRINK_STEP",
    "SUBJECT_KINDS",
    "USER_LAYOUT_FOLDER",
    "available_layouts",
    "calibration_key",
    "certificate_values",
    "decision_award_ids",
    "decision_award_lines",
    "default_achievement",
    "default_layout_name",
    "draw_certificate",
    "draw_lines",
    "field_text",
    "find_decision",
    "fit_text",
    "get_calibration",
    "get_layout",
    "issue_certificates",
    "issue_decision",
    "layout_dirs",
    "list_calibrations",
    "load_layout",
    "new_canvas",
    "parse_layout",
    "place_fields",
    "preview_certificates",
    "printable_decisions",
    "register_entries",
    "register_number",
    "register_rows",
    "register_years",
    "render_certificates",
    "render_test_page",
    "reprint_records",
    "set_calibration",
    "undo_issue",
]
