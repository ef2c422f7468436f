"""The data model: SQLAlchemy typed ORM classes, the database factory and migrations.

No business rules live here; see ``services/``.
"""
from .agency import Agency, Setting, Signer, UserAccount
from .audit import AuditEntry
from .base import Base, NFCString, NFCText, nfc
from .certificate import CertificateRecord
from .decision import Award, Decision
from .nomination import CouncilMeeting, Nomination, NominationList
from .organisation import Person, PersonUnitHistory, Unit
from .plan import EmulationPlan, Phase, Registration, Target, TitleTarget
from .records import Evaluation, Initiative, UnitEvaluation
from .rules import RuleSet, Title

__all__ = [
    "Agency", "AuditEntry", "Award", "Base", "CertificateRecord", "CouncilMeeting", "Decision",
    "EmulationPlan", "Evaluation", "Initiative", "NFCString", "NFCText", "Nomination",
    "NominationList", "Person", "PersonUnitHistory", "Phase", "Registration", "RuleSet", "Setting",
    "Signer", "Target", "Title", "TitleTarget", "Unit", "UnitEvaluation", "UserAccount", "nfc",
]
