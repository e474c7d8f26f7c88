"""Validators shared by the apps' forms."""
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Names and other fields that may end up in a mail header, a file name or a WhatsApp first line:
# a CR or LF there could start a new header line (header injection).
single_line = RegexValidator(r"[\r\n]", inverse_match=True, code="line_break",
                             message=_("Write this on one line, without line breaks."))


def keep_single_line(form, *names) -> None:
    for name in names:
        form.fields[name].validators.append(single_line)
