"""The screening question ids by where an answer of yes alone sends a person, written out for
the tests independently of the rule tables in app/recommendations."""

# Emergency (NHS: call 999 or go to A&E): the local emergency number or the emergency
# department.
EMERGENCY = [
    "saddle_numbness",
    "bladder_bowel_change",
    "sexual_dysfunction",
    "both_legs_numb_or_weak",
    "both_legs_pain",
    "leg_weakness_worsening",
    "difficulty_walking",
    "chest_pain",
    "major_trauma",
    "leg_weakness_both_or_worsening",  # deprecated, still accepted
]
# An urgent GP appointment or NHS 111: a doctor today.
TODAY = [
    "fever_or_unwell",
    "unexplained_weight_loss",
    "new_lump_or_deformity",
    "night_pain",
    "pain_at_rest",
    "cough_sneeze_strain_pain",
    "pain_unchanged_by_movement",
    "night_or_rest_pain",  # deprecated, still accepted
]
# Risk factors: a GP in the next few days alone, a doctor today with another risk feature.
RISK_FACTORS = [
    "cancer_history",
    "recent_infection",
    "injected_drugs",
    "recent_spinal_procedure",
    "weakened_immune_system",
    "long_term_steroids",
]
# Nerve symptoms that, after cancer, are an emergency (with leg_pain_below_knee, a caution).
NERVE = [
    "saddle_numbness",
    "bladder_bowel_change",
    "sexual_dysfunction",
    "both_legs_numb_or_weak",
    "both_legs_pain",
    "leg_weakness_worsening",
    "difficulty_walking",
    "leg_weakness_both_or_worsening",
]
CAUTIONS = ["osteoporosis", "leg_pain_below_knee"]
