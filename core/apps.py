from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image

from core import checks  # noqa: F401 - registers the deployment checks


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # Pillow warns (DecompressionBombWarning) above this many pixels and refuses at twice it.
        # Our ceiling is far below Pillow's default of ~89 million; uploads treat the warning as an error.
        Image.MAX_IMAGE_PIXELS = settings.RK_MAX_IMAGE_PIXELS
