"""Care routes by region: the emergency number, the urgent route when it is not an emergency,
the routine route and physiotherapy self-referral where it exists, from
`seed/care_routes.json`, each with its source. Plain data; no database."""

import re
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contract.types import REGION_PATTERN, Region  # noqa: F401  (re-exported)
from app.core.reference import read_reference
from app.i18n.catalog import TranslationStatus


class RouteBasis(StrEnum):
    """`source`: a page's words; `inferred`: no source was read, and the reason says why."""

    SOURCE = "source"
    INFERRED = "inferred"


class RouteSource(BaseModel):
    """Where a route comes from: a page's words (`source`) or, where no source was read, an
    inference with its reason (`inferred`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: RouteBasis
    title: str | None = Field(default=None, description="The page the words come from.")
    url: str | None = None
    section: str | None = Field(default=None, description="The part of the page.")
    quote: str | None = Field(default=None, description="The page's words, verbatim.")
    read_from: list[str] = Field(
        default_factory=list,
        description="Pages that reproduce the source word for word, where the words were "
        "read from them.",
    )
    reason: str | None = Field(default=None, description="Why an inferred route is held.")

    @model_validator(mode="after")
    def _says_where_it_comes_from(self) -> "RouteSource":
        if self.basis is RouteBasis.SOURCE and not (self.title and self.url and self.quote):
            raise ValueError("a sourced route needs the title, url and quote")
        if self.basis is RouteBasis.INFERRED and not self.reason:
            raise ValueError("an inferred route needs a reason")
        return self


class EmergencyRoute(BaseModel):
    """Where to go in an emergency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str | None = Field(description="The number to call; null when not known.")
    place: str = Field(description="Where to go, e.g. `A&E`.")
    source: RouteSource


class UrgentRoute(BaseModel):
    """How to see a doctor today when it is not an emergency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: str = Field(description="What to do to see a doctor today, in plain words.")
    number: str | None = Field(description="The urgent non-emergency number, where one exists.")
    source: RouteSource


class RoutineRoute(BaseModel):
    """How to see someone in the next days or weeks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: str = Field(description="What to do to see someone in the next days or weeks.")
    source: RouteSource


class CareRouteTranslation(BaseModel):
    """A region's name, places and actions in the request's language, beside the English;
    the numbers and the region's own words for its services are kept."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "name": "Reino Unido",
                    "emergency_place": "urgencias del hospital (A&E)",
                    "urgent_action": "pida una cita urgente en su consulta de medicina general "
                    "(GP practice), o llame al 111 (o use 111 online) si no pueden verle hoy",
                    "routine_action": "pida una cita en su consulta de medicina general "
                    "(GP practice)",
                    "physiotherapy_action": None,
                }
            ]
        },
    )

    language: str = Field(examples=["es"])
    status: TranslationStatus
    name: str = Field(description="`name`, translated.")
    emergency_place: str = Field(description="`emergency.place`, translated.")
    urgent_action: str = Field(description="`urgent.action`, translated.")
    routine_action: str = Field(description="`routine.action`, translated.")
    physiotherapy_action: str | None = Field(
        description="`physiotherapy.action`, translated; null where there is no such route."
    )


class CareRoute(BaseModel):
    """Where to get care in one region."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str | None = Field(
        description="The ISO 3166-1 alpha-2 code these routes are for; null for the fallback "
        "used where no region was given or none is kept for it."
    )
    name: str = Field(description="The region's name.")
    emergency: EmergencyRoute
    urgent: UrgentRoute = Field(description="A doctor today, when it is not an emergency.")
    routine: RoutineRoute = Field(description="A doctor in the next days or weeks.")
    physiotherapy: RoutineRoute | None = Field(
        description="Physiotherapy without a doctor's referral, where it exists; null where "
        "none is kept."
    )
    translation: CareRouteTranslation | None = Field(
        default=None,
        description="The name, places and actions in the request's language, with the weakest "
        "status among them; null in English or when any of them has no translation. The "
        "English fields and the sources stay as they are.",
    )

    @property
    def emergency_number(self) -> str:
        return self.emergency.number or "your local emergency number"


class CareRouteList(BaseModel):
    """The care routes kept, one per region, and the fallback for any other region."""

    data: list[CareRoute]
    count: int = Field(description="Number of regions with routes of their own.")
    fallback: CareRoute = Field(description="The plain words for any other region, or none.")


class CareRoutes(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    regions: list[CareRoute]
    fallback: CareRoute

    @model_validator(mode="after")
    def _one_route_per_region(self) -> "CareRoutes":
        codes = [r.region for r in self.regions]
        if any(c is None or not re.match(REGION_PATTERN, c) for c in codes):
            raise ValueError("every region needs an ISO 3166-1 alpha-2 code")
        if len(set(codes)) != len(codes):
            raise ValueError("one route per region")
        if self.fallback.region is not None:
            raise ValueError("the fallback has no region")
        return self


@cache
def care_routes() -> CareRoutes:
    return CareRoutes.model_validate(read_reference("care_routes.json"))


def route_for(region: str | None) -> CareRoute:
    """The routes for `region`, or the fallback when it is None or none is kept for it."""
    routes = care_routes()
    for route in routes.regions:
        if route.region == region:
            return route
    return routes.fallback
