"""The application's name and version."""
VERSION = "0.1.0"
APP_TITLE = "Quản lý Thi đua - Khen thưởng"
ORGANISATION = "Văn phòng - Thường trực Hội đồng Thi đua - Khen thưởng"
