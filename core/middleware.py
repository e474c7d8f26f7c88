from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Activate the language the person chose, else Indonesian.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many owners use
    phones set to English but expect the office's service in Bahasa Indonesia. The choice comes
    from the language cookie set by the switcher (``set_language``), which also follows the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        translation.deactivate()
        return response
