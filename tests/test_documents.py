"""Documents: the same content read back from the .docx (python-docx) and the PDF (pypdf):
names, correct Vietnamese, the national motto header, the signature block; templates as data."""
from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from sqlalchemy import select

from models import Person
from services.awards import council, decisions
from services.awards import nominations as nm
from services.output import documents
from services.records.demo import populate_demo


@pytest.fixture
def decided(db):
    with db.session() as s:
        populate_demo(s)
        nm.save_draft(s, 2024)
        nl = nm.require_list(s, 2024, "CSTDCS")
        nm.override(s, nl.id, "CB0048", "add", "Thành tích đột xuất năm 2024")
        nm.change_state(s, nl.id, "trinh_hoi_dong")
        council.record_meeting(s, [nl.id], held_on=date(2024, 12, 15), members_total=9, members_present=8,
                               chair="Trần Đình Hải", secretary="Nguyễn Thị Lan")
        council.record_votes(s, nl.id, {nm.subject_code(n): 8 for n in nm.view_list(s, nl).proposed})
        council.conclude(s, nl.id)
        d = decisions.create_decision(s, nl.id, number="215", issued_on=date(2024, 12, 20))
        s.commit()
        return db, d.id


def _docx_text(path) -> str:
    doc = DocxDocument(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return unicodedata.normalize("NFC", "\n".join(parts))


def _pdf_text(path) -> str:
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(str(path)).pages))


def test_decision_documents_in_docx_and_pdf(decided, tmp_path):
    db, decision_id = decided
    with db.session() as s:
        docs = documents.decision_documents(s, decision_id)
        assert [d.title for d in docs] == ["TỜ TRÌNH", "BIÊN BẢN", "QUYẾT ĐỊNH"]
        name48 = s.scalar(select(Person.full_name).where(Person.code == "CB0048"))
        paths = [p for d in docs for p in documents.write(d, tmp_path / "Văn bản")]
    by_name = {p.name: p for p in paths}
    qd_docx, qd_pdf = by_name["quyet-dinh-215-QĐ-SLĐTBXH.docx"], by_name["quyet-dinh-215-QĐ-SLĐTBXH.pdf"]
    for text in (_docx_text(qd_docx), _pdf_text(qd_pdf)):
        flat = " ".join(text.split())
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND TỈNH HÀ TĨNH",
                         "Số: 215/QĐ-SLĐTBXH", "Hà Tĩnh, ngày 20 tháng 12 năm 2024", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                         "Đinh Hữu Công", "Nơi nhận:", "DANH SÁCH", "Chiến sĩ thi đua cơ sở", name48):
            assert expected in flat, expected
    bb = " ".join(_pdf_text(by_name["bien-ban-CSTDCS-2024.pdf"]).split())
    assert "8/9" in bb and "88,9%" in bb and "Đạt" in bb and "Thành tích đột xuất năm 2024" in bb
    tt = " ".join(_docx_text(by_name["to-trinh-CSTDCS-2024.docx"]).split())
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng" in tt and name48 in tt


def test_docx_layout_follows_nd30(decided, tmp_path):
    db, decision_id = decided
    with db.session() as s:
        path = documents.render_docx(documents.decision_doc(s, decision_id), tmp_path / "qd.docx")
    doc = DocxDocument(str(path))
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert (round(sec.top_margin.mm), round(sec.left_margin.mm), round(sec.right_margin.mm)) == (20, 30, 15)
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 14
    header = doc.tables[0].rows[0].cells
    motto = [r for p in header[1].paragraphs for r in p.runs if r.text == "Độc lập - Tự do - Hạnh phúc"]
    agency = [r for p in header[0].paragraphs for r in p.runs if "SỞ LAO ĐỘNG" in r.text]
    assert motto[0].underline and agency[0].underline and agency[0].bold
    dateline = [r for p in header[1].paragraphs for r in p.runs if r.text.startswith("Hà Tĩnh, ngày")]
    assert dateline[0].italic


def test_templates_are_data_an_agency_can_override(decided, tmp_path, data_dir):
    db, decision_id = decided
    own = data_dir / "documents"
    own.mkdir(parents=True)
    tpl = json.loads((documents.TEMPLATES_DIR / "quyet-dinh.json").read_text(encoding="utf-8"))
    tpl["body"][-1]["p"] = "Điều 3. Văn phòng Sở và các cá nhân có tên tại Điều 1 thi hành Quyết định này (mẫu riêng)./."
    (own / "quyet-dinh.json").write_text(json.dumps(tpl, ensure_ascii=False), encoding="utf-8")
    with db.session() as s:
        doc = documents.decision_doc(s, decision_id)
    assert "(mẫu riêng)" in doc.all_text()


def test_achievement_report_prefilled_and_self_test(decided, tmp_path):
    db, _ = decided
    with db.session() as s:
        pid = s.scalar(select(Person.id).where(Person.code == "CB0429"))
        doc = documents.achievement_report(s, pid, 2024)
        text = doc.all_text()
        assert "BÁO CÁO THÀNH TÍCH" in text and "Ngô Văn Nghĩa" in text and "SK-2023-089" in text
        assert "215/QĐ-SLĐTBXH" in text and "Hoàn thành xuất sắc nhiệm vụ" in text
        pdf = documents.write(doc, tmp_path, ("pdf",))[0]
        assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in _pdf_text(pdf)
        out = documents.self_test_render(s, tmp_path / "tự kiểm tra")
    assert out.is_file() and _pdf_text(out).count("QUYẾT ĐỊNH") >= 1
