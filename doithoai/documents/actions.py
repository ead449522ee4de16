"""Numbering documents: the only way a number is taken from a register."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from doithoai.documents.models import Document, DocumentRegister, PartyTerm


class RegisterError(Exception):
    pass


def register_for(issuing_body, doc_type: str, on: dt.date, *, style: str, body_symbol: str) -> DocumentRegister:
    """The register of a body, type and period (the Party term containing `on`, or its year)."""
    if style == DocumentRegister.Style.PARTY:
        term = PartyTerm.objects.filter(unit=issuing_body.unit, starts_on__lte=on, ends_on__gte=on).first()
        if term is None:
            raise RegisterError("Chưa khai báo nhiệm kỳ của cấp ủy cho ngày này.")
        period = {"party_term": term, "year": None}
    else:
        period = {"party_term": None, "year": on.year}
    register, _ = DocumentRegister.objects.get_or_create(
        issuing_body=issuing_body,
        doc_type=doc_type,
        style=style,
        **period,
        defaults={"unit": issuing_body.unit, "body_symbol": body_symbol},
    )
    return register


def issue_number(
    register: DocumentRegister, *, issued_on: dt.date, summary: str, signer_post=None, by=None
) -> Document:
    """Take the next number of a register: no gap, no duplicate, even when two people issue at once.

    The unique (register, number) constraint decides a race; the loser reads the new maximum and retries.
    """
    for _attempt in range(10):
        try:
            with transaction.atomic():
                last = register.documents.aggregate(m=Max("number"))["m"] or 0
                number = max(last, register.numbers_before_system) + 1
                return Document.objects.create(
                    register=register,
                    number=number,
                    issued_on=issued_on,
                    summary=summary,
                    signer_post=signer_post,
                    created_by=by,
                )
        except IntegrityError:
            continue
    raise RegisterError("Không cấp được số văn bản, xin thử lại.")
