"""Certificate layouts: one JSON file per certificate type in ``resources/certificates/``
(a file of the same name in the user's data folder, ``<data>/certificates/``, takes
precedence, so an office can move a field without touching the installation). Every
position is in millimetres from the top-left corner of the sheet; ``y`` is the baseline
of a field's first line. ``parse_layout`` validates one, with Vietnamese messages that
say where and how to fix it."""
from __future__ import annotations

import json
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.output.certificates.common import CertificateError, LayoutError
from services.system.text import nfc

RESOURCES_LAYOUTS = Path(__file__).resolve().parents[3] / "resources" / "certificates"
USER_LAYOUT_FOLDER = "certificates"

PAPER_SIZES_MM: dict[str, tuple[float, float]] = {  # portrait (width, height)
    "A5": (148.0, 210.0),
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
}
ORIENTATIONS = {"portrait": "dọc", "landscape": "ngang"}
ALIGNS = {"left", "center", "right"}
SUBJECT_KINDS = {"person", "unit"}
MIN_FONT_SIZE = 4.0

# What a layout's text may contain, with the meaning shown in error messages.
PLACEHOLDERS: dict[str, str] = {
    "issuing_authority": "cấp khen (vd. GIÁM ĐỐC SỞ ...)",
    "title_name": "tên danh hiệu / hình thức khen thưởng",
    "title_upper": "tên danh hiệu viết hoa",
    "salutation": "Ông / Bà",
    "name": "họ tên người hoặc tên tập thể được khen",
    "recipient": "Ông/Bà và họ tên (tập thể: tên tập thể)",
    "position": "chức vụ",
    "unit": "đơn vị",
    "position_unit": "chức vụ và đơn vị",
    "agency": "tên cơ quan",
    "achievement": "thành tích",
    "year": "năm thi đua",
    "decision_number": "số quyết định",
    "decision_date": "ngày quyết định (dd/mm/yyyy)",
    "decision_ref": "Quyết định số ... ngày ...",
    "place_date": "địa danh, ngày ... tháng ... năm ...",
    "signer_capacity": "thẩm quyền ký (vd. KT. GIÁM ĐỐC)",
    "signer_position": "chức vụ người ký",
    "signer_name": "họ tên người ký",
    "register_no": "số vào sổ vàng",
}





@dataclass(frozen=True)
class FieldSpec:
    name: str
    text: str
    x: float  # mm from the left edge: the left end, centre or right end per ``align``
    y: float  # mm from the top edge: the first line's baseline
    size: float
    bold: bool = False
    italic: bool = False
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    align: str = "center"
    max_width: float = 100.0  # mm
    max_lines: int = 1
    line_height: float = 1.25
    preprinted: bool = False  # on the pre-printed form: drawn only in full mode
    upper: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    register_code: str
    width_mm: float
    height_mm: float
    paper: str
    orientation: str
    titles: tuple[str, ...]
    subjects: tuple[str, ...]
    border: dict[str, Any] | None
    fields: tuple[FieldSpec, ...]
    path: Path | None = None

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _parse_color(value: Any, where: str) -> tuple[float, float, float]:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise LayoutError(f"{where}: màu «{value}» không hợp lệ; hãy ghi dạng #RRGGBB, vd. \"#C00000\" (đỏ).")
    return tuple(int(value[i:i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]


def _number(raw: dict[str, Any], key: str, where: str, *, default: float | None = None,
            minimum: float | None = None, maximum: float | None = None) -> float:
    if key not in raw:
        if default is None:
            raise LayoutError(f"{where}: thiếu khóa «{key}».")
        return default
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LayoutError(f"{where}: «{key}» phải là một số (hiện là {json.dumps(value, ensure_ascii=False)}).")
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise LayoutError(f"{where}: «{key}» = {value} nằm ngoài khoảng cho phép ({minimum} đến {maximum}).")
    return float(value)


def _bool(raw: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise LayoutError(f"{where}: «{key}» phải là true hoặc false.")
    return value


def _text(raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise LayoutError(f"{where}: thiếu hoặc sai khóa «{key}» (phải là một chuỗi chữ).")
    return nfc(value)


def parse_layout(data: Any, source: str = "mẫu", *, path: Path | None = None) -> Layout:
    """Validate a layout's JSON data; raise ``LayoutError`` (Vietnamese) on the first problem."""
    if not isinstance(data, dict):
        raise LayoutError(f"{source}: nội dung phải là một đối tượng JSON {{...}}.")
    name = _text(data, "name", source)
    where = f"{source} (mẫu «{name}»)"
    label = _text(data, "label", where, default=name)
    code = _text(data, "register_code", where)
    if not re.fullmatch(r"[0-9A-Za-zĐđ.\-]{1,20}", code):
        raise LayoutError(f"{where}: «register_code» = «{code}» chỉ được gồm chữ, số, dấu chấm và gạch ngang (vd. \"GK\").")
    paper = data.get("paper", {})
    if not isinstance(paper, dict):
        raise LayoutError(f"{where}: «paper» phải có dạng {{\"size\": \"A4\", \"orientation\": \"landscape\"}}.")
    size = paper.get("size", "A4")
    if size not in PAPER_SIZES_MM:
        raise LayoutError(f"{where}: khổ giấy «{size}» không hỗ trợ; dùng một trong {', '.join(PAPER_SIZES_MM)}.")
    orientation = paper.get("orientation", "landscape")
    if orientation not in ORIENTATIONS:
        raise LayoutError(f"{where}: hướng giấy «{orientation}» không hợp lệ; dùng \"portrait\" (dọc) hoặc \"landscape\" (ngang).")
    w, h = PAPER_SIZES_MM[size]
    if orientation == "landscape":
        w, h = h, w
    titles = data.get("titles", ["*"])
    subjects = data.get("subjects", ["person", "unit"])
    if not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
        raise LayoutError(f"{where}: «titles» phải là danh sách mã danh hiệu, vd. [\"GIAY_KHEN\"].")
    if not isinstance(subjects, list) or not subjects or not set(subjects) <= SUBJECT_KINDS:
        raise LayoutError(f"{where}: «subjects» phải là danh sách gồm \"person\" (cá nhân) và/hoặc \"unit\" (tập thể).")
    border = data.get("border")
    if border is not None:
        if not isinstance(border, dict):
            raise LayoutError(f"{where}: «border» phải là đối tượng JSON hoặc null.")
        border = {
            "outer_color": _parse_color(border.get("outer_color", "#B8860B"), f"{where}, viền"),
            "inner_color": _parse_color(border.get("inner_color", "#B22222"), f"{where}, viền"),
            "margin": _number(border, "margin", f"{where}, viền", default=8, minimum=2, maximum=min(w, h) / 4),
        }
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise LayoutError(f"{where}: «defaults» phải là đối tượng JSON.")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise LayoutError(f"{where}: thiếu danh sách trường «fields».")
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    formatter = string.Formatter()
    for i, raw_field in enumerate(raw_fields, start=1):
        fw = f"{where}, trường thứ {i}"
        if not isinstance(raw_field, dict):
            raise LayoutError(f"{fw}: phải là đối tượng JSON {{...}}.")
        merged = {**defaults, **raw_field}
        fname = _text(merged, "name", fw)
        fw = f"{where}, trường «{fname}»"
        if fname in seen:
            raise LayoutError(f"{fw}: tên trường bị trùng.")
        seen.add(fname)
        text = _text(merged, "text", fw)
        try:
            names = [n for _, n, _, _ in formatter.parse(text) if n is not None]
        except ValueError:
            raise LayoutError(f"{fw}: dấu ngoặc {{ }} trong «{text}» không khớp.") from None
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            raise LayoutError(
                f"{fw}: không có dữ liệu «{{{unknown[0]}}}». Các tên được dùng: "
                + ", ".join("{" + k + "}" for k in PLACEHOLDERS) + "."
            )
        align = merged.get("align", "center")
        if align not in ALIGNS:
            raise LayoutError(f"{fw}: căn lề «{align}» không hợp lệ; dùng \"left\", \"center\" hoặc \"right\".")
        fields.append(FieldSpec(
            name=fname,
            text=text,
            x=_number(merged, "x", fw, minimum=0, maximum=w),
            y=_number(merged, "y", fw, minimum=0, maximum=h),
            size=_number(merged, "size", fw, default=14, minimum=MIN_FONT_SIZE, maximum=200),
            bold=_bool(merged, "bold", fw, False),
            italic=_bool(merged, "italic", fw, False),
            color=_parse_color(merged.get("color", "#000000"), fw),
            align=align,
            max_width=_number(merged, "max_width", fw, default=100, minimum=5, maximum=w),
            max_lines=int(_number(merged, "max_lines", fw, default=1, minimum=1, maximum=20)),
            line_height=_number(merged, "line_height", fw, default=1.25, minimum=0.8, maximum=3),
            preprinted=_bool(merged, "preprinted", fw, False),
            upper=_bool(merged, "upper", fw, False),
            underline=_bool(merged, "underline", fw, False),
        ))
        spec = fields[-1]
        left = spec.x - {"left": 0, "center": spec.max_width / 2, "right": spec.max_width}[align]
        if left < -0.01 or left + spec.max_width > w + 0.01:
            raise LayoutError(
                f"{fw}: vùng chữ rộng {spec.max_width:g} mm tại x = {spec.x:g} mm vượt ra ngoài khổ giấy "
                f"({w:g} mm); hãy giảm «max_width» hoặc dời «x»."
            )
    return Layout(name=name, label=label, register_code=code, width_mm=w, height_mm=h, paper=size,
                  orientation=orientation, titles=tuple(titles), subjects=tuple(subjects), border=border,
                  fields=tuple(fields), path=path)


def load_layout(path: Path) -> Layout:
    """Read and validate one layout file."""
    source = f"Tệp mẫu «{path.name}»"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LayoutError(f"{source}: không đọc được ({exc.strerror or exc}).") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LayoutError(
            f"{source} không phải JSON hợp lệ: lỗi ở dòng {exc.lineno}, cột {exc.colno}. "
            "Hãy kiểm tra dấu phẩy, dấu ngoặc và dấu nháy kép rồi mở lại ứng dụng."
        ) from None
    layout = parse_layout(data, source, path=path)
    if layout.name != path.stem:
        raise LayoutError(f"{source}: «name» là «{layout.name}» nhưng tên tệp là «{path.stem}»; hai tên phải trùng nhau.")
    return layout


def layout_dirs() -> list[Path]:
    """Where layouts are looked for, the user's folder first."""
    from models.db import data_dir

    return [data_dir() / USER_LAYOUT_FOLDER, RESOURCES_LAYOUTS]


def available_layouts(dirs: Sequence[Path] | None = None) -> dict[str, Layout]:
    """Every layout by name; a file in an earlier folder hides one of the same name in a later one."""
    found: dict[str, Layout] = {}
    for folder in dirs if dirs is not None else layout_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            if path.stem not in found:
                found[path.stem] = load_layout(path)
    return found


def get_layout(name: str, layouts: dict[str, Layout] | None = None) -> Layout:
    layouts = available_layouts() if layouts is None else layouts
    if name not in layouts:
        raise CertificateError(f"Không có mẫu «{name}». Các mẫu hiện có: {', '.join(sorted(layouts)) or '(không có)'}.")
    return layouts[name]


def default_layout_name(title_code: str, subject: str, layouts: dict[str, Layout]) -> str:
    """The layout for an award: one naming its title for its subject, else a catch-all ("*")."""
    for wanted in (title_code, "*"):
        for name in sorted(layouts):
            lay = layouts[name]
            if wanted in lay.titles and subject in lay.subjects:
                return name
    raise CertificateError(
        f"Không có mẫu giấy khen nào cho danh hiệu «{title_code}» "
        f"({'cá nhân' if subject == 'person' else 'tập thể'}). Hãy chọn mẫu bằng tùy chọn --layout."
    )
