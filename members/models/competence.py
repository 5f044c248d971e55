"""What an organisation offers or needs in one competence area."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models.organisations import Organisation
from members.models.reference import CompetenceArea, ValueChainSegment


class CompetenceKind(models.TextChoices):
    OFFER = "offer", _("Offers")
    NEED = "need", _("Needs")


class Competence(models.Model):
    """What an organisation can offer (where it is far ahead) or needs, in one area."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="competences"
    )
    kind = models.CharField(_("offer or need"), max_length=5, choices=CompetenceKind.choices)
    area = models.ForeignKey(
        CompetenceArea, verbose_name=_("competence area"), on_delete=models.PROTECT
    )
    segment = models.ForeignKey(
        ValueChainSegment,
        verbose_name=_("value-chain segment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    text = models.CharField(_("in one line"), max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competence offer or need")
        verbose_name_plural = _("competence offers and needs")
        ordering = ["area__position", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "area"], name="one_competence_per_kind_and_area"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_kind_display()} · {self.area}"
