"""Khiếu nại and tố cáo: the kinds of opinion that follow their own laws (Luật Khiếu nại, Luật Tố cáo) — never
public, never merged, never answered at a dialogue, their submitter's identity read only by those the rules name.

One definition for every layer: the permission rules (accounts), the outbox's masking (notifications), the
petitions' actions, queries and pages; `petitions.models.Petition.Kind` names the same codes (a test checks it)."""

CONFIDENTIAL_KINDS = ("khieu_nai", "to_cao")
