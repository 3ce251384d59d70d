from sqlmodel import Session, col, select

from app.care.errors import ReferralNotFound
from app.care.models import CareReferral
from app.care.routes import CareRoute, CareRouteList, CareRouteTranslation, care_routes
from app.care.schemas import (
    CareReferralPublic,
    ReferralPublic,
    ReferralSource,
    ReferralTranslation,
)
from app.exercises.service import get_article
from app.i18n import DEFAULT_LANGUAGE, current_language
from app.i18n.catalog import format_translated, translate, weakest

# Where in-person care fits. The clinic is the article's own pointer, in one city, offered
# where the article offers it (severe back pain that won't go away): the text presents it as
# one example, never as the only place, and never as the place for an emergency, a same-day
# problem or a possible cancer.
GUIDANCE = (
    "See your own doctor first, or a physiotherapist, about back pain that is severe or "
    "won't go away. For severe back pain, the article's own example of a specialist "
    "is {name} in {location}; it is one option, not the only place. It is not the "
    "place for an emergency, for a problem that needs a doctor today, or for a possible "
    "cancer: follow the screening answer's advice instead."
)


def to_public(referral: CareReferral) -> ReferralPublic:
    return ReferralPublic(
        slug=referral.slug,
        name=referral.name,
        location=referral.location,
        summary=referral.summary,
        offers=list(referral.offers),
        source=ReferralSource(title=referral.source_title, section=referral.source_section),
        guidance=GUIDANCE.format(name=referral.name, location=referral.location),
    )


def localized(referral: ReferralPublic) -> ReferralPublic:
    """The referral with its summary, offers and guidance in the request's language beside the
    English; the referral itself in English or when any of them has no entry (never half in
    English)."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return referral
    summary = translate(referral.summary, language)
    offers = [translate(offer, language) for offer in referral.offers]
    guidance = format_translated(GUIDANCE, name=referral.name, location=referral.location)
    parts = [summary, *offers, guidance]
    status = weakest(*parts)
    if status is None or any(part.language != language for part in parts):
        return referral
    translation = ReferralTranslation(
        language=language,
        status=status.status,
        summary=summary.text,
        offers=[offer.text for offer in offers],
        guidance=guidance.text,
    )
    return referral.model_copy(update={"translation": translation})


def find_default_referral(db: Session) -> ReferralPublic | None:
    """The referral triage offers, or None when the seed has none.

    The seed loader keeps rows that drop out of the file, so when a clinic is replaced by a new
    entry the old row may still be marked default; the most recently added default wins."""
    referral = db.exec(
        select(CareReferral)
        .where(col(CareReferral.is_default).is_(True))
        .order_by(col(CareReferral.id).desc())
    ).first()
    return None if referral is None else to_public(referral)


def get_care_referral(db: Session) -> CareReferralPublic:
    referral = find_default_referral(db)
    if referral is None:
        raise ReferralNotFound()
    article = get_article(db)
    return CareReferralPublic(
        **localized(referral).model_dump(),
        disclaimer=article.disclaimer_quote,
        disclaimer_quote=article.disclaimer_quote,
    )


def localized_route(route: CareRoute) -> CareRoute:
    """The route with its name, places and actions in the request's language beside the
    English; the route itself in English or when any of them has no entry."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return route
    physiotherapy = route.physiotherapy.action if route.physiotherapy else None
    texts = (route.name, route.emergency.place, route.urgent.action, route.routine.action)
    parts = [translate(text, language) for text in (*texts, *filter(None, [physiotherapy]))]
    status = weakest(*parts)
    if status is None or any(part.language != language for part in parts):
        return route
    translation = CareRouteTranslation(
        language=language,
        status=status.status,
        name=parts[0].text,
        emergency_place=parts[1].text,
        urgent_action=parts[2].text,
        routine_action=parts[3].text,
        physiotherapy_action=parts[4].text if physiotherapy else None,
    )
    return route.model_copy(update={"translation": translation})


def list_care_routes() -> CareRouteList:
    routes = care_routes()
    return CareRouteList(
        data=[localized_route(route) for route in routes.regions],
        count=len(routes.regions),
        fallback=localized_route(routes.fallback),
    )
