"""The demo's public pages tell its story: the year links stay within the years that have dialogues, and the opinion
reopened by "chưa hài lòng" keeps its answer with a deadline counted from its reopening."""

from django.utils import timezone

from doithoai.petitions.models import Answer


def test_the_demos_year_links_and_reopened_opinion_are_consistent(demo, client):
    html = client.get("/doi-thoai/").content.decode()
    assert "Lịch tiếp xúc, đối thoại năm 2026" in html
    assert "?nam=2025" not in html and "?nam=2027" not in html  # the demo's dialogues are all of 2026
    assert "Năm 2026" in client.get("/doi-thoai/?nam=2009").content.decode()  # an old year leads back to 2026

    rated = Answer.objects.filter(satisfaction=Answer.Satisfaction.UNSATISFIED).select_related("petition")
    assert rated, "the demo has an opinion reopened by an unsatisfied submitter"
    for answer in rated:
        petition = answer.petition
        assert petition.deadline > timezone.localdate(answer.satisfaction_at)
        page = client.get(f"/tra-cuu/{petition.code}/").content.decode()
        assert "Ý kiến đang được xem xét lại" in page and "Câu trả lời trước, công khai ngày" in page
        assert f"{petition.deadline:%d/%m/%Y}" in page
