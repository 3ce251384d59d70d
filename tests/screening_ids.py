"""The screening question ids by where an answer of yes sends a person, written out for the
tests independently of the rule tables in app/recommendations."""

# Emergency: call the local emergency number or go to the emergency department.
EMERGENCY = [
    "saddle_numbness",
    "bladder_bowel_change",
    "both_legs_numb_or_weak",
    "leg_weakness_worsening",
    "chest_pain",
    "major_trauma",
    "leg_weakness_both_or_worsening",  # deprecated, still accepted
]
# Possible spinal infection: a medical review the same day.
INFECTION = [
    "fever_or_unwell",
    "recent_infection",
    "injected_drugs",
    "recent_spinal_procedure",
    "weakened_immune_system",
    "long_term_steroids",
]
# Other warning signs: see a doctor within a few days.
SOON = [
    "unexplained_weight_loss",
    "cancer_history",
    "night_pain",
    "pain_at_rest",
    "new_lump_or_deformity",
    "night_or_rest_pain",  # deprecated, still accepted
]
