"""Loading the curated routines: idempotent, updated in place, and refused when they break
the article's rules."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.db import make_engine
from app.routines.curation import CuratedRoutineError
from seed import loader
from seed import routines as routines_seed
from tests.support import fresh_database


@pytest.fixture()
def empty_engine(migrated_template: str) -> Iterator[sa.Engine]:
    with fresh_database(template=migrated_template) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def rows(engine: sa.Engine, sql: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)).all())


def routine_file() -> dict[str, Any]:
    return copy.deepcopy(routines_seed.read_routines())


def step(data: dict[str, Any], routine: str, exercise: str) -> dict[str, Any]:
    spec = next(r for r in data["routines"] if r["slug"] == routine)
    return next(s for s in spec["steps"] if s["exercise_slug"] == exercise)


def test_loading_twice_creates_the_routines_once(empty_engine: sa.Engine) -> None:
    first = loader.load_all(empty_engine)
    ids = rows(empty_engine, "SELECT slug, id, updated_at FROM routine ORDER BY sort_order")
    second = loader.load_all(empty_engine)
    assert first["routines"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert second["routines"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert rows(empty_engine, "SELECT slug, id, updated_at FROM routine ORDER BY sort_order") == ids
    assert [r[0] for r in ids] == [
        "upper-back-and-shoulders",
        "mid-back-mobility",
        "lower-back-relief",
        "all-five-moves",
    ]
    assert rows(empty_engine, "SELECT count(*) FROM routine WHERE owner_id IS NOT NULL") == [(0,)]


def test_editing_the_file_updates_the_routine_in_place(
    empty_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader.load_all(empty_engine)
    before = dict(rows(empty_engine, "SELECT slug, id FROM routine"))
    data = routine_file()
    step(data, "mid-back-mobility", "knee-rolls")["reps"] = 8
    monkeypatch.setattr(routines_seed, "read_routines", lambda: data)

    report = loader.load_all(empty_engine)
    assert report["routines"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert dict(rows(empty_engine, "SELECT slug, id FROM routine")) == before
    reps = rows(
        empty_engine,
        "SELECT s.reps FROM routine_step s JOIN routine r ON r.id = s.routine_id "
        "WHERE r.slug = 'mid-back-mobility' AND s.position = 2",
    )
    assert reps == [(8,)]


@pytest.mark.parametrize(
    ("routine", "exercise", "change", "problem"),
    [
        ("mid-back-mobility", "knee-rolls", {"hold_seconds": 5}, "hold_seconds must be 3-3"),
        ("mid-back-mobility", "knee-rolls", {"reps": 12}, "reps must be 6-8"),
        ("upper-back-and-shoulders", "hamstring-stretch", {"hold_seconds": 30}, "3-10"),
        ("all-five-moves", "cat-camel", {"reps": 25}, "at most 10"),
        ("all-five-moves", "cat-camel", {"notes": {}}, "notes.reps must say why 5"),
        ("lower-back-relief", "hamstring-stretch", {"sets": 2}, "notes.sets must say why 2"),
        ("lower-back-relief", "knee-rolls", {"exercise_slug": "shoulder-rotations"}, "link"),
        ("lower-back-relief", "knee-rolls", {"sets": 0}, "greater than 0"),
    ],
)
def test_a_routine_that_breaks_the_rules_stops_the_load(
    empty_engine: sa.Engine,
    monkeypatch: pytest.MonkeyPatch,
    routine: str,
    exercise: str,
    change: dict[str, Any],
    problem: str,
) -> None:
    data = routine_file()
    step(data, routine, exercise).update(change)
    monkeypatch.setattr(routines_seed, "read_routines", lambda: data)
    with pytest.raises(CuratedRoutineError) as caught:
        loader.load_all(empty_engine)
    assert routine in str(caught.value) and problem in str(caught.value)
    # Nothing of the load was written.
    assert rows(empty_engine, "SELECT count(*) FROM routine") == [(0,)]
    assert rows(empty_engine, "SELECT count(*) FROM exercise") == [(0,)]


def test_a_catalog_change_that_breaks_a_routine_stops_the_load(
    empty_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the catalog stopped linking knee rolls to the mid back, the mid-back routine would
    no longer be built from mid-back moves."""
    loader.load_all(empty_engine)
    catalog = copy.deepcopy(loader.read_json("catalog.json"))
    knee = next(e for e in catalog["exercises"] if e["slug"] == "knee-rolls")
    knee["targets"] = [t for t in knee["targets"] if t["area"] != "mid"]
    monkeypatch.setattr(loader, "read_json", lambda name: catalog)
    with pytest.raises(CuratedRoutineError, match="mid-back-mobility step 2"):
        loader.load_all(empty_engine)
    areas = rows(
        empty_engine,
        "SELECT t.area FROM exercise_target t JOIN exercise e ON e.id = t.exercise_id "
        "WHERE e.slug = 'knee-rolls' ORDER BY t.area_order",
    )
    assert areas == [("mid",), ("lower",)]
