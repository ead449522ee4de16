"""Log-in (with the lockout of throttle.py) and the coordinator's page of locked accounts."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from doithoai.accounts import actions, forms, permissions, queries, throttle
from doithoai.accounts.models import User
from doithoai.lib.responses import after_post


class LoginView(auth_views.LoginView):
    """Đăng nhập: a locked name gets the lockout page (429); a successful log-in remembers this browser."""

    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if form.locked:
            context = {"lock_minutes": settings.LOGIN_LOCK_MINUTES}
            return render(self.request, "accounts/locked_out.html", context, status=429)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember_device(self.request, response, form.get_user().username)
        return response

    def get_default_redirect_url(self) -> str:
        """Without a (safe) `next`: the staff home, or the admin for an administrator with no role in the product
        (whom the staff home would turn away)."""
        user = self.request.user
        if user.is_staff and not permissions.roles_of(user) and not user.dialogue_roles.exists():
            return reverse("admin:index")
        return super().get_default_redirect_url()


def _unit_accounts(user) -> list[User]:
    accounts = queries.unit_accounts(user)
    if accounts is None:
        raise PermissionDenied("account.unlock")
    return accounts


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """Tài khoản bị khóa đăng nhập: the unit's accounts locked now, and from where, with "Mở khóa"."""
    _unit_accounts(request.user)
    return render(request, "accounts/lockouts.html", {"locked": queries.locked_accounts(request.user)})


@login_required
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.filter(pk__in=[a.pk for a in _unit_accounts(request.user)]), pk=pk)
    actions.unlock_login(account, by=request.user)
    return after_post(request, reverse("accounts:lockouts"), f"Đã mở khóa đăng nhập cho tài khoản {account.username}.")
