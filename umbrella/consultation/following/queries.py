"""Read-only questions about following: whether a person follows, what, and her notices."""

from __future__ import annotations

from django.db.models import QuerySet

from umbrella.consultation.following.models import (
    EmailFollower,
    Follower,
    Notice,
    NoticeChannel,
    NoticeStatus,
)
from umbrella.consultation.tracker.models import Recommendation


def _person(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user


def is_following(recommendation: Recommendation, user) -> bool:
    person = _person(user)
    return (
        person is not None
        and Follower.objects.filter(recommendation=recommendation, user=person).exists()
    )


def followed_by(user) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(followers__user=user).order_by("position", "pk")


def unread_notices(user) -> QuerySet[Notice]:
    return Notice.objects.filter(
        user=user, channel=NoticeChannel.SITE, status=NoticeStatus.QUEUED
    ).select_related("change__recommendation")


def confirmed_email_followers(recommendation: Recommendation) -> int:
    return EmailFollower.objects.filter(
        recommendation=recommendation, confirmed_at__isnull=False
    ).count()
