"""The fixed codes of the domain (``rules-2024.md`` section 1, ``exchange-format.md``)
with their Vietnamese labels. Codes are part of the exchange format: never rename one.

Dicts keep the order of the reference tables (best or lightest first).
"""
from __future__ import annotations

RATINGS: dict[str, str] = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
# Higher is better: HTXSNV=3 ... KHTNV=0.
RATING_RANK: dict[str, int] = {code: len(RATINGS) - 1 - i for i, code in enumerate(RATINGS)}

DISCIPLINES: dict[str, str] = {
    "khien_trach": "Khiển trách",
    "canh_cao": "Cảnh cáo",
    "ha_bac_luong": "Hạ bậc lương",
    "giang_chuc": "Giáng chức",
    "cach_chuc": "Cách chức",
    "buoc_thoi_viec": "Buộc thôi việc",
}
# Heavier is higher: khien_trach=1 ... buoc_thoi_viec=6.
DISCIPLINE_WEIGHT: dict[str, int] = {code: i + 1 for i, code in enumerate(DISCIPLINES)}

INITIATIVE_LEVELS: dict[str, str] = {
    "co_so": "Cấp cơ sở",
    "tinh": "Cấp bộ, ngành, tỉnh",
    "toan_quoc": "Cấp toàn quốc",
}
INITIATIVE_LEVEL_RANK: dict[str, int] = {code: i for i, code in enumerate(INITIATIVE_LEVELS)}

UNIT_KINDS: dict[str, str] = {
    "phong": "Phòng chuyên môn",
    "don_vi": "Đơn vị trực thuộc",
    "phong_huyen": "Phòng cấp huyện",
    "khac": "Khác",
}

GENDERS: dict[str, str] = {"nam": "Nam", "nu": "Nữ"}

# Subjects a title applies to.
SUBJECTS: dict[str, str] = {"person": "Cá nhân", "unit": "Tập thể", "both": "Cá nhân hoặc tập thể"}

# Danh hiệu thi đua (title) versus hình thức khen thưởng (reward).
TITLE_KINDS: dict[str, str] = {"title": "Danh hiệu thi đua", "reward": "Hình thức khen thưởng"}

# Levels of the authority that grants a title or signs a decision.
AUTHORITY_LEVELS: dict[str, str] = {
    "co_so": "Thủ trưởng cơ quan (Giám đốc Sở)",
    "tinh": "Chủ tịch UBND tỉnh",
    "bo": "Bộ trưởng",
    "nha_nuoc": "Thủ tướng Chính phủ, Chủ tịch nước",
}

# (code, name, subject, kind, level) in the order of the table of rules-2024.md.
TITLES: list[tuple[str, str, str, str, str]] = [
    ("LDTT", "Lao động tiên tiến", "person", "title", "co_so"),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "person", "title", "co_so"),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp bộ, ngành, tỉnh", "person", "title", "tinh"),
    ("CSTD_TOANQUOC", "Chiến sĩ thi đua toàn quốc", "person", "title", "nha_nuoc"),
    ("GIAY_KHEN", "Giấy khen của Giám đốc Sở", "both", "reward", "co_so"),
    ("BK_TINH", "Bằng khen của Chủ tịch UBND tỉnh", "both", "reward", "tinh"),
    ("BK_BO", "Bằng khen của Bộ trưởng", "both", "reward", "bo"),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "both", "reward", "nha_nuoc"),
    ("TTLDTT", "Tập thể lao động tiên tiến", "unit", "title", "co_so"),
    ("TTLDXS", "Tập thể lao động xuất sắc", "unit", "title", "tinh"),
    ("CO_TINH", "Cờ thi đua của UBND tỉnh", "unit", "title", "tinh"),
    ("CO_BO", "Cờ thi đua của Bộ", "unit", "title", "bo"),
]
TITLE_CODES: list[str] = [t[0] for t in TITLES]

# States of a nomination list (danh sách đề nghị), in workflow order.
LIST_STATES: dict[str, str] = {
    "nhap": "Nháp",
    "trinh_hoi_dong": "Trình Hội đồng",
    "hoi_dong_da_binh_xet": "Hội đồng đã bình xét",
    "da_quyet_dinh": "Đã quyết định",
}

# Where a nomination stands on its list.
NOMINATION_GROUPS: dict[str, str] = {
    "selected": "Được đề nghị",
    "over_quota": "Vượt tỷ lệ",
    "ineligible": "Không đủ điều kiện",
}
OVERRIDES: dict[str, str] = {"added": "Thêm thủ công", "removed": "Loại thủ công"}

DECISION_STATES: dict[str, str] = {"hieu_luc": "Có hiệu lực", "da_huy": "Đã hủy"}

CERTIFICATE_MODES: dict[str, str] = {"full": "In đầy đủ trên giấy trắng", "overlay": "In lên phôi"}

ROLES: dict[str, str] = {"quan_tri": "Quản trị", "chuyen_vien": "Chuyên viên", "xem": "Chỉ xem"}


def check_in(column: str, codes: dict[str, str] | list[str]) -> str:
    """SQL text of a CHECK that ``column`` holds one of ``codes`` (or NULL)."""
    values = ", ".join(f"'{c}'" for c in codes)
    return f"{column} IS NULL OR {column} IN ({values})"
