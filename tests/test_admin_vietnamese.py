"""The admin (/quan-tri/) in Vietnamese: every application and model heading, the libraries' included (the
background tasks of django-tasks-db), and none of the English Django leaves untranslated."""

import re

import pytest
from django.conf import settings
from django.contrib import admin

from tests import factories

ENGLISH = [
    "Tasks Database Backend",
    "Task Result",
    "Task name",
    "Enqueued at",
    "Queue name",
    "Run after",
    "Traceback",
    "Model name",
    "Add link",
    "Change or view list link",
    "Skip to main content",
    "Toggle theme",
    "Breadcrumbs",
    "Sidebar",
    "Toggle navigation",
    "Filter navigation items",
    "Show counts",
    "Select all objects on this page",
    "Axes",
    "Access attempt",
    "Access log",
    "Access failure",
    "Authentication and Authorization",
    ">Code<",
    ">Successful<",
    ">Ready<",
    ">Failed<",
]


@pytest.fixture
def admin_client_vi(client, db):
    client.force_login(factories.UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def _headings(html: str) -> list[str]:
    """The application captions and model rows of the admin's index and sidebar."""
    found = re.findall(r"<caption>(.*?)</caption>|<th scope=\"row\"[^>]*>(.*?)</th>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", a or b).strip() for a, b in found]


def test_every_heading_of_the_admin_index_is_vietnamese(admin_client_vi):
    html = admin_client_vi.get("/quan-tri/").content.decode()
    headings = _headings(html)
    assert "Tác vụ nền" in headings and "Kết quả tác vụ nền" in headings
    for text in ENGLISH:
        assert text not in html, text
    # Every heading has a Vietnamese letter or is one of the product's names written without accents.
    assert [h for h in headings if re.fullmatch(r"[A-Za-z ]+", h)] == []


def test_every_model_page_of_the_admin_is_free_of_the_english_left_by_the_libraries(admin_client_vi, commune):
    from django_tasks_db.models import DBTaskResult

    from doithoai.notifications.tasks import deliver

    deliver.enqueue(0)  # one background task's result to list
    assert DBTaskResult.objects.exists()
    for model in admin.site._registry:
        url = f"/quan-tri/{model._meta.app_label}/{model._meta.model_name}/"
        response = admin_client_vi.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for text in ENGLISH:
            assert text not in html, (url, text)
    result = DBTaskResult.objects.first()
    html = admin_client_vi.get(f"/quan-tri/django_tasks_database/dbtaskresult/{result.pk}/change/").content.decode()
    assert "Chi tiết lỗi" in html and "Trạng thái" in html and "Chờ chạy" in html


def test_nothing_of_django_axes_remains():
    assert not any("axes" in app for app in settings.INSTALLED_APPS)
    assert not any("axes" in m.lower() for m in settings.MIDDLEWARE)
    assert not any("axes" in b.lower() for b in settings.AUTHENTICATION_BACKENDS)
