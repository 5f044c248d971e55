"""The fictional demo network: Norwegian battery-value-chain organisations, people and needs.

All names, addresses, e-mail domains (``.example``) and organisation numbers are made up.
"""

import datetime
from dataclasses import dataclass, field

from members.models import CompetenceKind, ParticipantType, Role, SizeBand

CORE = ParticipantType.CORE
SUPPLIER = ParticipantType.SUPPLIER
OTHER = ParticipantType.OTHER
OFFER = CompetenceKind.OFFER
NEED = CompetenceKind.NEED


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    participant_type: str
    segments: tuple[str, ...]
    size_band: str
    street_address: str
    postal_code: str
    city: str
    description: str
    member_since: datetime.date
    competences: tuple[tuple[str, str, str], ...] = field(default=())  # (kind, area slug, text)

    @property
    def domain(self) -> str:
        return f"{self.key}.example"


ORGANISATIONS = (
    # --- Core companies ---------------------------------------------------------------------
    DemoOrganisation(
        "nordlys-battericeller",
        "Nordlys Battericeller AS",
        CORE,
        ("cells",),
        SizeBand.LARGE,
        "Industriveien 12",
        "8622",
        "Mo i Rana",
        "Bygger en fabrikk for litium-ion-battericeller drevet av fornybar kraft fra Helgeland.",
        datetime.date(2022, 3, 1),
        (
            (
                OFFER,
                "cell-manufacturing",
                "Oppskalering av elektrodelinjer fra pilot til gigafabrikk.",
            ),
            (NEED, "operators-skills", "Vi trenger 300 operatører og fagarbeidere innen 2027."),
            (NEED, "automation", "Maskinsyn for inspeksjon av elektrodefolie."),
        ),
    ),
    DemoOrganisation(
        "skarvik-anode",
        "Skarvik Anodematerialer AS",
        CORE,
        ("materials",),
        SizeBand.MEDIUM,
        "Herøya industripark, bygg 92",
        "3936",
        "Porsgrunn",
        "Produserer syntetisk grafitt til anoder med lavt klimaavtrykk.",
        datetime.date(2022, 3, 1),
        (
            (
                OFFER,
                "materials-processing",
                "Grafittisering i industriell skala med lavt CO₂-utslipp.",
            ),
            (NEED, "lca-sustainability", "Livsløpsanalyse som kundene i EU godtar."),
        ),
    ),
    DemoOrganisation(
        "helgeland-katode",
        "Helgeland Katode AS",
        CORE,
        ("materials",),
        SizeBand.MEDIUM,
        "Kippermoen 4",
        "8657",
        "Mosjøen",
        "Utvikler og produserer katodematerialer (LFP og NMC) for europeiske cellefabrikker.",
        datetime.date(2022, 6, 15),
        (
            (OFFER, "electrochemistry", "Karakterisering av katodepulver og halvcelletesting."),
            (NEED, "quality-testing", "Akkreditert laboratorium for sporstoffanalyse."),
        ),
    ),
    DemoOrganisation(
        "varanger-grafitt",
        "Varanger Grafitt AS",
        CORE,
        ("mining",),
        SizeBand.MEDIUM,
        "Gruveveien 3",
        "9900",
        "Kirkenes",
        "Driver en grafittforekomst og foredler naturlig grafitt i Øst-Finnmark.",
        datetime.date(2023, 1, 10),
        ((NEED, "regulation", "Sporbarhet og due diligence etter batteriforordningen."),),
    ),
    DemoOrganisation(
        "raumadal-batteripakker",
        "Raumadal Batteripakker AS",
        CORE,
        ("modules-packs",),
        SizeBand.MEDIUM,
        "Havnegata 21",
        "6300",
        "Åndalsnes",
        "Designer og bygger batteripakker for skip, ferjer og tungtransport.",
        datetime.date(2022, 9, 1),
        (
            (OFFER, "bms-systems", "Batteristyring og sertifisering for maritime batterisystemer."),
            (OFFER, "safety", "Brannsikker design av batterirom om bord."),
        ),
    ),
    DemoOrganisation(
        "tinnsjo-litium",
        "Tinnsjø Litiumraffineri AS",
        CORE,
        ("materials", "mining"),
        SizeBand.SMALL,
        "Såheim industriområde 7",
        "3660",
        "Rjukan",
        "Raffinerer litiumhydroksid av batterikvalitet med vannkraft.",
        datetime.date(2022, 9, 1),
        ((NEED, "materials-processing", "Krystallisering og tørking av litiumhydroksid."),),
    ),
    DemoOrganisation(
        "ofoten-battery-systems",
        "Ofoten Battery Systems AS",
        CORE,
        ("modules-packs", "cells"),
        SizeBand.MEDIUM,
        "Fagernesveien 30",
        "8514",
        "Narvik",
        "Leverer energilagringssystemer for havbruk, nett og industri i nord.",
        datetime.date(2023, 4, 1),
        ((OFFER, "bms-systems", "Integrasjon av energilagre mot svake distribusjonsnett."),),
    ),
    DemoOrganisation(
        "grenland-gjenvinning",
        "Grenland Gjenvinning AS",
        CORE,
        ("recycling",),
        SizeBand.MEDIUM,
        "Rødmyrsvingen 40",
        "3717",
        "Skien",
        "Hydrometallurgisk gjenvinning av litium, nikkel og kobolt fra brukte batterier.",
        datetime.date(2022, 3, 1),
        (
            (
                OFFER,
                "recycling-tech",
                "Hydrometallurgi med over 95 % gjenvinning av nikkel og kobolt.",
            ),
            (NEED, "safety", "Trygg lagring av skadde batterier før behandling."),
        ),
    ),
    DemoOrganisation(
        "vestfold-batterisirkel",
        "Vestfold Batterisirkel AS",
        CORE,
        ("second-life", "collection"),
        SizeBand.SMALL,
        "Kjelleveien 8",
        "3125",
        "Tønsberg",
        "Gir brukte elbilbatterier et nytt liv som stasjonære energilagre.",
        datetime.date(2023, 8, 15),
        ((OFFER, "quality-testing", "Rask tilstandsvurdering (SoH) av brukte batterimoduler."),),
    ),
    DemoOrganisation(
        "nordkraft-batteri",
        "Nordkraft Batteri AS",
        CORE,
        ("modules-packs",),
        SizeBand.LARGE,
        "Fossegrenda 25",
        "7037",
        "Trondheim",
        "Morselskapet i Nordkraft Batteri-konsernet, som utvikler batterisystemer for industrien.",
        datetime.date(2022, 3, 1),
        ((NEED, "education", "Etterutdanning i batteriteknologi for ingeniører."),),
    ),
    DemoOrganisation(
        "nordkraft-produksjon",
        "Nordkraft Batteri Produksjon AS",
        CORE,
        ("modules-packs",),
        SizeBand.MEDIUM,
        "Grønøra industriområde 2",
        "7300",
        "Orkanger",
        "Produserer batterimoduler for konsernet og for eksterne kunder.",
        datetime.date(2022, 3, 1),
    ),
    # --- Suppliers --------------------------------------------------------------------------
    DemoOrganisation(
        "nordkraft-service",
        "Nordkraft Batteri Service AS",
        SUPPLIER,
        ("second-life",),
        SizeBand.SMALL,
        "Lysaker 9",
        "7500",
        "Stjørdal",
        "Service, reparasjon og ombruk av batterisystemer fra konsernet.",
        datetime.date(2023, 1, 1),
    ),
    DemoOrganisation(
        "fosen-automasjon",
        "Fosen Automasjon AS",
        SUPPLIER,
        ("cells", "modules-packs"),
        SizeBand.SMALL,
        "Kaiveien 5",
        "7130",
        "Brekstad",
        "Skreddersydd automasjon og robotceller for modul- og pakkemontasje.",
        datetime.date(2022, 11, 1),
        ((OFFER, "automation", "Robotisert montasje og sveising av battericeller i moduler."),),
    ),
    DemoOrganisation(
        "lagendal-testlab",
        "Lågendal Testlab AS",
        SUPPLIER,
        ("cells", "modules-packs"),
        SizeBand.SMALL,
        "Kirkegårdsveien 45",
        "3616",
        "Kongsberg",
        "Uavhengig testlaboratorium for celler, moduler og pakker.",
        datetime.date(2023, 2, 1),
        (
            (
                OFFER,
                "quality-testing",
                "Syklustesting og abuse-testing etter UN 38.3 og IEC 62660.",
            ),
            (OFFER, "safety", "Termisk rømling: testing og rådgivning."),
        ),
    ),
    DemoOrganisation(
        "sunnmore-robotikk",
        "Sunnmøre Robotikk AS",
        SUPPLIER,
        ("cells",),
        SizeBand.MEDIUM,
        "Moaveien 14",
        "6018",
        "Ålesund",
        "Robotikk og maskinsyn for produksjonslinjer i prosessindustrien.",
        datetime.date(2023, 5, 1),
        ((OFFER, "automation", "Maskinsyn for kvalitetskontroll av elektroder i linjefart."),),
    ),
    DemoOrganisation(
        "agder-prosessteknikk",
        "Agder Prosessteknikk AS",
        SUPPLIER,
        ("materials", "recycling"),
        SizeBand.SMALL,
        "Fiskåveien 1",
        "4621",
        "Kristiansand",
        "Prosessdesign og pilotanlegg for metallurgisk og kjemisk industri.",
        datetime.date(2022, 10, 1),
        ((OFFER, "materials-processing", "Pilotering av utlutning og felling i liten skala."),),
    ),
    DemoOrganisation(
        "trondelag-brannsikring",
        "Trøndelag Brannsikring AS",
        SUPPLIER,
        ("modules-packs", "recycling"),
        SizeBand.MICRO,
        "Sjøfartsgata 3",
        "7713",
        "Steinkjer",
        "Brannteknisk rådgivning for batterilagre, fabrikker og mottaksanlegg.",
        datetime.date(2024, 2, 1),
        ((OFFER, "safety", "Brannkonsept for batterilager og gjenvinningsanlegg."),),
    ),
    DemoOrganisation(
        "hardanger-elektrolytt",
        "Hardanger Elektrolytt AS",
        SUPPLIER,
        ("materials",),
        SizeBand.SMALL,
        "Smelteverksvegen 10",
        "5750",
        "Odda",
        "Utvikler elektrolytter og tilsetningsstoffer for litium-ion-celler.",
        datetime.date(2023, 9, 1),
        ((NEED, "electrochemistry", "Tilgang til celletesting for nye elektrolyttformuleringer."),),
    ),
    DemoOrganisation(
        "glamdal-torkeanlegg",
        "Glåmdal Tørkeanlegg AS",
        SUPPLIER,
        ("cells",),
        SizeBand.SMALL,
        "Industrigata 22",
        "2211",
        "Kongsvinger",
        "Tørrom og avfuktingsanlegg for celleproduksjon.",
        datetime.date(2023, 3, 1),
    ),
    DemoOrganisation(
        "lista-innsamling",
        "Lista Logistikk og Innsamling AS",
        SUPPLIER,
        ("collection",),
        SizeBand.MEDIUM,
        "Lista flyplass 6",
        "4563",
        "Borhaug",
        "Godkjent innsamling og transport av brukte og skadde batterier (ADR).",
        datetime.date(2022, 12, 1),
        ((OFFER, "regulation", "Transport av farlig gods og produsentansvar for batterier."),),
    ),
    DemoOrganisation(
        "vestland-returbatteri",
        "Vestland Returbatteri AS",
        SUPPLIER,
        ("collection", "recycling"),
        SizeBand.SMALL,
        "Kokstadvegen 30",
        "5257",
        "Kokstad",
        "Mottak, sortering og forbehandling av batterier fra Vestlandet.",
        datetime.date(2024, 1, 15),
    ),
    DemoOrganisation(
        "nordvik-kvalitet",
        "Nordvik Kvalitetssystemer AS",
        SUPPLIER,
        ("cells", "materials"),
        SizeBand.MICRO,
        "Storgata 4",
        "8006",
        "Bodø",
        "Digitale kvalitetssystemer og sporbarhet for batteriproduksjon.",
        datetime.date(2024, 3, 1),
        ((OFFER, "regulation", "Batteripass og digital sporbarhet i leverandørkjeden."),),
    ),
    # --- Others: research, education, clusters -----------------------------------------------
    DemoOrganisation(
        "fjellheim-forskning",
        "Fjellheim Forskningsinstitutt",
        OTHER,
        ("cells", "materials", "recycling"),
        SizeBand.LARGE,
        "Forskningsveien 2",
        "7034",
        "Trondheim",
        "Uavhengig forskningsinstitutt med laboratorier for batterimaterialer og celler.",
        datetime.date(2022, 3, 1),
        (
            (
                OFFER,
                "electrochemistry",
                "Pilotlinje for celler og avansert materialkarakterisering.",
            ),
            (OFFER, "lca-sustainability", "Livsløpsanalyser av batterier etter EU-metodikk."),
        ),
    ),
    DemoOrganisation(
        "batteriakademiet",
        "Batteriakademiet Rana",
        OTHER,
        ("cells", "modules-packs"),
        SizeBand.SMALL,
        "Skolegata 10",
        "8622",
        "Mo i Rana",
        "Fagskole som utdanner operatører og teknikere for batteriindustrien.",
        datetime.date(2023, 1, 1),
        (
            (OFFER, "operators-skills", "Ettårig fagskoleutdanning for celleoperatører."),
            (OFFER, "education", "Skreddersydde kurs for bedrifter i nettverket."),
        ),
    ),
    DemoOrganisation(
        "nordre-energiklynge",
        "Nordre Energiklynge",
        OTHER,
        ("mining", "materials", "cells", "modules-packs", "recycling"),
        SizeBand.MICRO,
        "Kongens gate 50",
        "8514",
        "Narvik",
        "Næringsklynge for energi- og batteribedrifter i Nord-Norge.",
        datetime.date(2022, 5, 1),
    ),
    DemoOrganisation(
        "helgeland-naeringshage",
        "Helgeland Næringshage AS",
        OTHER,
        ("collection", "second-life"),
        SizeBand.MICRO,
        "Nyrnes 3",
        "8656",
        "Mosjøen",
        "Hjelper gründere på Helgeland med å bygge bedrifter rundt batteriverdikjeden.",
        datetime.date(2023, 6, 1),
    ),
    DemoOrganisation(
        "sorlandet-katapult",
        "Sørlandet Materialkatapult AS",
        OTHER,
        ("materials", "recycling"),
        SizeBand.SMALL,
        "Gimlemoen 19",
        "4630",
        "Kristiansand",
        "Test- og demonstrasjonssenter for nye materialer og prosesser.",
        datetime.date(2022, 8, 1),
        ((OFFER, "materials-processing", "Testfasiliteter for pulverprosessering og belegg."),),
    ),
    DemoOrganisation(
        "innlandet-fagskole",
        "Innlandet Fagskole for industri",
        OTHER,
        ("modules-packs", "second-life"),
        SizeBand.MEDIUM,
        "Hamarvegen 112",
        "2406",
        "Elverum",
        "Fagskoleutdanning innen elkraft, automasjon og batterisystemer.",
        datetime.date(2024, 1, 1),
        ((OFFER, "education", "Nettbasert videreutdanning i batterisystemer."),),
    ),
    DemoOrganisation(
        "grenland-miljoradgivning",
        "Grenland Miljørådgivning AS",
        OTHER,
        ("recycling", "mining"),
        SizeBand.MICRO,
        "Storgata 130",
        "3915",
        "Porsgrunn",
        "Miljørådgivning, konsekvensutredninger og klimaregnskap for industrien.",
        datetime.date(2023, 10, 1),
        ((OFFER, "lca-sustainability", "Klimaregnskap og miljøvaredeklarasjoner (EPD)."),),
    ),
    DemoOrganisation(
        "polar-batteriforum",
        "Polar Batteriforum",
        OTHER,
        ("second-life", "collection"),
        SizeBand.MICRO,
        "Storgata 88",
        "9008",
        "Tromsø",
        "Interesseforening for batteribruk i kaldt klima og Arktis.",
        datetime.date(2022, 4, 1),
    ),
)

# One type change (supplier -> core) and one ended membership, so the history shows.
TYPE_CHANGES = {"tinnsjo-litium": (SUPPLIER, datetime.date(2024, 1, 1))}
ENDED = {"polar-batteriforum": datetime.date(2024, 12, 31)}

COMPANY_GROUP = {
    "name": "Nordkraft Batteri-konsernet",
    "parent": "nordkraft-batteri",
    "units": ("nordkraft-batteri", "nordkraft-produksjon", "nordkraft-service"),
    "units_pay_own_fee": True,
    "fee_decision_date": datetime.date(2024, 3, 14),
    "fee_decision_reference": "Styresak 12/2024",
}


@dataclass(frozen=True)
class DemoLogin:
    role_label: str
    email: str
    password: str
    full_name: str
    is_staff: bool = False
    is_superuser: bool = False
    is_steering_group: bool = False
    organisation: str = ""
    organisation_role: str = ""


STAFF_EMAIL = "sekretariat@battery-norway.example"
STEERING_EMAIL = "styringsgruppe@battery-norway.example"

LOGINS = (
    DemoLogin(
        "Secretariat (staff)",
        STAFF_EMAIL,
        "demo-sekretariat",
        "Silje Sekretær",
        is_staff=True,
        is_superuser=True,
    ),
    DemoLogin(
        "Steering group",
        STEERING_EMAIL,
        "demo-styringsgruppe",
        "Sverre Styre",
        is_steering_group=True,
        organisation="fjellheim-forskning",
        organisation_role=Role.MEMBER,
    ),
    DemoLogin(
        "Organisation admin",
        "admin@nordlys-battericeller.example",
        "demo-admin",
        "Anne Administrator",
        organisation="nordlys-battericeller",
        organisation_role=Role.ADMIN,
    ),
    DemoLogin(
        "Member",
        "medlem@nordlys-battericeller.example",
        "demo-medlem",
        "Mats Medlem",
        organisation="nordlys-battericeller",
        organisation_role=Role.MEMBER,
    ),
)

# Other people in the network: admins of a few organisations, no demo password.
PEOPLE = (
    ("kari.haugen@skarvik-anode.example", "Kari Haugen", "skarvik-anode", Role.ADMIN),
    ("jonas.eide@helgeland-katode.example", "Jonas Eide", "helgeland-katode", Role.ADMIN),
    ("ingrid.lie@grenland-gjenvinning.example", "Ingrid Lie", "grenland-gjenvinning", Role.ADMIN),
    ("per.moen@fosen-automasjon.example", "Per Moen", "fosen-automasjon", Role.ADMIN),
    ("liv.dahl@fjellheim-forskning.example", "Liv Dahl", "fjellheim-forskning", Role.ADMIN),
    ("erik.strand@nordkraft-batteri.example", "Erik Strand", "nordkraft-batteri", Role.ADMIN),
)

# Open invitations: (organisation key, e-mail, role).
INVITATIONS = (
    ("nordlys-battericeller", "ny.kollega@nordlys-battericeller.example", Role.MEMBER),
    ("lagendal-testlab", "daglig.leder@lagendal-testlab.example", Role.ADMIN),
    ("varanger-grafitt", "post@varanger-grafitt.example", Role.ADMIN),
)

# Pending applications to join.
APPLICATIONS = (
    {
        "name": "Salten Silisium AS",
        "street_address": "Smelteverkveien 1",
        "postal_code": "8200",
        "city": "Fauske",
        "size_band": SizeBand.MEDIUM,
        "requested_type": CORE,
        "segments": ("materials",),
        "description": "Vil produsere silisiumrike anodematerialer fra lokal kvarts.",
        "contact_name": "Hanne Salvesen",
        "contact_email": "hanne.salvesen@salten-silisium.example",
        "key": "salten-silisium",
    },
    {
        "name": "Romsdal Kabel og Kontakt AS",
        "street_address": "Fabrikkveien 7",
        "postal_code": "6413",
        "city": "Molde",
        "size_band": SizeBand.SMALL,
        "requested_type": SUPPLIER,
        "segments": ("modules-packs",),
        "description": "Kabelsett og høyspenningskontakter for batteripakker.",
        "contact_name": "Tor Romstad",
        "contact_email": "tor.romstad@romsdal-kabel.example",
        "key": "romsdal-kabel",
    },
    {
        "name": "Nordhordland Ombruk SA",
        "street_address": "Knarvik senter 2",
        "postal_code": "5914",
        "city": "Isdalstø",
        "size_band": SizeBand.MICRO,
        "requested_type": OTHER,
        "segments": ("second-life", "collection"),
        "description": "Samvirke som samler inn og selger brukte batterier til ombruk.",
        "contact_name": "Marte Knarvik",
        "contact_email": "marte.knarvik@nordhordland-ombruk.example",
        "key": "nordhordland-ombruk",
    },
)
