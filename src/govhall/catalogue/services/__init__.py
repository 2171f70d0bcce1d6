"""Writes of the catalogue, by concept: items (drafts, publishing, the search index) and bundles (一件事)."""

from .bundles import (
    BundleEdgeIn,
    BundleItemIn,
    bundle_assert_editable,
    bundle_check,
    bundle_draft_create_from,
    bundle_draft_save,
    bundle_publish,
    item_form,
)
from .items import (
    catalogue_reindex,
    item_assert_editable,
    item_check,
    item_draft_create_from,
    item_draft_save,
    item_index,
    item_publish,
    search_terms,
)

__all__ = [
    "BundleEdgeIn",
    "BundleItemIn",
    "bundle_assert_editable",
    "bundle_check",
    "bundle_draft_create_from",
    "bundle_draft_save",
    "bundle_publish",
    "catalogue_reindex",
    "item_assert_editable",
    "item_check",
    "item_draft_create_from",
    "item_draft_save",
    "item_form",
    "item_index",
    "item_publish",
    "search_terms",
]
