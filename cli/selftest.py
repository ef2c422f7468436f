"""Command line: the commands of ``services.system.selftest``."""
from __future__ import annotations

import argparse

from services.system import selftest
from services.system.selftest import StepResult, run_self_test


def _cmd_self_test(args: argparse.Namespace) -> int:
    def show(r: StepResult) -> None:
        status = "BỎ QUA" if r.skipped else "ĐẠT" if r.ok else "LỖI"
        print(f"[{status}] {r.name} ({r.seconds:.1f} s): {r.detail}", flush=True)

    results = run_self_test(show)
    ok = len(results) == len(selftest.STEPS) and all(r.ok for r in results)
    skipped = [r.name for r in results if r.skipped]
    print(("Tự kiểm tra: ĐẠT" + (f" (bỏ qua: {', '.join(skipped)})." if skipped else ".")) if ok
          else "Tự kiểm tra: CÓ LỖI (xem trên).", flush=True)
    return 0 if ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "self-test", help="tự kiểm tra bản cài đặt (CSDL, dữ liệu mẫu, dự thảo, in giấy khen), mã thoát 0 nếu đạt",
        description="Trong một thư mục tạm (không đụng tới dữ liệu người dùng): tạo CSDL và nâng cấp lược đồ, nạp dữ liệu "
                    "mẫu, dự thảo năm 2024, in một quyết định giấy khen ra PDF, tạo văn bản, kiểm tra tài nguyên và Qt.")
    p.set_defaults(handler=_cmd_self_test)

