"""Responses shared by the staff pages."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh


def after_post(request: HttpRequest, url: str, message: str = "") -> HttpResponse:
    """Where a successful form post goes (post/redirect/get), with its success message shown there. Without
    JavaScript a redirect; with htmx the browser is told to load the page, or to reload it when it is the page
    already shown: a redirect to the same page with only an #anchor added would move the view and load nothing."""
    if message:
        messages.success(request, message)
    if not request.htmx:
        return redirect(url)
    current = urlsplit(request.htmx.current_url or "")
    target = urlsplit(url)
    if current.path == target.path and current.query == target.query:
        return HttpResponseClientRefresh()
    return HttpResponseClientRedirect(url)
