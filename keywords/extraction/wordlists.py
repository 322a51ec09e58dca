"""Word lists by language: the survey stoplist and the lemma override table.

General word classes only (quantifiers, opinion verbs, units of time, simplemma's known
mistakes), never a word because one labelled answer contains it. Staff extend both.
"""

# Survey words that carry no topic of their own: quantifiers and comparatives respondents
# put in front of what they want ("fler", "bättre"), opinion verbs, the survey's own
# subject (the municipality, the town), generic nouns for "place" and "thing" and units of
# time. Kept short; staff extend it.
_SURVEY_WORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        """fler flera mer mera bättre sämre mindre större behöver behövs behöva saknar saknas
        tycker tycka känns känna önskar önska vill finns bra dålig dåligt mycket lite jätte
        kommun kommunen stad staden stan ort orten sak saker grej grejer folk människor
        person personer tid gång gången gånger dag dagar vecka veckor månad månader år
        timme timmar minut minuter kväll kvällen kvällar morgon morgnar helg helger
        helgerna natt nätter ställe ställen plats platser del delar typ både bo bor bodde
        bott måndag
        sommar sommaren vinter vintern höst hösten
        tisdag onsdag torsdag fredag lördag söndag""".split()
    ),
    "da": frozenset(
        """flere mere bedre dårligere mindre større mangler mangel savner synes syntes
        ønsker vil gerne godt god dårlig meget lidt kommune kommunen by byen sted steder
        plads pladser ting folk mennesker person personer tid gang gange dag dage uge uger
        måned måneder
        år time timer minut minutter aften aftener morgen weekend weekender nat del dele
        sommer vinter bo bor boede gøre gør gjort
        mandag tirsdag onsdag torsdag fredag lørdag søndag""".split()
    ),
    "nb": frozenset(
        """flere mer mere bedre dårligere mindre større mangler savner synes syns ønsker
        vil gjerne bra dårlig mye litt kommune kommunen by byen sted steder plass plasser ting folk
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


# The classes below are closed or near-closed word classes a grammar lists in full; none
# carries a topic of its own in an answer. Each is given per language, base forms and the
# inflected forms that simplemma does not map to them.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Quantifiers and totality words: "hela stan", "hele dagen", "alt de gjør", "ingen hjälp".
QUANTIFIERS: dict[str, frozenset[str]] = {
    "sv": _words(
        """hel hela helt all alla allt ingen inget inga ingenting många mycket lite lita
        få fler flera flest mest mer mera mindre minst båda varje varenda några någon något
        nåt nån samtliga övriga halv halva halvt"""
    ),
    "da": _words(
        """hel hele helt al alle alt ingen intet ingenting mange meget lidt få flere flest
        mest mere mindre mindst begge hver hvert enhver nogle noget nogen samtlige øvrige
        halv halve halvt"""
    ),
    "nb": _words(
        """hel hele helt heile all alle alt ingen intet ingenting mange mye litt få flere
        flest mest mer mere mindre minst begge hver hvert enhver noen noe samtlige øvrige
        halv halve halvt"""
    ),
}

# Nouns that name a part or an amount of something else: "hälften av affärerna",
# "resten af byen", "halvparten av butikkene".
PARTITIVES: dict[str, frozenset[str]] = {
    "sv": _words("hälft hälften halvdel rest resten mängd antal massa majoritet"),
    "da": _words("halvdel halvdelen rest resten mængde antal masse flertal dobbelt"),
    "nb": _words("halvpart halvparten halvdel halvdelen rest resten mengde antall masse flertall"),
}

# Cardinal numbers written as words ("i to år", "null utleieleiligheter"). Norwegian "tre"
# is left out: it is also the noun "tree".
NUMERALS: dict[str, frozenset[str]] = {
    "sv": _words(
        """noll en ett två tre fyra fem sex sju åtta nio tio elva tolv tjugo trettio
        hundra tusen miljon miljoner halvannan"""
    ),
    "da": _words(
        """nul en et to tre fire fem seks syv otte ni ti elleve tolv tyve tredive
        hundrede tusind million millioner halvanden"""
    ),
    "nb": _words(
        """null en ett to fire fem seks sju syv åtte ni ti elleve tolv tjue tretti
        hundre tusen million millioner halvannen"""
    ),
}

# Kinship terms: respondents name their relatives to say whom a service concerns ("min
# pappa fick vänta", "mine drenge er i hallen"); the service is the topic.
KINSHIP: dict[str, frozenset[str]] = {
    "sv": _words(
        """mamma pappa mor far morfar farfar mormor farmor son söner dotter döttrar barn
        förälder föräldrar bror bröder syster systrar make maka fru sambo kids"""
    ),
    "da": _words(
        """mor far mormor morfar farmor farfar søn sønner datter døtre barn børn dreng
        drenge pige piger forælder forældre bror brødre søster søstre kone mand"""
    ),
    "nb": _words(
        """mor far mamma pappa mormor morfar farmor farfar sønn sønner datter døtre barn
        unge unger gutt gutter jente jenter forelder foreldre bror brødre søster søstre
        kone mann"""
    ),
}

# Sentence adverbs, hedges, fillers and interjections of spoken style ("faktiskt",
# "liksom", "asså", "tja"), including the English ones Nordic answers borrow ("lol").
DISCOURSE: dict[str, frozenset[str]] = {
    "sv": _words(
        """faktiskt faktisk verkligen kanske typ liksom asså alltså ju väl nog säkert
        ärligt tja nja jaha ja nej okej ok lol tbh omg"""
    ),
    "da": _words(
        """faktisk virkelig måske vel nok jo altså ligesom sådan øh hmm nå ja nej okay ok
        lol tbh omg"""
    ),
    "nb": _words(
        """faktisk virkelig kanskje vel nok jo altså liksom sånn tja ja nei okei ok typ
        lol tbh omg"""
    ),
}

# Abbreviations, split by the tokeniser at their full stops ("t.ex." -> "t", "ex";
# "f.eks." -> "f", "eks"; "kl. 17").
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "sv": _words("ex tex bla osv dvs etc mfl ca kl st mån"),
    "da": _words("fx eks bla osv dvs etc mfl ca kl stk mv"),
    "nb": _words("eks bla osv dvs etc mfl ca kl stk mnd ift"),
}

# Adverbs of place and direction: "gå hem", "flytta hit", "bor hjemme".
DIRECTIONS: dict[str, frozenset[str]] = {
    "sv": _words("hem hemma hit dit härifrån därifrån hitåt bort borta ute inne uppe nere"),
    "da": _words("hjem hjemme hertil derhen herfra derfra væk ude inde oppe nede"),
    "nb": _words("hjem hjemme hit dit herfra derfra bort borte ute inne oppe nede"),
}

# Months: like the weekdays and seasons above, units of time.
MONTHS: dict[str, frozenset[str]] = {
    "sv": _words(
        "januari februari mars april maj juni juli augusti september oktober november december"
    ),
    "da": _words(
        "januar februar marts april maj juni juli august september oktober november december"
    ),
    "nb": _words(
        "januar februar mars april mai juni juli august september oktober november desember"
    ),
}

# Evaluative adjectives and adverbs, with the intensified forms simplemma does not know
# ("superbra", "grymt"): they judge a topic, they are not one.
EVALUATIVES: dict[str, frozenset[str]] = {
    "sv": _words(
        """bra superbra jättebra toppen grym grymt kass kasst usel uselt bäst bästa sämst
        sämsta fantastisk fantastiskt härlig härligt skön skönt mysig mysigt trevlig najs"""
    ),
    "da": _words(
        """god godt gode bedst bedste dårligst super supergod fed fedt skøn skønt dejlig
        dejligt hyggelig hyggeligt elendig elendigt fantastisk fantastiske"""
    ),
    "nb": _words(
        """god godt gode best beste dårligst super supert fantastisk fantastiske deilig
        deilig koselig koselige elendig elendige"""
    ),
}

# Auxiliaries, modal verbs and the light verbs that carry grammar rather than meaning
# ("har", "kan", "får", "tar tid", "går att"), in all their forms. Danish and Norwegian
# "tog" (the train) is left out.
AUXILIARIES: dict[str, frozenset[str]] = {
    "sv": _words(
        """ha har hade haft vara är var varit bli blir blev blivit kunna kan kunde kunnat
        ska skall skulle måste vilja vill ville velat få får fick fått böra bör borde
        orka orkar orkade våga vågar vågade slippa slipper slapp bruka brukar brukade
        göra gör gjorde gjort ta tar tog tagit komma kommer kom kommit gå går gick gått
        stå står stod stått se ser såg sett ligga ligger låg legat"""
    ),
    "da": _words(
        """have har havde haft være er var været blive bliver blev blevet kunne kan kunnet
        skulle skal måtte må ville vil villet burde bør turde tør få får fik fået gide
        gider gad gøre gør gjorde gjort tage tager taget komme kommer kom kommet gå
        går gik gået stå står stod stået se ser så set ligge ligger lå ligget"""
    ),
    "nb": _words(
        """ha har hadde hatt være er var vært bli blir ble blitt kunne kan kunnet skulle
        skal måtte må ville vil villet burde bør tørre tør få får fikk fått gidde gidder
        gjøre gjør gjorde gjort ta tar tok tatt komme kommer kom kommet gå går gikk gått
        stå står sto stått se ser så sett ligge ligger lå ligget"""
    ),
}

# Prepositions and adverbs of manner, degree and time: closed classes, only partly in
# stopwords-iso (its Norwegian list is short).
PARTICLES: dict[str, frozenset[str]] = {
    "sv": _words(
        """genom bakom framför mellan längs runt efter under över mot hos utan inom utanför
        bland hellre överhuvudtaget egentligen bara också alltid aldrig ofta snart
        fortfarande redan nästan ganska väldigt alldeles överallt tillsammans ensam igen"""
    ),
    "da": _words(
        """gennem bag foran mellem langs rundt efter under over mod hos uden inden udenfor
        blandt hellere overhovedet slet egentlig bare også altid aldrig ofte snart stadig
        allerede næsten ganske overalt sammen alene igen"""
    ),
    "nb": _words(
        """gjennom bak foran mellom langs rundt etter under over mot hos uten innen utenfor
        blant heller overhodet egentlig bare også alltid aldri ofte snart fortsatt
        allerede nesten ganske veldig altfor overalt sammen alene igjen"""
    ),
}

WORD_CLASSES = {
    "quantifiers": QUANTIFIERS,
    "partitives": PARTITIVES,
    "numerals": NUMERALS,
    "kinship": KINSHIP,
    "discourse": DISCOURSE,
    "abbreviations": ABBREVIATIONS,
    "directions": DIRECTIONS,
    "months": MONTHS,
    "evaluatives": EVALUATIVES,
    "auxiliaries": AUXILIARIES,
    "particles": PARTICLES,
}

SURVEY_STOPWORDS: dict[str, frozenset[str]] = {
    language: words.union(*(word_class.get(language, ()) for word_class in WORD_CLASSES.values()))
    for language, words in _SURVEY_WORDS.items()
}

# "The elderly", an adjective used as the noun for a group of people ("för oss äldre",
# "blant eldre"): a keyword when no noun follows ("äldre hus" is a phrase). Danish "de
# unge" (the young) is one too, with its base form "ung"; Swedish "unga" is left out
# (labelled sets name it "ungdom") and Norwegian "unge" is a noun of its own (a kid).
NOMINALISED_ADJECTIVES: dict[str, dict[str, str]] = {
    "sv": {"äldre": "äldre"},
    "da": {"ældre": "ældre", "unge": "ung"},
    "nb": {"eldre": "eldre"},
    "en": {},
    "ar": {},
}

# English function words that mark a switch into English inside a Nordic answer ("the vibe
# på havnen", "so frustrating", "really good vibe"); a word also a function word of the
# home language ("for", "man") marks nothing.
ENGLISH_FUNCTION_WORDS = frozenset(
    """the a an of and or so is are was were be been to in on at with about from my our
    your this that these it its very really honestly just more most too not no here there
    what which who""".split()
)

# Fixed expressions whose noun names no topic: "har inte råd" (cannot afford), "på allvar",
# "ta hand om", "hela vägen", "alle vegne", "guld værd". Each is (words that come first,
# within two words, the noun as written); the words of the expression are no keywords.
IDIOMS: dict[str, tuple[tuple[frozenset[str], str], ...]] = {
    "sv": (
        (frozenset("har ha hade haft".split()), "råd"),
        (frozenset(("på",)), "allvar"),
        (frozenset(("på",)), "sikt"),
        (frozenset(("på",)), "riktigt"),
        (frozenset(("i",)), "längden"),
        (frozenset("ta tar tog tagit".split()), "hand"),
        (frozenset("ta tar tog tagit".split()), "evigheter"),
        (frozenset(("hela",)), "vägen"),
        (frozenset(("i",)), "princip"),
    ),
    "da": (
        (frozenset("har have havde haft".split()), "råd"),
        (frozenset(("alle",)), "vegne"),
        (frozenset(("guld",)), "værd"),
        (frozenset(("på",)), "sigt"),
        (frozenset(("på",)), "skrømt"),
        (frozenset(("i",)), "princippet"),
        (frozenset("tage tager tog taget".split()), "evigheder"),
    ),
    "nb": (
        (frozenset("har ha hadde hatt".split()), "råd"),
        (frozenset(("på",)), "alvor"),
        (frozenset(("på",)), "sikt"),
        (frozenset(("gull",)), "verdt"),
        (frozenset(("i",)), "prinsippet"),
        (frozenset("ta tar tok tatt".split()), "evigheter"),
    ),
}

# simplemma's known lemma errors (KEYWORDS-NOTES.md, "Pitfalls"): a noun read as a verb
# form, a definite plural read as another noun, comparatives mapped to their positive.
# Only general fixes belong here; staff renames can extend it later.
LEMMA_OVERRIDES: dict[str, dict[str, str]] = {
    "sv": {
        "buss": "buss",
        "bussen": "buss",
        "bussar": "buss",
        "bussarna": "buss",
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
