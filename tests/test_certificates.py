"""Certificates as PDF: text, fonts, overlay offsets, fitting, layouts as data, the register."""
from __future__ import annotations

import io
import json
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import Agency, Award, CertificateRecord, Decision, Person, Signer, Unit
from services.output import certificates as C
from services.system.fonts import (
    bundled_serif_files,
    find_times_new_roman,
    serif_family,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


NAMES = ["Nguyễn Thị Hương Giang", "Trần Đức Thắng", "Lê Văn Ấn", "Phạm Thị Ngọc Ánh"]


@pytest.fixture
def sample(db):
    """An agency, two units, four people (names entered in NFD) and a decision of Giấy khen."""
    with db.session() as s:
        s.add(Agency(name="Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", place="Hà Tĩnh",
                     parent_authority="Ủy ban nhân dân tỉnh Hà Tĩnh", doc_suffix="SLĐTBXH"))
        s.add(Signer(full_name="Nguyễn Văn Bình", position="Phó Giám đốc", capacity="KT. Giám đốc", is_default=True))
        office = Unit(code="VP", name="Văn phòng Sở", sort_order=1)
        ncc = Unit(code="NCC", name="Phòng Người có công", sort_order=2)
        people = [Person(code=f"P{i}", full_name=nfd(n), gender="nu" if "Thị" in n else "nam",
                         position="Chuyên viên", unit=office if i % 2 else ncc) for i, n in enumerate(NAMES)]
        decision = Decision(
            number=nfd("215/QĐ-SLĐTBXH"), issued_on=date(2024, 12, 20), level="co_so",
            issuing_authority="Giám đốc Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh",
            signer_name="Nguyễn Văn Bình", signer_position="Phó Giám đốc", signer_capacity="KT. Giám đốc")
        decision.awards = [Award(year=2024, title_code="GIAY_KHEN", person=p) for p in people]
        s.add_all([office, ncc, decision, *people])
        s.commit()
        return decision.id


def page_texts(data: bytes | Path) -> list[str]:
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [nfc(p.extract_text()) for p in reader.pages]


def text_positions(data: bytes) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run drawn on the first page, from the PDF itself."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((nfc(text.strip()), tm[4], tm[5]))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


def test_one_page_per_award_with_every_name_in_nfc(db, sample, tmp_path):
    out = tmp_path / "giấy khen.pdf"
    with db.session() as s:
        result = C.issue_decision(s, "215/QĐ-SLĐTBXH", out)
    texts = page_texts(out)
    assert result.pages == len(texts) == len(NAMES)
    # List order: Vietnamese order of the given name (Ánh, Ấn, Giang, Thắng).
    expected = ["Phạm Thị Ngọc Ánh", "Lê Văn Ấn", "Nguyễn Thị Hương Giang", "Trần Đức Thắng"]
    for text, name in zip(texts, expected):
        salutation = "Bà" if "Thị" in name else "Ông"
        assert f"{salutation} {name}" in text
        assert "GIẤY KHEN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "Quyết định số 215/QĐ-SLĐTBXH ngày 20/12/2024" in text
        assert "Hà Tĩnh, ngày 20 tháng 12 năm 2024" in text
        assert "Đã có thành tích xuất sắc trong phong trào thi đua năm 2024" in text
        assert "KT. GIÁM ĐỐC" in text and "Nguyễn Văn Bình" in text
    assert [c.register_no for c in result.certificates] == [f"{i}/GK-2024" for i in range(1, 5)]
    assert "Số sổ vàng: 1/GK-2024" in texts[0]


def test_fonts_are_embedded_truetype_subsets(db, sample):
    buffer = io.BytesIO()
    with db.session() as s:
        C.issue_decision(s, "215/QĐ-SLĐTBXH", buffer)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base, font in fonts.items():
        assert font["/Subtype"] == "/TrueType"
        assert "+" in base  # subset tag, e.g. AAAAAA+LiberationSerif-bold
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    faces = {b.split("+")[1] for b in fonts}
    assert len(faces) >= 3  # regular, bold and italic of one family
    family = serif_family()
    expected = "TimesNewRoman" if family.from_system else "LiberationSerif"
    assert all(f.startswith(expected) for f in faces)


def test_times_new_roman_found_when_installed(tmp_path):
    assert find_times_new_roman([tmp_path]) is None
    names = {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf", "bold_italic": "timesbi.ttf"}
    for style, path in bundled_serif_files().items():
        shutil.copy(path, tmp_path / names[style])
    found = find_times_new_roman([tmp_path])
    assert found is not None and found["bold"].name == "timesbd.ttf"


def test_nfd_text_is_drawn_in_nfc():
    layout = C.get_layout("giay-khen")
    values = {k: "" for k in C.PLACEHOLDERS} | {"recipient": nfd("Bà Nguyễn Thị Hường"), "achievement": "x"}
    buffer = io.BytesIO()
    C.render_certificates([(layout, values)], buffer)
    text = page_texts(buffer.getvalue())[0]
    assert "Bà Nguyễn Thị Hường" in text
    lines = C.place_fields(layout, values)
    assert next(l.text for l in lines if l.field == "recipient") == nfc("Bà Nguyễn Thị Hường")


def test_overlay_moves_every_field_by_the_calibration_offset(db, sample):
    with db.session() as s:
        C.set_calibration(s, "HP LaserJet P2035", 2.5, -1.5)
        s.commit()
        assert C.get_calibration(s, "HP LaserJet P2035") == (2.5, -1.5)
        assert C.get_calibration(s, "Canon khác") == (0.0, 0.0)
    pdfs = {}
    for printer in ("Canon khác", "HP LaserJet P2035"):
        buffer = io.BytesIO()
        with db.session() as s:
            award_id = s.scalars(select(Award.id).order_by(Award.id)).first()
            C.issue_certificates(s, [award_id], buffer, mode="overlay", printer=printer)
        pdfs[printer] = text_positions(buffer.getvalue())
    plain, moved = pdfs["Canon khác"], pdfs["HP LaserJet P2035"]
    assert len(plain) == len(moved) >= 8
    for (t0, x0, y0), (t1, x1, y1) in zip(plain, moved):
        assert t0 == t1
        assert x1 - x0 == pytest.approx(2.5 * C.MM, abs=1e-3)
        assert y1 - y0 == pytest.approx(1.5 * C.MM, abs=1e-3)  # dy < 0: up the page
    drawn = " ".join(t for t, _, _ in plain)
    # Only the variable fields go on the pre-printed form.
    assert "Nguyễn Thị Hương Giang" in drawn and "1/GK-2024" in drawn
    assert "GIẤY KHEN" not in drawn and "CỘNG HÒA" not in drawn and "TẶNG" not in drawn


def test_overlay_offset_applies_to_every_placed_line():
    layout = C.get_layout("bang-khen-tinh")
    values = {k: f"Giá trị {k}" for k in C.PLACEHOLDERS}
    base = C.place_fields(layout, values, "overlay")
    shifted = C.place_fields(layout, values, "overlay", (-3.0, 4.0))
    full = C.place_fields(layout, values, "full", (-3.0, 4.0))
    assert {l.field for l in full} - {l.field for l in base} == {f.name for f in layout.fields if f.preprinted}
    assert len(base) == len(shifted)
    for a, b in zip(base, shifted):
        assert (b.x - a.x, b.y - a.y) == (pytest.approx(-3.0 * C.MM), pytest.approx(-4.0 * C.MM))
    # Full mode on plain paper ignores the printer offset.
    recipient = next(l for l in full if l.field == "recipient")
    assert recipient.x == pytest.approx(layout.field("recipient").x * C.MM)


def test_long_text_shrinks_or_wraps_within_its_width():
    layout = C.get_layout("giay-khen")
    long_name = "Bà " + " ".join(["Công Tằng Tôn Nữ Thị Phương Thảo Nguyên"] * 3)
    achievement = " ".join(["Đã có thành tích xuất sắc trong công tác chăm sóc người có công với cách mạng"] * 6)
    values = {k: "" for k in C.PLACEHOLDERS} | {"recipient": long_name, "achievement": achievement,
                                                "position_unit": "Chuyên_viên_" * 40}
    lines = C.place_fields(layout, values)
    for name in ("recipient", "achievement", "position_unit"):
        spec = layout.field(name)
        mine = [l for l in lines if l.field == name]
        assert 1 <= len(mine) <= spec.max_lines
        assert all(l.width <= spec.max_width * C.MM + 1e-6 for l in mine)
        assert all(l.size < spec.size for l in mine)
        assert " ".join(l.text for l in mine) == " ".join(values[name].split())
    assert len([l for l in lines if l.field == "achievement"]) == 3
    # A short text keeps its size.
    short = C.place_fields(layout, values | {"recipient": "Ông Lê Văn Ấn"})
    assert next(l for l in short if l.field == "recipient").size == layout.field("recipient").size


def test_changing_a_layout_file_moves_the_field(data_dir):
    values = {k: "Nội dung" for k in C.PLACEHOLDERS}
    before = next(l for l in C.place_fields(C.get_layout("giay-khen"), values) if l.field == "recipient")
    data = json.loads((C.RESOURCES_LAYOUTS / "giay-khen.json").read_text(encoding="utf-8"))
    for f in data["fields"]:
        if f["name"] == "recipient":
            f["y"] += 12.5
            f["x"] -= 20
    user = data_dir / "certificates"
    user.mkdir(parents=True)
    (user / "giay-khen.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = next(l for l in C.place_fields(C.get_layout("giay-khen"), values) if l.field == "recipient")
    assert before.x - after.x == pytest.approx(20 * C.MM)
    assert before.y - after.y == pytest.approx(12.5 * C.MM)


def test_every_bundled_layout_is_valid_and_paper_sizes_differ():
    layouts = C.available_layouts([C.RESOURCES_LAYOUTS])
    assert {"giay-khen", "giay-chung-nhan-ca-nhan", "giay-chung-nhan-tap-the", "bang-khen-tinh", "bang-khen-bo"} <= set(layouts)
    assert (layouts["giay-khen"].width_mm, layouts["giay-khen"].height_mm) == (297, 210)
    assert (layouts["bang-khen-tinh"].width_mm, layouts["bang-khen-tinh"].height_mm) == (420, 297)
    assert C.default_layout_name("GIAY_KHEN", "person", layouts) == "giay-khen"
    assert C.default_layout_name("CSTDCS", "person", layouts) == "giay-chung-nhan-ca-nhan"
    assert C.default_layout_name("LDTT", "person", layouts) == "giay-chung-nhan-ca-nhan"
    assert C.default_layout_name("BK_TINH", "person", layouts) == "bang-khen-tinh"
    assert C.default_layout_name("BK_BO", "unit", layouts) == "bang-khen-bo"
    assert C.default_layout_name("TTLDXS", "unit", layouts) == "giay-chung-nhan-tap-the"


@pytest.mark.parametrize(("change", "expected"), [
    (lambda t: t.replace('"fields": [', '"fields": [,'), "dòng"),
    (lambda t: t.replace('"x": 148.5, "y": 100', '"y": 100'), "thiếu khóa «x»"),
    (lambda t: t.replace("{recipient}", "{ho_ten}"), "không có dữ liệu «{ho_ten}»"),
    (lambda t: t.replace('"#C00000"', '"đỏ"'), "màu «đỏ» không hợp lệ"),
    (lambda t: t.replace('"x": 148.5, "y": 100', '"x": 60, "y": 100'), "vượt ra ngoài khổ giấy"),
    (lambda t: t.replace('"size": "A4"', '"size": "Letter"'), "khổ giấy «Letter» không hỗ trợ"),
    (lambda t: t.replace('"name": "giay-khen"', '"name": "khac"'), "hai tên phải trùng nhau"),
])
def test_bad_layout_file_gives_a_clear_vietnamese_error(tmp_path, change, expected):
    text = (C.RESOURCES_LAYOUTS / "giay-khen.json").read_text(encoding="utf-8")
    broken = change(text)
    assert broken != text
    path = tmp_path / "giay-khen.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(C.LayoutError) as err:
        C.load_layout(path)
    assert expected in str(err.value)
    assert "giay-khen.json" in str(err.value)


def test_register_numbers_are_sequential_and_a_reprint_keeps_its_number(db, sample):
    with db.session() as s:
        first = C.issue_decision(s, "215/QĐ-SLĐTBXH", io.BytesIO())
        again = C.issue_decision(s, str(sample), io.BytesIO())  # by database id
    assert [c.register_no for c in first.certificates] == ["1/GK-2024", "2/GK-2024", "3/GK-2024", "4/GK-2024"]
    assert [c.register_no for c in again.certificates] == [c.register_no for c in first.certificates]
    assert first.new_count == 4 and again.reprint_count == 4 and again.new_count == 0
    with db.session() as s:
        records = s.scalars(select(CertificateRecord).order_by(CertificateRecord.id)).all()
        assert len(records) == 8
        originals = {r.award_id: r for r in records[:4]}
        for r in records[4:]:
            assert r.reprint_of_id == originals[r.award_id].id
            assert r.register_no == originals[r.award_id].register_no
        # A new award of the same layout and year takes the next number; another year starts at 1.
        person = s.scalars(select(Person)).first()
        decision = s.get(Decision, sample)
        later = Award(year=2024, title_code="GIAY_KHEN", unit=person.unit, decision=decision)
        other_year = Award(year=2025, title_code="GIAY_KHEN", person=person, decision=decision)
        s.add_all([later, other_year])
        s.commit()
        result = C.issue_certificates(s, [later.id, other_year.id], io.BytesIO())
        assert [c.register_no for c in result.certificates] == ["5/GK-2024", "1/GK-2025"]
        # Another layout keeps its own sequence.
        forced = C.issue_certificates(s, [later.id], io.BytesIO(), layout_name="giay-chung-nhan-tap-the")
        assert forced.certificates[0].register_no == "1/GCNTT-2024" and not forced.certificates[0].reprint
        assert [e.register_no for e in C.register_entries(s, 2025)] == ["1/GK-2025"]


def test_a_failed_job_records_nothing_and_leaves_no_file(db, sample, tmp_path):
    target = tmp_path / "đã có thư mục"
    target.mkdir()
    with db.session() as s:
        with pytest.raises(C.CertificateError, match="Không ghi được tệp"):
            C.issue_decision(s, "215/QĐ-SLĐTBXH", target)
        assert s.scalars(select(CertificateRecord)).all() == []
        with pytest.raises(C.CertificateError, match="Không tìm thấy quyết định"):
            C.issue_decision(s, "999/QĐ-X", tmp_path / "x.pdf")
        decision = s.get(Decision, sample)
        decision.state, decision.cancel_reason = "da_huy", "Ban hành nhầm"
        s.commit()
        with pytest.raises(C.CertificateError, match="đã bị hủy"):
            C.issue_decision(s, "215/QĐ-SLĐTBXH", tmp_path / "x.pdf")
    assert list(tmp_path.rglob("*.pdf")) == [] and list(tmp_path.rglob(".tmp-*")) == []


def test_unit_award_and_title_certificate_texts(db, sample):
    with db.session() as s:
        unit = s.scalars(select(Unit).where(Unit.code == "NCC")).one()
        person = s.scalars(select(Person).where(Person.code == "P1")).one()
        decision = Decision(number="300/QĐ-SLĐTBXH", issued_on=date(2025, 1, 15), level="co_so")
        decision.awards = [Award(year=2024, title_code="TTLDXS", unit=unit),
                           Award(year=2024, title_code="CSTDCS", person=person)]
        s.add(decision)
        s.commit()
        buffer = io.BytesIO()
        result = C.issue_decision(s, "300/QĐ-SLĐTBXH", buffer)
    texts = page_texts(buffer.getvalue())
    assert [c.layout for c in result.certificates] == ["giay-chung-nhan-ca-nhan", "giay-chung-nhan-tap-the"]
    assert "DANH HIỆU CHIẾN SĨ THI ĐUA CƠ SỞ" in texts[0]
    assert "Đã đạt danh hiệu Chiến sĩ thi đua cơ sở năm 2024" in texts[0]
    assert "Phòng Người có công" in texts[1] and "DANH HIỆU TẬP THỂ LAO ĐỘNG XUẤT SẮC" in texts[1]
    # No signer on the decision: the default signer signs; no authority: the agency's director.
    assert "Nguyễn Văn Bình" in texts[1] and "GIÁM ĐỐC SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH HÀ TĨNH" in texts[1]


def test_command_line(db, sample, tmp_path, capsys):
    import argparse

    from cli import COMMAND_MODULES, add_database_options
    from cli import certificates as cli_certificates

    assert "certificates" in COMMAND_MODULES
    # Only this module's command, so the test does not depend on the other commands.
    parser = argparse.ArgumentParser()
    add_database_options(parser)
    cli_certificates.register(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> int:
        args = parser.parse_args(["--db", str(db.path), *argv])
        return args.handler(args)

    assert run("certificates", "calibrate", "--printer", "Máy in phòng TĐKT", "--dx", "1.5", "--dy", "-2") == 0
    out = tmp_path / "in thử.pdf"
    assert run("certificates", "--test-page", "--out", str(out), "--printer", "Máy in phòng TĐKT") == 0
    text = page_texts(out)[0]
    assert "TRANG THỬ CĂN CHỈNH MÁY IN - Máy in phòng TĐKT" in text and "ngang +1.5 mm, dọc -2.0 mm" in text
    pdf = tmp_path / "phôi.pdf"
    assert run("certificates", "--decision", "215/QĐ-SLĐTBXH", "--out", str(pdf), "--overlay",
               "--printer", "Máy in phòng TĐKT", "--layout", "bang-khen-bo") == 0
    assert len(page_texts(pdf)) == 4
    assert "4 giấy khen mới" in capsys.readouterr().out
    assert run("certificates", "--decision", "không có", "--out", str(pdf)) == 2
    assert "Không tìm thấy quyết định «không có»" in capsys.readouterr().err
