"""The translations are complete and faithful in what can be checked by machine: every text
an answer uses has an entry in each supported language, placeholders match, every part of a
list in a safety question survives, each entry says who translated it and whether a clinician
reviewed it, and the compiled catalogs are the ones in the `.po` files."""

import ast
import json
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from jinja2 import meta

from app.accounts.outbox import TEMPLATES
from app.attention.rules import ATTENTION_TEXTS
from app.care.routes import care_routes
from app.care.service import GUIDANCE as REFERRAL_GUIDANCE
from app.checkins.service import SELF_CARE_SENTENCES as CHECKIN_SELF_CARE_SENTENCES
from app.contract import problems
from app.core import errors
from app.exercises.service import AREA_TEXT
from app.i18n import SUPPORTED_LANGUAGES, negotiate, parse_accept_language
from app.i18n.catalog import (
    REVIEW,
    TRANSLATED_BY,
    TranslationStatus,
    mo_path,
    read_catalog,
    status_from_comments,
    translate,
)
from app.i18n.phrases import say
from app.outcomes.service import SEED_FIELDS, seed_key
from app.recommendations.logic import (
    NOTHING_LEFT_MESSAGE,
    SELF_CARE_MESSAGE,
    Answers,
    Words,
    recommend,
)
from app.recommendations.schemas import Caution, Limitation, RedFlag
from app.recommendations.screening import (
    CAUTION_QUESTIONS,
    CLINICAL_LABELS,
    WARNING_SIGNS,
    CautionQuestion,
    WarningSign,
)
from app.recommendations.service import REASON_TEXTS
from app.reminders import service as reminders
from app.reports.data import (
    FLARE_UP_DEFINITION,
    NO_ADVICE,
    REPORT_TEMPLATES,
    SOURCE_WORDS,
    urgency_words,
)
from app.reports.document import NONE, THRESHOLD_WORDS
from app.safety import logic as safety_logic
from app.safety.schemas import CareTimeframe, ConcernSource
from app.shared import pain
from app.shared.enums import Area
from tests.problem_texts import problem_texts
from tests.recommendations.test_triage_logic import ARTICLE

APP = Path(__file__).resolve().parents[2] / "app"
CATALOG_SEED = APP.parent / "seed" / "catalog.json"
OUTCOMES_SEED = APP.parent / "seed" / "outcomes.json"
TRANSLATED = [language for language in SUPPORTED_LANGUAGES if language != "en"]


SCREEN: list[WarningSign | CautionQuestion] = [*WARNING_SIGNS, *CAUTION_QUESTIONS]


def texts_used() -> dict[str, str]:
    """Every text the answers translate, by where it is used."""
    used: dict[str, str] = {}
    for q in SCREEN:
        used[q.text] = f"question {q.id.value}"
        used[q.help] = f"help {q.id.value}"
    for template, values in Words().safety_templates():
        used[template] = "triage message"
        used |= {value: "care route fallback" for value in values.values()}
    for timeframe in safety_logic.CONCERN_TIMEFRAMES:
        for source in ConcernSource:
            template, values = safety_logic.guidance_parts(timeframe, source)
            used[template] = "concern guidance"
            used |= {value: "care route fallback" for value in values.values()}
            used[safety_logic.closes_when(timeframe, source)] = "concern closes_when"
    for text in (
        safety_logic.GENERAL_GUIDANCE_TEXT,
        safety_logic.FOLLOW_UP_QUESTION,
        safety_logic.CLEAR_MESSAGE,
    ):
        used[text] = "safety state"
    for area, (name, description) in AREA_TEXT.items():
        used[name] = f"area name {area.value}"
        used[description] = f"area description {area.value}"
    for move in json.loads(CATALOG_SEED.read_text(encoding="utf-8"))["exercises"]:
        used[move["name"]] = f"catalog name {move['slug']}"
        used |= {step: f"catalog step {move['slug']}" for step in move["steps"]}
        used |= {t["quote"]: f"catalog quote {move['slug']}" for t in move["targets"] if t["quote"]}
        used |= {t["reason"]: f"catalog area reason {move['slug']}" for t in move["targets"]}
    for text in (
        reminders.SAFETY_TITLE,
        reminders.EXERCISE_TITLE,
        reminders.EXERCISE_TITLE_UNNAMED,
        reminders.EXERCISE_BODY,
    ):
        used[text] = "reminder"
    # Problem details: every generic title and detail, and every title and detail a domain
    # error can carry (read from the source, see tests/problem_texts.py).
    used |= {title: "problem title" for title, _ in errors._HTTP_TITLES.values()}
    for detail in (
        problems.INVALID_INPUT,
        problems.NO_RESOURCE,
        problems.METHOD_NOT_ALLOWED,
        errors.BODY_TOO_LARGE,
        "The request body is not valid JSON.",
        "The database is busy or unreachable. Please retry shortly.",
        "Something went wrong on our side. Please retry later.",
        "This conflicts with what is already stored.",
        "A value in the request cannot be stored.",
    ):
        used[detail] = "problem detail"
    used |= problem_texts()[0]
    # Triage reasons: each template and each phrase one is filled with.
    used |= {text: "triage reason" for text in REASON_TEXTS}
    for move in json.loads(CATALOG_SEED.read_text(encoding="utf-8"))["exercises"]:
        used[move["summary"]] = f"catalog summary {move['slug']}"
        used[move["benefit"]] = f"catalog helps_with {move['slug']}"
        used |= {caution: f"catalog caution {move['slug']}" for caution in move["cautions"]}
    used |= report_texts()
    used |= self_care_texts()
    used |= {text: "attention item" for text in ATTENTION_TEXTS}
    used |= {text: "concern reason" for text in safety_logic.TREND_REASONS}
    used |= peg_texts()
    used |= referral_texts()
    return used


def referral_texts() -> dict[str, str]:
    """The clinic the article points to (the seed's summary and offers of every referral, and
    the service's guidance around it), and every care route's name, places and actions."""
    used = {REFERRAL_GUIDANCE: "care referral guidance"}
    for referral in json.loads(CATALOG_SEED.read_text(encoding="utf-8"))["referrals"]:
        used[referral["summary"]] = f"care referral summary {referral['slug']}"
        used |= {offer: f"care referral offer {referral['slug']}" for offer in referral["offers"]}
    routes = care_routes()
    for route in (*routes.regions, routes.fallback):
        where = f"care route {route.region or 'fallback'}"
        physiotherapy = [route.physiotherapy.action] if route.physiotherapy else []
        for text in (route.name, route.emergency.place, route.urgent.action, route.routine.action):
            used.setdefault(text, where)
        used |= {text: where for text in physiotherapy if text not in used}
    return used


def self_care_texts() -> dict[str, str]:
    """The self-care messages of a recommendation and a check-in, and the advice to book a
    review that may follow one (with and without a physiotherapy route)."""
    used = {text: "self-care message" for text in (SELF_CARE_MESSAGE, NOTHING_LEFT_MESSAGE)}
    used |= {text: "check-in self-care message" for text in CHECKIN_SELF_CARE_SENTENCES}
    for words in (Words(), Words(physiotherapy="see a physiotherapist")):
        template, values = words.routine_parts()
        used[template] = "routine advice"
        used |= {
            value: "care route fallback" for value in values.values() if value == words.routine
        }
    return used


def peg_seed() -> dict[str, str]:
    """The English of each PEG seed text an answer translates, by its entry's key."""
    (peg,) = json.loads(OUTCOMES_SEED.read_text(encoding="utf-8"))["questionnaires"]
    return {seed_key(field): peg[field] for field in SEED_FIELDS}


def peg_texts() -> dict[str, str]:
    """The PEG's scoring, schedule and threshold sources from the seed, by key."""
    return {key: "PEG seed text" for key in peg_seed()}


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_peg_entry_translates_the_seeds_english_of_today(language: str) -> None:
    """A PEG seed text is looked up by key, so its entry names the English it translates; a
    seed whose English changed fails here until the translation is redone."""
    marker = "the English it translates: "
    entries = {str(m.id): " ".join(m.auto_comments) for m in read_catalog(language) if m.id}
    for key, english in peg_seed().items():
        assert entries[key].partition(marker)[2] == english, key


REPORT_SOURCES = [APP / "reports" / "document.py", APP / "reports" / "charts.py"]
# The functions of the report that translate the text they are given.
TRANSLATING = {"_", "_heading", "_subheading", "_Box", "_axes", "_finish"}


def report_texts() -> dict[str, str]:
    """The report's own words (every literal its modules translate) and the words of the
    diary it translates (urgency, sources, clinical labels, definitions)."""
    used: dict[str, str] = {}
    for path in REPORT_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in TRANSLATING:
                used |= {
                    arg.value: f"report {path.stem}"
                    for arg in node.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                }
    used |= {urgency_words(t): "report urgency" for t in [None, *CareTimeframe]}
    used |= {words: "report source" for words in SOURCE_WORDS.values()}
    used |= {label: "report clinical label" for label in CLINICAL_LABELS.values()}
    used |= {text: "report finding" for text in REPORT_TEMPLATES}
    used |= {text: "report PEG threshold" for text in THRESHOLD_WORDS}
    for text in (FLARE_UP_DEFINITION, NO_ADVICE, NONE, pain.ANCHOR_MIN, pain.ANCHOR_MAX):
        used[text] = "report definition"
    return used


def test_every_problem_detail_is_a_template_its_values_fill() -> None:
    """A detail built as an f-string has its values baked in, so it cannot be looked up in a
    catalog; it must be a template with its values passed beside it."""
    assert problem_texts()[1] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_an_answer_uses_has_an_entry(language: str) -> None:
    catalog = read_catalog(language)
    entries = {str(m.id): m.string for m in catalog if m.id}
    missing = [f"{where}: {text}" for text, where in texts_used().items() if not entries.get(text)]
    assert missing == []
    # And nothing stale: an entry whose English is no longer used is a translation of words
    # the service no longer says.
    assert sorted(set(entries) - set(texts_used())) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_numbers_survive_translation(language: str) -> None:
    """Holds, repetitions, temperatures and months: a translation never changes a number."""
    seed = peg_seed()
    for message in read_catalog(language):
        if message.id:
            english = re.findall(r"\d+", seed.get(str(message.id), str(message.id)))
            assert re.findall(r"\d+", str(message.string)) == english, message.id


def placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_the_same_in_every_language(language: str) -> None:
    for message in read_catalog(language):
        if message.id:
            assert placeholders(str(message.string)) == placeholders(str(message.id)), message.id


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_entry_says_who_translated_it_and_whether_a_clinician_reviewed_it(
    language: str,
) -> None:
    for message in read_catalog(language):
        if not message.id:
            continue
        fields = {c.partition(":")[0].strip() + ":" for c in message.user_comments}
        assert {TRANSLATED_BY, REVIEW} <= fields, message.id
        # Honest: nothing here has been reviewed by a clinician yet.
        assert status_from_comments(message.user_comments) is TranslationStatus.MACHINE


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_the_po_file(language: str) -> None:
    """`pybabel compile -d app/locale -D messages` after editing a `.po` file."""
    with mo_path(language).open("rb") as mo:
        compiled = {str(m.id): m.string for m in read_mo(mo) if m.id}
    expected = {str(m.id): m.string for m in read_catalog(language) if m.id and m.string}
    assert compiled == expected


# The parts of each safety question that asks about more than one thing, as said in each
# language: a translation that drops one ("numbness or tingling" becoming "numbness") asks a
# different question.
QUESTION_PARTS: dict[str, dict[str, list[str]]] = {
    "saddle_numbness": {
        "en": ["numbness", "tingling", "genitals", "buttocks", "inner thighs"],
        "es": ["entumecimiento", "hormigueo", "genitales", "nalgas", "cara interna de los muslos"],
        "de": ["Taubheit", "Kribbeln", "Genitalien", "Gesäßes", "Innenseiten der Oberschenkel"],
    },
    "bladder_bowel_change": {
        "en": ["bladder", "bowels", "since your back pain started"],
        "es": ["vejiga", "intestino", "desde que empezó el dolor de espalda"],
        "de": ["Blase", "Darm", "seit Beginn der Rückenschmerzen"],
    },
    "both_legs_numb_or_weak": {
        "en": ["numbness", "tingling", "weakness", "both legs"],
        "es": ["entumecimiento", "hormigueo", "debilidad", "ambas piernas"],
        "de": ["Taubheit", "Kribbeln", "Schwäche", "beiden Beinen"],
    },
    "difficulty_walking": {
        "en": ["unsteady", "hard to control", "walk"],
        "es": ["inestables", "difíciles de controlar", "caminar"],
        "de": ["unsicher", "schwer zu kontrollieren", "Gehen"],
    },
    "fever_or_unwell": {
        "en": ["back pain", "high temperature"],
        "es": ["dolor de espalda", "fiebre"],
        "de": ["Rückenschmerzen", "Fieber"],
    },
    "new_lump_or_deformity": {
        "en": ["lump", "swelling", "change in the shape"],
        "es": ["bulto", "hinchazón", "cambio de forma"],
        "de": ["Knoten", "Schwellung", "Formveränderung"],
    },
    "pain_at_rest": {
        "en": ["as bad or worse", "rest", "lie down"],
        "es": ["igual o peor", "descansa", "se acuesta"],
        "de": ["genauso stark oder stärker", "Ruhe", "Liegen"],
    },
    "cough_sneeze_strain_pain": {
        "en": ["coughing", "sneezing", "straining on the toilet"],
        "es": ["toser", "estornudar", "hacer fuerza en el baño"],
        "de": ["Husten", "Niesen", "Pressen auf der Toilette"],
    },
    "pain_unchanged_by_movement": {
        "en": ["position", "move"],
        "es": ["postura", "se mueva"],
        "de": ["Haltung", "bewegen"],
    },
    "fall_or_minor_injury": {
        "en": ["fall", "minor injury"],
        "es": ["caída", "lesión leve"],
        "de": ["Sturz", "leichten Verletzung"],
    },
    "recent_spinal_procedure": {
        "en": ["operation", "injection", "other procedure", "spine", "3 months"],
        "es": ["operación", "inyección", "otro procedimiento", "columna", "3 meses"],
        "de": ["Operation", "Spritze", "anderen Eingriff", "Wirbelsäule", "3 Monaten"],
    },
    "long_term_steroids": {
        "en": ["steroid tablets", "3 months or more"],
        "es": ["comprimidos de corticoides", "3 meses o más"],
        "de": ["Steroidtabletten", "3 Monaten oder länger"],
    },
    "leg_pain_below_knee": {
        "en": ["pain", "tingling", "one leg", "below the knee"],
        "es": ["dolor", "hormigueo", "una pierna", "por debajo de la rodilla"],
        "de": ["Schmerzen", "Kribbeln", "ein Bein", "unter das Knie"],
    },
}
# The help line of the cauda equina bladder question lists its symptoms too.
HELP_PARTS: dict[str, dict[str, list[str]]] = {
    "bladder_bowel_change": {
        "en": ["hard to start peeing", "unable to pee", "losing the feeling", "leaking"],
        "es": ["cueste empezar a orinar", "no poder orinar", "perder la sensación", "escape"],
        "de": ["schwer in Gang", "nicht Wasser lassen", "nicht mehr spüren", "ungewollt"],
    },
}
QUESTIONS = {q.id.value: q for q in SCREEN}


def test_every_question_that_asks_about_several_things_names_its_parts() -> None:
    several = {
        id
        for id, q in QUESTIONS.items()
        if re.search(r",| or | and ", q.text) and not q.text.startswith("Is your back pain worse")
    }
    assert several <= set(QUESTION_PARTS)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize(
    ("id", "field", "parts"),
    [(id, "text", parts) for id, parts in QUESTION_PARTS.items()]
    + [(id, "help", parts) for id, parts in HELP_PARTS.items()],
)
def test_a_translated_safety_question_keeps_every_part(
    language: str, id: str, field: str, parts: dict[str, list[str]]
) -> None:
    english = getattr(QUESTIONS[id], field)
    assert all(part in english for part in parts["en"]), parts["en"]
    translated = translate(english, language)
    assert translated.language == language
    assert len(parts[language]) == len(parts["en"])
    missing = [part for part in parts[language] if part not in translated.text]
    assert missing == [], translated.text


@pytest.mark.parametrize(
    ("header", "ranges", "language"),
    [
        ("es-MX, es;q=0.9, en;q=0.5", ["es-MX", "es", "en"], "es"),
        ("en;q=0.1, de;q=0.7, es", ["es", "de", "en"], "es"),
        ("de;q=0.5, es;q=0.5", ["de", "es"], "de"),
        ("fr;q=1, pt-BR;q=0.9", ["fr", "pt-BR"], "en"),
        ("es;q=0, de;q=bad, en-GB;q=0.2", ["en-GB"], "en"),
        ("x" * 600, [], "en"),
        ("", [], "en"),
    ],
)
def test_accept_language_quality_values_and_fallbacks(
    header: str, ranges: list[str], language: str
) -> None:
    assert parse_accept_language(header) == ranges
    assert negotiate(header) == language


EMAILS = ("verify_email", "password_reset", "password_changed", "share_link")


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", EMAILS)
def test_a_translated_email_uses_the_same_values_as_the_english(language: str, name: str) -> None:
    env = TEMPLATES.env
    assert TEMPLATES.localized(name, language) == f"{name}.{language}"
    for part in ("subject.txt", "txt", "html"):
        source = (TEMPLATES.folder / f"{name}.{part}").read_text(encoding="utf-8")
        translated = (TEMPLATES.folder / f"{name}.{language}.{part}").read_text(encoding="utf-8")
        english_values = meta.find_undeclared_variables(env.parse(source))
        assert meta.find_undeclared_variables(env.parse(translated)) == english_values, part
    context = {
        "name": "Ana",
        "link": "https://app.example/l?t=abc",
        "hours": 24,
        "minutes": 30,
        "url": "https://api.example/v1/shared/abc",
        "date_from": "2026-11-01",
        "date_to": "2026-11-24",
        "expires": "2026-12-08 18:00 UTC",
    }
    message = TEMPLATES.render(name, "ana@example.com", context, language)
    assert f'lang="{language}"' in message.html
    assert message.subject != TEMPLATES.render(name, "ana@example.com", context, "en").subject


def answer_sets() -> list[Answers]:
    """Every warning sign and caution alone and with past cancer, a fall with each fragile-bone
    risk, every area, ages from a child's to over 50, short and long pain, each limitation:
    the answers that compose each kind of reason."""
    flags = list(RedFlag)
    out: list[Answers] = []
    for area in Area:
        for age in (None, 12, 19, 35, 67):
            for weeks in (None, 1, 12):
                out.append(Answers(area, 3, age=age, duration_weeks=weeks))
                out.append(Answers(area, 9, age=age, duration_weeks=weeks))
        for flag in flags:
            for pain_level in (2, 9):
                out.append(Answers(area, pain_level, red_flags=frozenset({flag})))
                with_cancer = frozenset({flag, RedFlag.CANCER_HISTORY})
                out.append(Answers(area, pain_level, red_flags=with_cancer, age=60))
                out.append(
                    Answers(
                        area,
                        pain_level,
                        red_flags=with_cancer,
                        cautions=frozenset({Caution.LEG_PAIN_BELOW_KNEE}),
                    )
                )
        for caution in Caution:
            out.append(Answers(area, 3, cautions=frozenset({caution}), age=40))
        out.append(Answers(area, 3, cautions=frozenset(Caution), limitations=frozenset(Limitation)))
        fall = frozenset({RedFlag.FALL_OR_MINOR_INJURY})
        for age in (None, 40, 67):
            out.append(Answers(area, 3, red_flags=fall, age=age))
            out.append(Answers(area, 3, red_flags=fall, age=age, cautions=frozenset(Caution)))
            steroids = fall | {RedFlag.LONG_TERM_STEROIDS}
            out.append(Answers(area, 3, red_flags=steroids, age=age))
    return out


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_reason_triage_composes_is_said_in_each_language(language: str) -> None:
    catalog = ARTICLE
    untranslated: set[str] = set()
    for answers in answer_sets():
        result = recommend(answers, catalog)
        reasons = [*result.triage.reasons, *(r for ex in result.excluded for r in ex.reasons)]
        for reason in reasons:
            said = say(reason, REASON_TEXTS, language)
            if said.language != language:
                untranslated.add(reason)
    assert sorted(untranslated) == []
