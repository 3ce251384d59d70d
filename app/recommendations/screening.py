"""The safety screen: the widely used red flags for back pain (NICE NG59, NHS back pain pages),
worded for a lay person. Question ids are part of the public contract; never rename one.
"""

from dataclasses import dataclass

from app.recommendations.rules import MoveProperty
from app.recommendations.schemas import RedFlag, ScreeningTier


@dataclass(frozen=True)
class ScreeningQuestion:
    """A yes/no question. `reason` is what triage says when the answer is yes; a `caution`
    question also names the move property it rules out and how to explain that per move."""

    id: RedFlag
    tier: ScreeningTier
    text: str
    reason: str
    holds_back: MoveProperty | None = None
    hold_back_reason: str | None = None


URGENT = ScreeningTier.URGENT
SEE_DOCTOR = ScreeningTier.SEE_DOCTOR
CAUTION = ScreeningTier.CAUTION

SCREENING_QUESTIONS: tuple[ScreeningQuestion, ...] = (
    ScreeningQuestion(
        RedFlag.SADDLE_NUMBNESS,
        URGENT,
        "Do you have new numbness or loss of feeling around your genitals, buttocks or inner "
        "thighs?",
        "You have new numbness around your genitals, buttocks or inner thighs. This can mean "
        "the nerves at the bottom of the spine are being squeezed, which needs emergency care.",
    ),
    ScreeningQuestion(
        RedFlag.BLADDER_BOWEL_CHANGE,
        URGENT,
        "Have you recently found it hard to pass urine, or lost control of your bladder or bowels?",
        "You have new trouble passing urine or controlling your bladder or bowels. Together "
        "with back pain, this needs emergency care.",
    ),
    ScreeningQuestion(
        RedFlag.LEG_WEAKNESS_BOTH_OR_WORSENING,
        URGENT,
        "Do you have weakness, numbness or tingling in both legs, or weakness in a leg that is "
        "getting worse?",
        "You have weakness, numbness or tingling in both legs, or leg weakness that is getting "
        "worse. This needs to be checked urgently.",
    ),
    ScreeningQuestion(
        RedFlag.CHEST_PAIN,
        URGENT,
        "Do you have chest pain as well as your back pain?",
        "You have chest pain as well as back pain. Chest pain needs to be checked straight away.",
    ),
    ScreeningQuestion(
        RedFlag.MAJOR_TRAUMA,
        URGENT,
        "Did your back pain start after a serious fall, a car accident or another hard blow?",
        "Your back pain began with a serious fall or accident. An injury like this needs to be "
        "checked urgently before you exercise.",
    ),
    ScreeningQuestion(
        RedFlag.FEVER_OR_UNWELL,
        SEE_DOCTOR,
        "Do you have a fever (a high temperature), or do you feel generally unwell?",
        "You have a fever or feel generally unwell as well as back pain.",
    ),
    ScreeningQuestion(
        RedFlag.UNEXPLAINED_WEIGHT_LOSS,
        SEE_DOCTOR,
        "Have you lost weight recently without trying or without knowing why?",
        "You have lost weight without knowing why.",
    ),
    ScreeningQuestion(
        RedFlag.CANCER_HISTORY,
        SEE_DOCTOR,
        "Have you ever had cancer?",
        "You have had cancer, so new back pain should be checked by a doctor.",
    ),
    ScreeningQuestion(
        RedFlag.NIGHT_OR_REST_PAIN,
        SEE_DOCTOR,
        "Is your back pain worse at night, or does it not ease when you rest or lie down?",
        "Your pain is worse at night or doesn't ease with rest.",
    ),
    ScreeningQuestion(
        RedFlag.WEAKENED_IMMUNE_SYSTEM,
        SEE_DOCTOR,
        "Is your immune system weakened, for example because you take steroid tablets long "
        "term or medicines that damp down the immune system (immunosuppressants)?",
        "Your immune system is weakened, so back pain should be checked by a doctor.",
    ),
    ScreeningQuestion(
        RedFlag.NEW_LUMP_OR_DEFORMITY,
        SEE_DOCTOR,
        "Have you noticed a new lump on your back, or a change in the shape of your back?",
        "You have a new lump or a change in the shape of your back.",
    ),
    ScreeningQuestion(
        RedFlag.OSTEOPOROSIS,
        CAUTION,
        "Have you been diagnosed with osteoporosis (thinning, fragile bones)?",
        "You have osteoporosis, so moves that bend your spine forward under load are left out.",
        holds_back=MoveProperty.LOADED_SPINAL_FLEXION,
        hold_back_reason="It bends your spine forward under load, which is best avoided with "
        "osteoporosis.",
    ),
    ScreeningQuestion(
        RedFlag.LEG_PAIN_BELOW_KNEE,
        CAUTION,
        "Do you have pain or tingling that runs down one leg, below the knee?",
        "You have pain running down one leg below the knee, so the stretch that pulls on the "
        "back of the leg is left out.",
        holds_back=MoveProperty.LEG_NERVE_TENSION,
        hold_back_reason="It stretches the back of the leg, which can aggravate pain that runs "
        "below the knee.",
    ),
)

QUESTIONS_BY_ID: dict[RedFlag, ScreeningQuestion] = {q.id: q for q in SCREENING_QUESTIONS}
