from django.conf import settings
from django.utils.functional import lazy

from core.office import office_hours


def site(request):
    return {
        "office_name": settings.RK_OFFICE_NAME,
        "office_address": settings.RK_OFFICE_ADDRESS,
        "office_phone": settings.RK_OFFICE_PHONE,
        "office_hours": lazy(office_hours, str)(),
        "province": settings.RK_PROVINCE,
    }
