"""Catalogue search: denormalised offer documents, full-text and faceted search (CAT-5)."""
