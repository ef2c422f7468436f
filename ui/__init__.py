"""The PySide6 interface: windows, pages, dialogs and table models. It calls services/."""
