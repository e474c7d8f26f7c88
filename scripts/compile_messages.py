"""Compile the .po catalogues to .mo with polib (pure Python: no gettext needed on the machine)."""
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

# The project's catalogue (locale/) and any app's own (APP/locale/), e.g. for apps added later.
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po"))

for po_path in CATALOGUES:
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{po_path.relative_to(ROOT)}: {po.percent_translated()}% translated")
