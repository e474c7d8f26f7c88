"""What an owner confirms when approving a design proof (stored with the approved version)."""
from django.utils.translation import gettext_lazy as _

APPROVAL_CHECKLIST = [
    ("spelling", _("The spelling of every text is correct")),
    ("ingredients", _("The ingredients are complete and in the right order")),
    ("net_content", _("The net content is right")),
    ("permits", _("The permit numbers (P-IRT/MD, halal) are right")),
    ("colours", _("The colours and logo are as I want them")),
]
