"""Reference data named in both portal languages: value-chain segments, competence areas."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Reference data named in both portal languages."""

    name_nb = models.CharField(_("name (Norwegian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    slug = models.SlugField(unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb


class ValueChainSegment(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("value-chain segment")
        verbose_name_plural = _("value-chain segments")


class CompetenceArea(BilingualName):
    description = models.TextField(_("description"), blank=True)

    class Meta(BilingualName.Meta):
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
