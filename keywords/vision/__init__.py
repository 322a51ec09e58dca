"""From the residents' keywords to the vision and the council's decision (seed 000, step 3):
the proposal editor's sources, "what sets us apart", and the councillors' decision pack.

It lives in keywords because it reads keywords, answers and the core: dependencies point
one way (visionportal <- consultations <- keywords). The proposal and decision models
themselves are in the core (visionportal.models), where indicators can read them.
"""
