"""The safety screen: the back pain warning signs of the NHS "Back pain" page and NICE (the CKS
red flags, the metastatic spinal cord compression guidance), worded for a lay person, one thing
per question, each with a plain-language help line. Question ids are part of the public
contract; never rename one.

A warning sign's `timeframe` is where a "yes" alone sends the person, as the NHS tiers it:
`now` ("Call 999 or go to A&E"), `today` ("Ask for an urgent GP appointment or call 111") or
`soon` (a GP in the next few days). Risk factors (`risk_factor`: past cancer, infection risks,
long-term steroids) are `soon` alone and `today` together with another risk feature; the
combination rules are in `logic.py`. Each sign names the citations its tier rests on
(`seed/triage_sources.json`). Caution questions only hold back the moves that could aggravate
them.
"""

from dataclasses import dataclass

from app.recommendations.rules import MoveProperty
from app.recommendations.schemas import CareTimeframe, Caution, RedFlag, ScreeningTier

NOW, TODAY, SOON = CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON


@dataclass(frozen=True)
class WarningSign:
    """A yes/no question whose "yes" sends the person to be seen. `reason` is what triage
    says when the answer is yes; `citations` are the ids of what the tier rests on."""

    id: RedFlag
    timeframe: CareTimeframe
    text: str
    help: str
    reason: str
    citations: tuple[str, ...] = ()
    risk_factor: bool = False

    @property
    def tier(self) -> ScreeningTier:
        return ScreeningTier.URGENT if self.timeframe is NOW else ScreeningTier.SEE_DOCTOR


@dataclass(frozen=True)
class CautionQuestion:
    """A yes/no question whose "yes" holds back the moves with a property."""

    id: Caution
    text: str
    help: str
    reason: str
    holds_back: MoveProperty
    hold_back_reason: str

    tier = ScreeningTier.CAUTION


WARNING_SIGNS: tuple[WarningSign, ...] = (
    # Emergencies: possible cauda equina syndrome, spinal cord compression, a heart or
    # aortic problem, or a serious injury (NHS: "Call 999 or go to A&E").
    WarningSign(
        RedFlag.SADDLE_NUMBNESS,
        NOW,
        "Do you have new numbness or tingling around your genitals, buttocks or inner thighs?",
        "For example, not being able to feel the toilet paper when you wipe. Doctors call "
        "this the saddle area.",
        "You have new numbness or tingling around your genitals, buttocks or inner thighs. "
        "This can mean the nerves at the bottom of the spine are being squeezed, which needs "
        "emergency care.",
        ("nhs-999-genitals",),
    ),
    WarningSign(
        RedFlag.BLADDER_BOWEL_CHANGE,
        NOW,
        "Have you had new problems with your bladder or bowels since your back pain started?",
        "For example, finding it hard to start peeing, being unable to pee, losing the feeling "
        "that you need to go, or leaking pee or poo by accident.",
        "You have new problems with your bladder or bowels. Together with back pain, this "
        "needs emergency care.",
        ("nhs-999-bladder-bowel",),
    ),
    WarningSign(
        RedFlag.SEXUAL_DYSFUNCTION,
        NOW,
        "Have you noticed a new change in your sexual function since your back pain started?",
        "For example, being unable to get an erection or to ejaculate, or less feeling in "
        "your genitals during sex.",
        "You have a new change in your sexual function. With back pain, this can mean the "
        "nerves at the bottom of the spine are being squeezed, which needs emergency care.",
        ("ces-sexual-function",),
    ),
    WarningSign(
        RedFlag.BOTH_LEGS_NUMB_OR_WEAK,
        NOW,
        "Do you have numbness, tingling or weakness in both legs?",
        "In both legs at the same time, not just one. Pins and needles count as tingling.",
        "You have numbness, tingling or weakness in both legs. This can mean nerves in the "
        "spine are being squeezed, which needs emergency care.",
        ("nhs-999-both-legs",),
    ),
    WarningSign(
        RedFlag.BOTH_LEGS_PAIN,
        NOW,
        "Do you have pain in both legs?",
        "Pain in both legs at the same time, for example running down the back of both "
        "thighs. Pain in one leg is asked about separately.",
        "You have pain in both legs. With back pain, this can mean nerves in the spine are "
        "being squeezed, which needs emergency care.",
        ("nhs-999-both-legs",),
    ),
    WarningSign(
        RedFlag.LEG_WEAKNESS_WORSENING,
        NOW,
        "Is there weakness in one of your legs that is getting worse?",
        "For example, your foot catching or dragging when you walk, or a leg giving way more "
        "often than it did.",
        "You have leg weakness that is getting worse. A nerve in the spine may be under "
        "growing pressure, which needs emergency care.",
        ("cks-progressive-deficit",),
    ),
    WarningSign(
        RedFlag.DIFFICULTY_WALKING,
        NOW,
        "Have your legs become unsteady or hard to control when you walk?",
        "For example, your legs feel heavy or clumsy, or you stumble or lose your balance. "
        "Walking slowly only because it hurts does not count.",
        "Your legs have become unsteady or hard to control when you walk. This can mean "
        "nerves in the spine are being squeezed, which needs emergency care.",
        ("cks-progressive-deficit",),
    ),
    WarningSign(
        RedFlag.CHEST_PAIN,
        NOW,
        "Do you have chest pain as well as your back pain?",
        "Any pain, pressure or tightness in your chest, even if it is mild.",
        "You have chest pain as well as back pain. Chest pain needs to be checked straight away.",
        ("nhs-999-chest-pain",),
    ),
    WarningSign(
        RedFlag.MAJOR_TRAUMA,
        NOW,
        "Did your back pain start after a serious accident?",
        "For example, a car crash, a fall from a height such as a ladder or down the stairs, "
        "or a hard blow to the back.",
        "Your back pain began with a serious accident. An injury like this needs to be checked "
        "urgently.",
        ("nhs-999-accident",),
    ),
    # An urgent GP appointment or NHS 111: a doctor today.
    WarningSign(
        RedFlag.FEVER_OR_UNWELL,
        TODAY,
        "Along with your back pain, do you have a high temperature?",
        "A temperature of 38°C (100.4°F) or more, or feeling hot and shivery.",
        "You have a high temperature as well as back pain. Together these can mean an "
        "infection in the spine, which a doctor should check today.",
        ("nhs-111-temperature",),
    ),
    WarningSign(
        RedFlag.UNEXPLAINED_WEIGHT_LOSS,
        TODAY,
        "Have you lost weight unexpectedly in the last few months?",
        "For example, your clothes have become loose although you have not been dieting or "
        "changed how much you eat or exercise.",
        "You have lost weight without trying to. Together with back pain, a doctor should look "
        "into why today.",
        ("nhs-111-weight-loss",),
    ),
    WarningSign(
        RedFlag.NEW_LUMP_OR_DEFORMITY,
        TODAY,
        "Have you noticed a new lump, swelling or change in the shape of your back?",
        "Anything on your back that you can see or feel and that was not there before.",
        "You have a new lump, swelling or change in the shape of your back, which a doctor "
        "should check today.",
        ("nhs-111-lump",),
    ),
    WarningSign(
        RedFlag.NIGHT_PAIN,
        TODAY,
        "Is your back pain worse at night?",
        "For example, it wakes you from sleep, or it is worse at night than during the day.",
        "Your back pain is worse at night. Pain like this should be checked by a doctor today.",
        ("nhs-111-rest-or-night",),
    ),
    WarningSign(
        RedFlag.PAIN_AT_REST,
        TODAY,
        "Is your back pain as bad or worse when you rest or lie down?",
        "Most back pain eases when you rest. Answer yes if resting or lying down brings you no "
        "relief.",
        "Your back pain does not ease when you rest. Pain like this should be checked by a "
        "doctor today.",
        ("nhs-111-rest-or-night",),
    ),
    WarningSign(
        RedFlag.COUGH_SNEEZE_STRAIN_PAIN,
        TODAY,
        "Does coughing, sneezing or straining on the toilet make your back pain worse?",
        "Answer yes if your back pain gets sharply worse when you cough, sneeze or strain to poo.",
        "Your back pain gets worse when you cough, sneeze or strain. Pain like this should be "
        "checked by a doctor today.",
        ("nhs-111-cough-sneeze",),
    ),
    # Pain that does not change with movement or position does not ease with rest either
    # (NHS: a doctor today). For upper and mid back pain it is also the line the screen draws
    # under the NHS's "top of your back" reason: see logic.area_findings.
    WarningSign(
        RedFlag.PAIN_UNCHANGED_BY_MOVEMENT,
        TODAY,
        "Does your back pain stay the same whatever position you are in or however you move?",
        "Most back pain changes as you move, sit, stand or lie down. Answer yes if moving and "
        "changing position make no difference to it.",
        "Your back pain stays the same whatever position you are in or however you move. Pain "
        "that does not change with movement or rest should be checked by a doctor today.",
        ("nhs-111-rest-or-night", "cks-night-pain"),
    ),
    WarningSign(
        RedFlag.FALL_OR_MINOR_INJURY,
        TODAY,
        "Did your back pain start after a fall or a minor injury?",
        "For example, a trip, a small fall, a bump or lifting something heavy. It matters most "
        "if you are over 50, have osteoporosis or take steroid tablets long term: then even a "
        "minor injury can break a bone in the spine.",
        # Applies only with a fragile-bone risk (see logic.fragile_bone_risks), named in
        # `{risks}`.
        "Your back pain started after a fall or a minor injury, and {risks}. Then even a minor "
        "injury can break a bone in the spine, so a doctor should check you today.",
        ("cks-fracture", "inferred-fall-over-50"),
    ),
    # Risk factors: a GP in the next few days alone; today with another risk feature.
    WarningSign(
        RedFlag.CANCER_HISTORY,
        SOON,
        "Have you ever had cancer?",
        "Any cancer, even one treated years ago or one you were told had gone. Some cancers can "
        "spread to the spine.",
        "You have had cancer, so new back pain should be checked by a doctor.",
        ("cks-cancer-history", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
    WarningSign(
        RedFlag.RECENT_INFECTION,
        SOON,
        "Have you had an infection in the last 3 months?",
        "For example, a bladder or kidney infection, a skin infection or boil, a chest "
        "infection, or an infection that needed antibiotics or a hospital stay.",
        "You have had an infection recently. An infection can spread to the spine, so a "
        "doctor should check your back pain, today if you get a high temperature.",
        ("cks-infection", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
    WarningSign(
        RedFlag.INJECTED_DRUGS,
        SOON,
        "Have you injected drugs in the last year?",
        "Any drugs injected into a vein, muscle or under the skin that a doctor or nurse did "
        "not give you. This is asked only because it raises the risk of an infection.",
        "You have injected drugs recently. That raises the risk of an infection in the spine, "
        "so a doctor should check your back pain, today if you get a high temperature.",
        ("cks-infection", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
    WarningSign(
        RedFlag.RECENT_SPINAL_PROCEDURE,
        SOON,
        "Have you had an operation, injection or other procedure on your spine in the last "
        "3 months?",
        "For example, back surgery, an epidural (including one in childbirth) or a steroid "
        "injection into your back.",
        "You have had a procedure on your spine recently. New back pain afterwards can mean an "
        "infection, so a doctor should check you, today if you get a high temperature.",
        ("inferred-spinal-procedure", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
    WarningSign(
        RedFlag.WEAKENED_IMMUNE_SYSTEM,
        SOON,
        "Do you have a weakened immune system?",
        "For example, because of HIV, chemotherapy, an organ transplant, or medicines that "
        "damp down the immune system.",
        "Your immune system is weakened, which makes an infection in the spine more likely. "
        "A doctor should check your back pain, today if you get a high temperature.",
        ("cks-infection", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
    WarningSign(
        RedFlag.LONG_TERM_STEROIDS,
        SOON,
        "Have you been taking steroid tablets for 3 months or more?",
        "For example, prednisolone for asthma, arthritis or a bowel condition. Steroid creams "
        "and inhalers are not included.",
        "You have been taking steroid tablets for a long time. They weaken the immune system "
        "and thin the bones, so back pain can come from an infection or a broken bone in the "
        "spine. A doctor should check you, today if you get a high temperature.",
        ("cks-fracture", "inferred-soft-sign-alone"),
        risk_factor=True,
    ),
)

CAUTION_QUESTIONS: tuple[CautionQuestion, ...] = (
    CautionQuestion(
        Caution.OSTEOPOROSIS,
        "Have you been told you have osteoporosis?",
        "Osteoporosis means thin, fragile bones that break more easily. Answer yes if a doctor "
        "has told you that you have it.",
        "You have osteoporosis, so moves that bend your spine forward under load are left out.",
        holds_back=MoveProperty.LOADED_SPINAL_FLEXION,
        hold_back_reason="It bends your spine forward under load, which is best avoided with "
        "osteoporosis.",
    ),
    CautionQuestion(
        Caution.LEG_PAIN_BELOW_KNEE,
        "Does pain or tingling spread from your back down one leg, below the knee?",
        "This is often called sciatica. It comes from an irritated nerve in the lower back.",
        "You have pain running down one leg below the knee, so the stretch that pulls on the "
        "back of the leg is left out.",
        holds_back=MoveProperty.LEG_NERVE_TENSION,
        hold_back_reason="It stretches the back of the leg, which can aggravate pain that runs "
        "below the knee.",
    ),
)

# Ids from the 1.0 screen that asked two things at once. Still accepted until /v2 and
# handled as before; no longer asked.
DEPRECATED_WARNING_SIGNS: tuple[WarningSign, ...] = (
    WarningSign(
        RedFlag.LEG_WEAKNESS_BOTH_OR_WORSENING,
        NOW,
        "Do you have weakness, numbness or tingling in both legs, or weakness in a leg that is "
        "getting worse?",
        "Replaced by two questions: both_legs_numb_or_weak and leg_weakness_worsening.",
        "You have weakness, numbness or tingling in both legs, or leg weakness that is getting "
        "worse. This needs emergency care.",
        ("nhs-999-both-legs", "cks-progressive-deficit"),
    ),
    WarningSign(
        RedFlag.NIGHT_OR_REST_PAIN,
        TODAY,
        "Is your back pain worse at night, or as bad when you rest or lie down?",
        "Replaced by two questions: night_pain and pain_at_rest.",
        "Your back pain is worse at night or doesn't ease with rest. Pain like this should be "
        "checked by a doctor today.",
        ("nhs-111-rest-or-night",),
    ),
)

WARNING_SIGNS_BY_ID: dict[RedFlag, WarningSign] = {
    q.id: q for q in WARNING_SIGNS + DEPRECATED_WARNING_SIGNS
}
CAUTIONS_BY_ID: dict[Caution, CautionQuestion] = {q.id: q for q in CAUTION_QUESTIONS}
# The caution ids also accepted in `red_flags` (deprecated there), by their red-flag spelling.
CAUTION_RED_FLAGS: dict[RedFlag, Caution] = {RedFlag(c.value): c for c in Caution}

# Each answer as a clinician reads it, in the third person: the clinician report and its CSV
# name what was reported by these, never by id or in the words put to the person.
CLINICAL_LABELS: dict[RedFlag | Caution, str] = {
    RedFlag.SADDLE_NUMBNESS: "New numbness or tingling in the saddle area (genitals, buttocks, "
    "inner thighs)",
    RedFlag.BLADDER_BOWEL_CHANGE: "New bladder or bowel problems since the back pain began",
    RedFlag.SEXUAL_DYSFUNCTION: "New change in sexual function since the back pain began",
    RedFlag.BOTH_LEGS_NUMB_OR_WEAK: "Numbness, tingling or weakness in both legs",
    RedFlag.BOTH_LEGS_PAIN: "Pain in both legs",
    RedFlag.LEG_WEAKNESS_WORSENING: "Worsening weakness in one leg",
    RedFlag.DIFFICULTY_WALKING: "Legs unsteady or hard to control when walking",
    RedFlag.CHEST_PAIN: "Chest pain with the back pain",
    RedFlag.MAJOR_TRAUMA: "Back pain began after serious trauma",
    RedFlag.FEVER_OR_UNWELL: "High temperature (38°C or more) with the back pain",
    RedFlag.UNEXPLAINED_WEIGHT_LOSS: "Unexplained weight loss in recent months",
    RedFlag.NEW_LUMP_OR_DEFORMITY: "New lump, swelling or change in the shape of the back",
    RedFlag.NIGHT_PAIN: "Back pain worse at night",
    RedFlag.PAIN_AT_REST: "Back pain not eased by rest or lying down",
    RedFlag.COUGH_SNEEZE_STRAIN_PAIN: "Back pain worse on coughing, sneezing or straining",
    RedFlag.PAIN_UNCHANGED_BY_MOVEMENT: "Back pain unchanged by movement or position",
    RedFlag.FALL_OR_MINOR_INJURY: "Back pain began after a fall or minor injury",
    RedFlag.CANCER_HISTORY: "History of cancer",
    RedFlag.RECENT_INFECTION: "Infection in the last 3 months",
    RedFlag.INJECTED_DRUGS: "Injected drugs in the last year",
    RedFlag.RECENT_SPINAL_PROCEDURE: "Spinal operation, injection or procedure in the last "
    "3 months",
    RedFlag.WEAKENED_IMMUNE_SYSTEM: "Weakened immune system",
    RedFlag.LONG_TERM_STEROIDS: "Oral steroids for 3 months or more",
    RedFlag.LEG_WEAKNESS_BOTH_OR_WORSENING: "Weakness, numbness or tingling in both legs, or "
    "worsening leg weakness (earlier combined question)",
    RedFlag.NIGHT_OR_REST_PAIN: "Back pain worse at night or not eased by rest (earlier "
    "combined question)",
    Caution.OSTEOPOROSIS: "Osteoporosis",
    Caution.LEG_PAIN_BELOW_KNEE: "Pain or tingling down one leg below the knee (sciatica)",
}


def clinical_label(answer_id: str) -> str:
    """The clinician's words for a warning-sign or caution id (caution ids read as cautions)."""
    if answer_id in CAUTIONS_BY_ID:
        return CLINICAL_LABELS[Caution(answer_id)]
    return CLINICAL_LABELS[RedFlag(answer_id)]
