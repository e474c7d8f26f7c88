from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation


class LanguageMiddleware:
    """Activate the language the person chose, else Indonesian.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many owners use
    phones set to English but expect the office's service in Bahasa Indonesia. The choice comes
    from the language cookie set by the switcher, else from the signed-in user's saved choice
    (so it follows them to another phone). Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user and user.is_authenticated else None
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


class RejectNullBytesMiddleware:
    """Answer 400 to a path or query string with a NUL byte.

    PostgreSQL text cannot hold NUL, so such a value reaching a lookup would raise a DataError
    (a 500). Form fields already refuse NUL in posted data; this covers URLs and query strings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        return self.get_response(request)
