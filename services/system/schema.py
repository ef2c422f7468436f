"""Schema maintenance for developers and administrators:
``python main.py schema current`` and ``python main.py schema revision --message "..."``."""
from __future__ import annotations








