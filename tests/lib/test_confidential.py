from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.petitions.models import Petition


def test_the_confidential_kinds_are_the_petitions_complaint_and_denunciation():
    labels = dict(Petition.Kind.choices)
    assert {labels[kind].lower() for kind in CONFIDENTIAL_KINDS} == {"khiếu nại", "tố cáo"}


def test_a_petition_of_those_kinds_is_confidential_and_no_other():
    assert [k for k in Petition.Kind.values if Petition(kind=k).is_confidential] == list(CONFIDENTIAL_KINDS)
