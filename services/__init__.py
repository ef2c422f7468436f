"""Domain logic and file formats. Nothing here imports QtWidgets: every feature is a
function callable from tests, from the command line (``python main.py ...``) and from ui/."""
