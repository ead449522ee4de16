"""Sessions of signed-in users: they end after an idle period and after a maximum age, and what they are shown is
never stored by a browser or a proxy cache (staff pages show people's names and contacts).

Activity is any request the user makes, except a page's automatic polling (htmx requests marked with the
X-Doithoai-Poll header by static/js/poll.js): a progress bar left open must not keep a session alive on an office PC.
The last activity is written at most once a minute, so a busy user does not cost a session write per request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

LAST_ACTIVITY = "doithoai_last_activity"
STARTED = "doithoai_started"
POLL_HEADER = "X-Doithoai-Poll"
WRITE_EVERY = 60  # seconds


def _expired(request: HttpRequest, now: float) -> str:
    """Why the session is over ("" while it is valid)."""
    session = request.session
    started = session.get(STARTED, now)
    if now - started > settings.SESSION_MAX_AGE:
        return "Phiên làm việc đã quá %s giờ; xin đăng nhập lại." % (settings.SESSION_MAX_AGE // 3600)
    if now - session.get(LAST_ACTIVITY, now) > settings.SESSION_IDLE:
        return "Bạn đã không thao tác trong %s phút nên phiên làm việc đã kết thúc; xin đăng nhập lại." % (
            settings.SESSION_IDLE // 60
        )
    return ""


def start(sender, request: HttpRequest, user, **kwargs) -> None:
    """On log-in (the user_logged_in signal, connected by the accounts app): the session's clocks start now."""
    now = time.time()
    request.session[STARTED] = request.session[LAST_ACTIVITY] = now


class StaffSessionMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = _expired(request, now)
        if reason:
            logout(request)
            messages.info(request, reason)
            return self._to_login(request)
        session = request.session
        session.setdefault(STARTED, now)
        if not request.headers.get(POLL_HEADER) and now - session.get(LAST_ACTIVITY, 0) > WRITE_EVERY:
            session[LAST_ACTIVITY] = now
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)  # no-store, private: never kept by a browser's or proxy's cache
            patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse:
        login = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request") == "true":  # a page part or a poll asks: send the whole page there
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return login
