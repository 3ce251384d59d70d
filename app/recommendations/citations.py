"""The sources the screen's tiers and combination rules rest on, from
`seed/triage_sources.json`: each citation id names a source, its section and its words, or
is an inference with its reason. The rule tables refer to citations by id."""

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.reference import read_reference


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    publisher: str
    url: str | None
    read_from: list[str] = Field(default_factory=list)
    note: str | None = None


class CitationEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str | None
    section: str | None
    quotes: list[str]
    reason: str | None = None

    @model_validator(mode="after")
    def _says_where_it_comes_from(self) -> "CitationEntry":
        if self.source is None and not self.reason:
            raise ValueError("an inferred rule needs a reason")
        if self.source is not None and not (self.section and self.quotes):
            raise ValueError("a cited rule needs the section and the words")
        return self


class TriageSources(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    sources: dict[str, Source]
    citations: dict[str, CitationEntry]

    @model_validator(mode="after")
    def _sources_exist(self) -> "TriageSources":
        for key, entry in self.citations.items():
            if entry.source is not None and entry.source not in self.sources:
                raise ValueError(f"{key} cites an unknown source {entry.source}")
        return self


@cache
def triage_sources() -> TriageSources:
    return TriageSources.model_validate(read_reference("triage_sources.json"))
