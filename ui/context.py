"""What every page is given: the open database, and a signal when another one is opened."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from models.db import Database


class AppContext(QObject):
    """The window's shared state. Pages read ``context.database`` and connect to
    ``database_changed`` to reload their data when the user opens another database."""

    database_changed = Signal(object)  # the new Database

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database

    @property
    def database(self) -> Database:
        return self._database

    def set_database(self, database: Database) -> None:
        """Switch to ``database``, tell every page, then close the previous one."""
        previous = self._database
        if database is previous:
            return
        self._database = database
        self.database_changed.emit(database)
        previous.close()

    def close(self) -> None:
        self._database.close()
