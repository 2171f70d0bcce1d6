"""Statistics API (filled in by the stats work)."""

from ninja import Router

from govhall.identity.auth import api_auth

router = Router(tags=["统计分析"], auth=api_auth)
