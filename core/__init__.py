"""Shared schema, home folder and store: used by every stage, using none of them."""
