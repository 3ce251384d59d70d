"""What several domains share: the pain scale, vocabularies, offline sync, content versions
and the personal-data source each domain declares."""
