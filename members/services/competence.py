"""What an organisation offers or needs in one competence area."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.models import (
    Competence,
    CompetenceArea,
    CompetenceKind,
    Organisation,
    ValueChainSegment,
)
from portal.page_cache import COMPETENCE, page_cache_bump


def competence_save(
    *,
    organisation: Organisation,
    kind: str,
    area: CompetenceArea,
    text: str,
    segment: ValueChainSegment | None = None,
) -> Competence:
    """Record or update what an organisation offers or needs in one competence area."""
    if kind not in CompetenceKind.values:
        raise ValidationError(_("Choose offer or need."))
    competence = Competence.objects.filter(
        organisation=organisation, kind=kind, area=area
    ).first() or Competence(organisation=organisation, kind=kind, area=area)
    competence.text = text
    competence.segment = segment
    competence.full_clean()
    competence.save()
    page_cache_bump(COMPETENCE)
    return competence


def competence_delete(*, competence: Competence) -> None:
    competence.delete()
    page_cache_bump(COMPETENCE)
