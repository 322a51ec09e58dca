"""Word lists by language: the survey stoplist and the lemma override table.

General word classes only (quantifiers, opinion verbs, units of time, simplemma's known
mistakes), never a word because one labelled answer contains it. Staff extend both.
"""

# Survey words that carry no topic of their own: quantifiers and comparatives respondents
# put in front of what they want ("fler", "bättre"), opinion verbs, the survey's own
# subject (the municipality, the town) and units of time. Kept short; staff extend it.
SURVEY_STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        """fler flera mer mera bättre sämre mindre större behöver behövs behöva saknar saknas
        tycker tycka känns känna önskar önska vill finns bra dålig dåligt mycket lite jätte
        kommun kommunen stad staden stan ort orten sak saker grej grejer folk människor
        person personer tid gång gången gånger dag dagar vecka veckor månad månader år
        timme timmar minut minuter kväll kvällen kvällar morgon morgnar helg helger
        helgerna natt nätter ställe ställen del delar typ både bo bor bodde bott måndag
        sommar sommaren vinter vintern höst hösten
        tisdag onsdag torsdag fredag lördag söndag""".split()
    ),
    "da": frozenset(
        """flere mere bedre dårligere mindre større mangler mangel savner synes syntes
        ønsker vil gerne godt god dårlig meget lidt kommune kommunen by byen sted steder
        ting folk mennesker person personer tid gang gange dag dage uge uger måned måneder
        år time timer minut minutter aften aftener morgen weekend weekender nat del dele
        sommer vinter bo bor boede gøre gør gjort
        mandag tirsdag onsdag torsdag fredag lørdag søndag""".split()
    ),
    "nb": frozenset(
        """flere mer mere bedre dårligere mindre større mangler savner synes syns ønsker
        vil gjerne bra dårlig mye litt kommune kommunen by byen sted steder ting folk
        mennesker person personer tid gang ganger dag dager uke uker måned måneder år
        time timer minutt minutter kveld kvelder morgen helg helger natt del deler
        sommer vinter bo bor bodde gjøre gjør gjort
        mandag tirsdag onsdag torsdag fredag lørdag søndag""".split()
    ),
    "en": frozenset(
        """more better less need needs want like good bad lot lots thing things people
        municipality town city place time day days week weeks month months year years""".split()
    ),
    "ar": frozenset(),
}

# simplemma's known lemma errors (KEYWORDS-NOTES.md, "Pitfalls"): a noun read as a verb
# form, a definite plural read as another noun, comparatives mapped to their positive.
# Only general fixes belong here; staff renames can extend it later.
LEMMA_OVERRIDES: dict[str, dict[str, str]] = {
    "sv": {
        "buss": "buss",
        "bussen": "buss",
        "lugn": "lugn",
        "lugnet": "lugn",
        "klotter": "klotter",
        "klottret": "klotter",
        "boende": "boende",
        "boendet": "boende",
        "gängen": "gäng",
        "gängens": "gäng",
        "träden": "träd",
        "fler": "fler",
        "flera": "fler",
        "mer": "mer",
        "mera": "mer",
        "bättre": "bättre",
    },
    "da": {
        "flere": "flere",
        "mere": "mere",
        "bedre": "bedre",
        "busser": "bus",
        "busserne": "bus",
    },
    "nb": {
        "bussene": "buss",
        "busser": "buss",
        "bussen": "buss",
        "flere": "flere",
        "mer": "mer",
        "mere": "mer",
        "bedre": "bedre",
    },
    "en": {},
    "ar": {},
}

# Word-form suffixes that tell a lemma's word class: the comparative/superlative only

# The generic part of a place or institution name, written in lower case after the specific
# part in Norwegian and often in Swedish and Danish ("Nordbyen skole", "Lundheim stasjon"):
# it belongs to the name. Definite and indefinite forms, as names use both.
NAME_GENERICS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        """skola skolan station stationen kyrka kyrkan sjukhus sjukhuset
        vårdcentral vårdcentralen""".split()
    ),
    "da": frozenset("skole skolen station stationen kirke kirken sygehus sygehuset".split()),
    "nb": frozenset(
        """skole skolen stasjon stasjonen kirke kirka kirken sykehus sykehuset""".split()
    ),
    "en": frozenset(),
    "ar": frozenset(),
}
