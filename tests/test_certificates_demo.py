"""Issue 6's first "Done when": the 2024 CSTĐCS decision of the demo database, drafted by
the rules engine, prints one certificate per awardee with the right name and text, with
the fonts embedded."""
from __future__ import annotations

import io
import unicodedata
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from models import Agency, Award, Decision, Person, Signer
from services.awards.drafting import draft_year
from services.output import certificates as C
from services.records.demo import open_demo_database
from services.system.text import long_date


def test_demo_cstdcs_2024_decision_prints_one_page_per_awardee():
    database = open_demo_database()
    try:
        with database.session() as s:
            selected = draft_year(s, 2024).list_for("CSTDCS").selected
            assert len(selected) >= 10
            people = {p.code: p for p in s.scalars(select(Person).where(Person.code.in_([e.code for e in selected])))}
            agency = s.scalars(select(Agency)).first()
            signer = s.scalars(select(Signer).where(Signer.is_default.is_(True))).first()
            decision = Decision(number=f"300/QĐ-{agency.doc_suffix or 'SỞ'}", issued_on=date(2024, 12, 25),
                                level="co_so", signer_name=signer.full_name, signer_position=signer.position,
                                signer_capacity=signer.capacity)
            decision.awards = [Award(year=2024, title_code="CSTDCS", person=people[e.code]) for e in selected]
            s.add(decision)
            s.commit()
            expected = {people[e.code].full_name: people[e.code].gender for e in selected}
            out = io.BytesIO()
            result = C.issue_decision(s, decision.id, out)
            place = agency.place
        reader = PdfReader(io.BytesIO(out.getvalue()))
        assert result.pages == len(reader.pages) == len(expected)
        seen = []
        for page in reader.pages:
            text = unicodedata.normalize("NFC", page.extract_text())
            name = next(n for n in expected if n in text)
            seen.append(name)
            salutation = "Bà" if expected[name] == "nu" else "Ông"
            assert f"{salutation} {name}" in text
            assert "GIẤY CHỨNG NHẬN" in text
            assert "CHIẾN SĨ THI ĐUA CƠ SỞ" in text.upper()
            assert "Quyết định số 300/QĐ-" in text and "25/12/2024" in text
            assert long_date(place, date(2024, 12, 25)) in text
            assert signer.full_name in text
        assert sorted(seen) == sorted(expected)  # every awardee once
        # Fonts: TrueType subsets embedded in the file, no standard (unembedded) font.
        for page in reader.pages[:3]:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                assert font["/Subtype"] == "/TrueType" and "/FontFile2" in font["/FontDescriptor"].get_object()
        # The register numbers run 1..N of the layout's register for 2024.
        code = C.get_layout(result.certificates[0].layout).register_code
        assert [c.register_no for c in result.certificates] == [
            f"{i}/{code}-2024" for i in range(1, len(expected) + 1)]
    finally:
        database.close()
