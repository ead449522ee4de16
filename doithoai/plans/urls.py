"""Staff pages of plans and dialogues (under /can-bo/): each page module lists its own routes."""

from doithoai.plans import dialogue_views, plan_views, reception_views, speaker_views

app_name = "plans"
urlpatterns = [
    *plan_views.urlpatterns,
    *dialogue_views.urlpatterns,
    *speaker_views.urlpatterns,
    *reception_views.urlpatterns,
]
