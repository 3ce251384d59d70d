from sqlmodel import Session, col, select

from app.care.errors import ArticleNotLoaded, ReferralNotFound
from app.care.models import CareReferral, SourceArticle
from app.care.schemas import CareReferralPublic, ReferralPublic, ReferralSource


def to_public(referral: CareReferral) -> ReferralPublic:
    return ReferralPublic(
        slug=referral.slug,
        name=referral.name,
        location=referral.location,
        summary=referral.summary,
        offers=list(referral.offers),
        source=ReferralSource(title=referral.source_title, section=referral.source_section),
    )


def find_default_referral(session: Session) -> ReferralPublic | None:
    """The referral triage offers, or None when the seed has none.

    The seed loader keeps rows that drop out of the file, so when a clinic is replaced by a new
    entry the old row may still be marked default; the most recently added default wins."""
    referral = session.exec(
        select(CareReferral)
        .where(col(CareReferral.is_default).is_(True))
        .order_by(col(CareReferral.id).desc())
    ).first()
    return None if referral is None else to_public(referral)


def get_article(session: Session) -> SourceArticle:
    article = session.exec(select(SourceArticle).order_by(col(SourceArticle.id))).first()
    if article is None:
        raise ArticleNotLoaded()
    return article


def get_disclaimer(session: Session) -> str:
    return get_article(session).disclaimer


def get_care_referral(session: Session) -> CareReferralPublic:
    referral = find_default_referral(session)
    if referral is None:
        raise ReferralNotFound()
    article = get_article(session)
    return CareReferralPublic(
        **referral.model_dump(),
        disclaimer=article.disclaimer,
        disclaimer_quote=article.disclaimer_quote,
    )
