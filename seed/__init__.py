"""Seed data taken from the source article, and the loader that upserts it by slug."""
