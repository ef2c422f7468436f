"""Benchmark: 1,000 certificates of one decision into one PDF.

    .venv/bin/python bench/certificates.py [--count 1000] [--keep DIR]

Prints pages per second for the whole job (loading the awards, numbering them in the
register, rendering, writing the PDF) and for rendering alone, then the time of the
usual office route, a .docx mail merge converted to PDF by LibreOffice, when
``soffice``/``libreoffice`` is on PATH. Target: 1,000 certificates in under 3 s.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from models import Agency, Award, Decision, Person, Signer, Unit  # noqa: E402
from models.db import open_database  # noqa: E402
from services.output import certificates as C  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Thị Thu", "Minh", "Quốc", "Thị Ngọc", "Xuân", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hương", "Khánh", "Lộc", "Mai", "Nghĩa", "Oanh", "Phúc",
         "Quỳnh", "Sơn", "Thắng", "Uyên", "Việt", "Xuyến", "Yến", "Ánh", "Ấn", "Đạt"]
UNITS = ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Người có công", "Phòng Lao động - Việc làm",
         "Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới", "Thanh tra Sở", "Trung tâm Dịch vụ việc làm"]


def build(db_path: Path, count: int) -> int:
    """A database with one decision granting ``count`` Giấy khen; returns the decision id."""
    db = open_database(db_path)
    with db.session() as s:
        s.add(Agency(name="Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", place="Hà Tĩnh"))
        s.add(Signer(full_name="Nguyễn Văn Bình", position="Phó Giám đốc", capacity="KT. Giám đốc", is_default=True))
        s.execute(insert(Unit), [{"id": i + 1, "code": f"U{i}", "name": n, "sort_order": i, "kind": "phong",
                                  "active": True, "version": 1} for i, n in enumerate(UNITS)])
        people = []
        for i in range(count):
            middle = MIDDLE[i % len(MIDDLE)]
            people.append({"id": i + 1, "code": f"P{i:05d}", "gender": "nu" if "Thị" in middle else "nam",
                           "full_name": f"{FAMILY[i % len(FAMILY)]} {middle} {GIVEN[(i * 7) % len(GIVEN)]}",
                           "position": "Chuyên viên", "unit_id": i % len(UNITS) + 1, "active": True, "version": 1})
        s.execute(insert(Person), people)
        decision = Decision(number="215/QĐ-SLĐTBXH", issued_on=date(2024, 12, 20), level="co_so",
                            issuing_authority="Giám đốc Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh",
                            signer_name="Nguyễn Văn Bình", signer_position="Phó Giám đốc", signer_capacity="KT. Giám đốc")
        s.add(decision)
        s.flush()
        s.execute(insert(Award), [{"year": 2024, "title_code": "GIAY_KHEN", "person_id": i + 1, "decision_id": decision.id,
                                   "achievement": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024" if i % 3 else ""}
                                  for i in range(count)])
        s.commit()
        decision_id = decision.id
    db.close()
    return decision_id


def libreoffice_route(workdir: Path, names: list[str], units: list[str]) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "bỏ qua: không có soffice/libreoffice trên PATH (LibreOffice chưa được cài trên máy này)"
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    t0 = time.perf_counter()
    doc = Document()
    for i, (name, unit) in enumerate(zip(names, units)):
        for text, size, bold in (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True), ("Độc lập - Tự do - Hạnh phúc", 14, True),
                                 ("GIẤY KHEN", 40, True), ("TẶNG", 14, True), (name, 22, True), (unit, 14, False),
                                 ("Đã có thành tích xuất sắc trong phong trào thi đua năm 2024", 14, False),
                                 ("Hà Tĩnh, ngày 20 tháng 12 năm 2024", 14, False), ("Nguyễn Văn Bình", 14, True)):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, "Times New Roman"
        if i + 1 < len(names):
            p.add_run().add_break(WD_BREAK.PAGE)
    docx_path = workdir / "tron-thu.docx"
    doc.save(docx_path)
    t1 = time.perf_counter()
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(docx_path)],
                   check=True, capture_output=True, timeout=1800)
    t2 = time.perf_counter()
    pdf = (workdir / "tron-thu.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    return (f"trộn thư .docx {t1 - t0:.2f} s + LibreOffice chuyển PDF {t2 - t1:.2f} s = {t2 - t0:.2f} s "
            f"({pages} trang, {pages / (t2 - t0):.0f} trang/s; mẫu Word đơn giản hơn: không viền, không định vị từng trường)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="thư mục giữ lại tệp PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as tmp:
        work = Path(tmp)
        os.environ.setdefault("TDKT_DATA_DIR", str(work / "data"))
        t = time.perf_counter()
        decision_id = build(work / "bench.db", args.count)
        print(f"Dữ liệu mẫu: {args.count} khen thưởng trong {time.perf_counter() - t:.2f} s")
        C.serif_family()  # font registration happens once per process; not part of a job
        db = open_database(work / "bench.db")
        out = (args.keep or work) / "giay-khen-1000.pdf"
        with db.session() as s:
            t = time.perf_counter()
            result = C.issue_decision(s, decision_id, out)
            job = time.perf_counter() - t
            print(f"In cả quyết định (tải, đánh số sổ vàng, vẽ, ghi PDF): {result.pages} trang trong {job:.2f} s "
                  f"= {result.pages / job:.0f} trang/s; tệp {out.stat().st_size / 1024:.0f} KB "
                  f"({'ĐẠT' if job < 3 else 'CHƯA ĐẠT'} mục tiêu < 3 s cho 1.000 trang)")
            t = time.perf_counter()
            again = C.issue_decision(s, decision_id, io.BytesIO(), mode="overlay")
            job2 = time.perf_counter() - t
            print(f"In lại lên phôi (bản in lại giữ số): {again.pages} trang trong {job2:.2f} s = {again.pages / job2:.0f} trang/s")
            ids = C.decision_award_ids(s, s.get(Decision, decision_id))
            awards = {a.id: a for a in s.scalars(select(Award).where(Award.id.in_(ids))).all()}
            names = [f"{'Bà' if awards[i].person.gender == 'nu' else 'Ông'} {awards[i].person.full_name}" for i in ids]
            units = [awards[i].person.unit.name for i in ids]
        db.close()
        layout = C.get_layout("giay-khen")
        values = {k: f"Nội dung {k}" for k in C.PLACEHOLDERS}
        t = time.perf_counter()
        C.render_certificates(((layout, values | {"recipient": n}) for n in names), io.BytesIO())
        render = time.perf_counter() - t
        print(f"Chỉ vẽ PDF: {len(names)} trang trong {render:.2f} s = {len(names) / render:.0f} trang/s")
        print("Đường văn phòng (trộn thư Word + LibreOffice):", libreoffice_route(work, names, units))
    return 0


if __name__ == "__main__":
    sys.exit(main())
