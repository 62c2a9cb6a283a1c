from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    """Kinds of organisation the guides name as eligible applicants (申报主体)."""

    IP_SERVICE = "ip_service", _("IP service agency")
    PATENT_AGENCY = "patent_agency", _("Patent agency")
    TRADEMARK_AGENCY = "trademark_agency", _("Trademark agency")
    IP_OPERATION = "ip_operation", _("IP operation agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association or organisation")
    SOCIAL_ORG = "social_org", _("Social organisation")
    INDUSTRY_ALLIANCE = "industry_alliance", _("Industry technology alliance")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    LAB = "lab", _("Laboratory")
    PARK = "park", _("Industrial park")
    GOVERNMENT = "government", _("Government body")
    FINANCIAL = "financial", _("Financial institution")
    MEDIA = "media", _("Media platform")
    TRAINING_BASE = "training_base", _("Recognised training base")
    INDUSTRY_FUND = "industry_fund", _("Industry fund")
    OTHER = "other", _("Other")


# A type a guide names admits these narrower types too: "知识产权服务机构" covers patent agencies,
# trademark agencies and IP operation agencies. One place, read by the eligibility rules.
ORG_TYPE_FAMILIES: dict[str, frozenset[str]] = {
    OrgType.IP_SERVICE: frozenset({OrgType.PATENT_AGENCY, OrgType.TRADEMARK_AGENCY, OrgType.IP_OPERATION}),
}


def org_type_admitted(org_type: str, named_types) -> bool:
    """True if ``org_type`` is one of ``named_types`` or belongs to the family of one of them."""
    return any(org_type == named or org_type in ORG_TYPE_FAMILIES.get(named, ()) for named in named_types)


def admitted_types(named_types) -> list[str]:
    """Every type that ``named_types`` admit, in OrgType order."""
    return [t for t in OrgType.values if org_type_admitted(t, named_types)]


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class AwardCategory(models.TextChoices):
    """What kind of award a track makes; history rules ("no prior award of this kind") match on it."""

    HIGH_VALUE_PATENT = "high_value_patent", _("High-value patent cultivation")
    PATENT_IMPLEMENTATION = "patent_implementation", _("Patent technology implementation")
    IP_ADVANTAGE_TITLE = "ip_advantage_title", _("IP advantage or demonstration enterprise title")
    IP_PROJECT = "ip_project", _("IP project")


class RecordLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
