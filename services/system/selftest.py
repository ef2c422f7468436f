"""``python main.py self-test``: check that an installed (or frozen) copy of the app works.

In a temporary folder, with the user's data left alone: open a new database and migrate
it, load the demo data, draft 2024, render a certificate PDF, render a document (once
the documents feature exists), and check that the bundled resources and Qt's image
plugins are found. Exit status 0 only when every step worked.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.db import Database

ROOT = Path(__file__).resolve().parents[2]


class Skipped(Exception):
    """The step's feature is not in this version; reported as skipped, not as passed."""


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float
    skipped: bool = False


@contextmanager
def _temporary_data_dir(folder: Path):
    previous = os.environ.get("TDKT_DATA_DIR")
    os.environ["TDKT_DATA_DIR"] = str(folder / "dữ liệu người dùng")
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TDKT_DATA_DIR", None)
        else:
            os.environ["TDKT_DATA_DIR"] = previous


class _Run:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database: Database | None = None

    def _db(self) -> Database:
        """The database the database step opened (the steps after it use it)."""
        if self.database is None:
            raise RuntimeError("chưa mở cơ sở dữ liệu kiểm tra")
        return self.database

    # Each step returns a one-line description of what it checked; it raises on failure.

    def resources(self) -> str:
        from models.db import MIGRATIONS_DIR
        from services.awards.rulesets import RULES_DIR
        from services.output.certificates import RESOURCES_LAYOUTS, available_layouts
        from services.system.fonts import bundled_serif_files

        missing = [str(p) for p in bundled_serif_files().values() if not p.is_file()]
        for folder, pattern in ((RESOURCES_LAYOUTS, "*.json"), (RULES_DIR, "*.json"), (MIGRATIONS_DIR / "versions", "*.py*")):
            if not any(folder.glob(pattern)):
                missing.append(f"{folder}/{pattern}")
        icon = ROOT / "resources" / "icons" / "app.svg"
        if not icon.is_file():
            missing.append(str(icon))
        if missing:
            raise RuntimeError("thiếu tệp tài nguyên: " + ", ".join(missing))
        return f"phông chữ, {len(available_layouts([RESOURCES_LAYOUTS]))} mẫu giấy khen, bộ quy định, lược đồ CSDL"

    def database_step(self) -> str:
        from models.db import current_revision, head_revision, open_database

        self.database = database = open_database(self.folder / "kiểm tra.db")
        revision = current_revision(database.engine)
        if revision != head_revision():
            raise RuntimeError(f"lược đồ ở {revision}, cần {head_revision()}")
        return f"tạo và nâng cấp CSDL đến lược đồ {revision}"

    def demo(self) -> str:
        from sqlalchemy import func, select

        from models import Award, Person
        from services.awards.rulesets import ensure_builtin_rule_sets
        from services.records.demo import populate_demo

        with self._db().session() as s:
            ensure_builtin_rule_sets(s)
            populate_demo(s)
            s.commit()
            people = s.scalar(select(func.count()).select_from(Person))
            awards = s.scalar(select(func.count()).select_from(Award))
        if not people or not awards:
            raise RuntimeError("dữ liệu mẫu trống")
        return f"{people} cán bộ, {awards} khen thưởng"

    def draft(self) -> str:
        from services.awards.drafting import draft_year

        with self._db().session() as s:
            draft = draft_year(s, 2024)
        selected = sum(len(tl.selected) for tl in draft.lists)
        if not draft.lists or not selected:
            raise RuntimeError("dự thảo năm 2024 không có danh sách nào được đề nghị")
        return f"{len(draft.lists)} danh sách, {selected} người/tập thể được đề nghị"

    def certificate(self) -> str:
        from sqlalchemy import select

        from models import Award, Decision
        from services.output.certificates import issue_decision

        out = self.folder / "giấy khen.pdf"
        with self._db().session() as s:
            decision_id = s.scalars(select(Decision.id).join(Award, Award.decision_id == Decision.id)
                                    .where(Award.title_code == "GIAY_KHEN").order_by(Decision.id).limit(1)).first()
            if decision_id is None:
                raise RuntimeError("dữ liệu mẫu không có quyết định tặng giấy khen")
            result = issue_decision(s, decision_id, out)
            s.commit()
        data = out.read_bytes()
        if not data.startswith(b"%PDF") or result.pages < 1:
            raise RuntimeError("tệp PDF giấy khen không hợp lệ")
        return f"{result.pages} trang PDF ({len(data) // 1024} KB)"

    def document(self) -> str:
        if importlib.util.find_spec("services.output.documents") is None:
            raise Skipped("chức năng văn bản (services/output/documents.py) chưa có trong phiên bản này")
        import services.output.documents as documents

        render = getattr(documents, "self_test_render", None)
        if render is None:
            raise RuntimeError("services.output.documents chưa có hàm self_test_render(session, folder) -> Path")
        with self._db().session() as s:
            path = Path(render(s, self.folder))
        if not path.is_file() or path.stat().st_size == 0:
            raise RuntimeError(f"không tạo được văn bản {path}")
        return f"{path.name} ({path.stat().st_size // 1024} KB)"

    def qt(self) -> str:
        """Qt's offscreen platform and SVG image plugin (the frozen build must bundle them)."""
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtGui import QGuiApplication, QImage

        app = QCoreApplication.instance() or QGuiApplication(sys.argv[:1])
        image = QImage(str(ROOT / "resources" / "icons" / "app.svg"))
        if image.isNull():
            raise RuntimeError("Qt không đọc được biểu tượng SVG (thiếu plugin imageformats/qsvg)")
        return f"nền {QGuiApplication.platformName() if isinstance(app, QGuiApplication) else '?'}, biểu tượng {image.width()}×{image.height()}"

    def data_location(self) -> str:
        """User data never goes beside the program."""
        import platformdirs

        from models.db import APP_NAME

        program = Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else ROOT
        user = platformdirs.user_data_path(APP_NAME, appauthor=False).resolve()
        if user == program or program in user.parents:
            raise RuntimeError(f"thư mục dữ liệu {user} nằm trong thư mục chương trình {program}")
        return f"dữ liệu người dùng ở {user}"


STEPS: list[tuple[str, Callable[[_Run], str]]] = [
    ("Tài nguyên đóng gói", _Run.resources),
    ("Tạo và nâng cấp CSDL", _Run.database_step),
    ("Nạp dữ liệu mẫu", _Run.demo),
    ("Dự thảo năm 2024", _Run.draft),
    ("In giấy khen (PDF)", _Run.certificate),
    ("Tạo văn bản", _Run.document),
    ("Qt (không màn hình)", _Run.qt),
    ("Nơi lưu dữ liệu", _Run.data_location),
]


def run_self_test(report: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run every step (stopping at the first failure, since later steps need earlier ones)."""
    results: list[StepResult] = []
    with tempfile.TemporaryDirectory(prefix="tdkt-tu-kiem-tra-") as tmp:
        folder = Path(tmp)
        with _temporary_data_dir(folder):
            run = _Run(folder)
            try:
                for name, step in STEPS:
                    start = time.perf_counter()
                    skipped = False
                    try:
                        detail, ok = step(run), True
                    except Skipped as exc:
                        detail, ok, skipped = str(exc), True, True
                    except Exception as exc:  # noqa: BLE001 - reported as the step's failure
                        detail, ok = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", False
                    result = StepResult(name, ok, detail, time.perf_counter() - start, skipped)
                    results.append(result)
                    if report:
                        report(result)
                    if not ok:
                        break
            finally:
                if run.database is not None:
                    run.database.close()
    return results




