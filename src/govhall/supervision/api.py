"""电子监察 API (filled in next)."""

from ninja import Router

from govhall.identity.auth import api_auth

router = Router(tags=["电子监察"], auth=api_auth)
