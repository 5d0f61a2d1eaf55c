"""Where in the editor a comment points: the same place Check for errors would jump to."""

from __future__ import annotations

from imr_app.core.comments import AnchorKind
from imr_app.core.model import CommentAnchor, SectionId
from imr_app.services.checks import Location


def location_for(anchor: CommentAnchor) -> Location | None:
    """The place in the editor a comment's anchor points at, if the editor has one."""
    ref = anchor.ref
    if anchor.kind == AnchorKind.ANSWER:
        return Location(SectionId.TERMS_OF_REFERENCE, ref, "answer")
    if anchor.kind == AnchorKind.CHRONOLOGY:
        return Location(SectionId.CHRONOLOGY, ref, "")
    if anchor.kind == AnchorKind.RECOMMENDATION:
        return Location(SectionId.RECOMMENDATIONS, ref, "text")
    if anchor.kind == AnchorKind.EQUALITY:
        subject_id, _, characteristic = ref.partition(":")
        return Location(SectionId.EQUALITY, subject_id, characteristic)
    if anchor.kind == AnchorKind.SECTION:
        try:
            return Location(SectionId(ref))
        except ValueError:
            return None
    return None
