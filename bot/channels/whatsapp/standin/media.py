"""Media kept by the simulated WhatsApp: uploaded ids that lapse, and download URLs that expire.

Meta keeps media the business uploads for 30 days and media users send for 7, and each URL
from `GET /{media-id}` works for 5 minutes only (and only with the bearer token). The bot must
keep its own copy and re-upload lapsed ids; the stand-in makes both expiries real, on the
injectable clock, so that path is tested.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field

from bot.channels.whatsapp.standin.clock import Clock

__all__ = ["DownloadLink", "MediaStore", "StoredMedia"]

DAY = 86_400.0
URL_LIFETIME = 300.0


@dataclass(frozen=True)
class StoredMedia:
    """One media object: its bytes and what `GET /{media-id}` says about it."""

    id: str
    data: bytes
    mime_type: str
    filename: str | None
    created: float
    lifetime: float
    uploaded_by_business: bool
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    def alive(self, now: float) -> bool:
        """Whether the id still works at `now`."""
        return now < self.created + self.lifetime


@dataclass(frozen=True)
class DownloadLink:
    """A handed-out download URL: which media, and until when it works."""

    media_id: str
    expires: float


class MediaStore:
    """Media by id, with lapsing ids and short-lived download links."""

    def __init__(self, clock: Clock, *, business_lifetime: float, user_lifetime: float) -> None:
        self._clock = clock
        self.business_lifetime = business_lifetime
        self.user_lifetime = user_lifetime
        self._media: dict[str, StoredMedia] = {}
        self._links: dict[str, DownloadLink] = {}
        self._numbers = itertools.count(1_000_000_000_000_001)

    def add(
        self, data: bytes, mime_type: str, filename: str | None, *, by_business: bool
    ) -> StoredMedia:
        """Keep `data` under a new numeric id (Meta's ids are numeric strings)."""
        lifetime = self.business_lifetime if by_business else self.user_lifetime
        media = StoredMedia(
            id=str(next(self._numbers)),
            data=data,
            mime_type=mime_type,
            filename=filename,
            created=self._clock(),
            lifetime=lifetime,
            uploaded_by_business=by_business,
        )
        self._media[media.id] = media
        return media

    def get(self, media_id: str) -> StoredMedia | None:
        """The media with this id, unless it is unknown, deleted or lapsed."""
        media = self._media.get(media_id)
        if media is None or not media.alive(self._clock()):
            return None
        return media

    def delete(self, media_id: str) -> bool:
        """Forget a media id; False when it did not exist (or had lapsed)."""
        return self.get(media_id) is not None and self._media.pop(media_id, None) is not None

    def link(self, media: StoredMedia) -> str:
        """A new download token for `media`, valid for 5 minutes."""
        token = secrets.token_urlsafe(12)
        self._links[token] = DownloadLink(media.id, self._clock() + URL_LIFETIME)
        return token

    def download(self, token: str) -> StoredMedia | None:
        """The media behind a download token, unless the token is unknown or expired."""
        link = self._links.get(token)
        if link is None or self._clock() >= link.expires:
            return None
        return self.get(link.media_id)
