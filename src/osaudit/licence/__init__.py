"""Licence expressions: normalisation, categories, compatibility."""
