from django.shortcuts import render
from django.utils.translation import gettext as _


def not_found(request, exception=None):
    return render(request, "core/error.html", {"title": _("Page not found"), "message": _("The page you asked for does not exist or is not yours to see.")}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"title": _("Not allowed"), "message": _("Your account cannot open this page.")}, status=403)


def server_error(request):
    return render(request, "core/error.html", {"title": _("Something went wrong"), "message": _("The error has been logged. Please go back and try again in a moment.")}, status=500)


def ratelimited(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": _("Too many attempts"), "message": _("Please wait a minute before trying again.")},
        status=429,
    )
