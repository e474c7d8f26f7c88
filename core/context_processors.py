from django.conf import settings


def site(request):
    return {
        "office_name": settings.RK_OFFICE_NAME,
        "office_address": settings.RK_OFFICE_ADDRESS,
        "office_phone": settings.RK_OFFICE_PHONE,
        "province": settings.RK_PROVINCE,
    }
