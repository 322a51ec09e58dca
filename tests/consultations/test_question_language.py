"""Which wording of a question a resident reads: exact oracles for the pure rule."""

from consultations.question_language import Wording, question_wording, split_common_lead

TRANSLATIONS = {"en": "What should we keep?", "ar": "ماذا نحتفظ به؟"}


def test_the_original_is_read_in_its_own_language():
    assert question_wording(
        original="Vad ska vi behålla?",
        original_language="sv",
        translations=TRANSLATIONS,
        wanted="sv",
    ) == Wording("Vad ska vi behålla?", "sv", False)


def test_a_translation_in_the_wanted_language_is_read():
    assert question_wording(
        original="Vad ska vi behålla?",
        original_language="sv",
        translations=TRANSLATIONS,
        wanted="ar",
    ) == Wording("ماذا نحتفظ به؟", "ar", False)


def test_without_a_translation_the_original_stands_in_and_says_so():
    assert question_wording(
        original="Vad ska vi behålla?",
        original_language="sv",
        translations=TRANSLATIONS,
        wanted="da",
    ) == Wording("Vad ska vi behålla?", "sv", True)


def test_an_empty_translation_is_no_translation():
    assert question_wording(
        original="Vad?", original_language="sv", translations={"da": ""}, wanted="da"
    ) == Wording("Vad?", "sv", True)


HEADING = "Tänk dig Norrköping om 20 år"


def test_a_lead_every_question_repeats_is_said_once():
    texts = [f"{HEADING}: Vad ska vi ta med oss?", f"{HEADING}: Vad saknar du?"]
    assert split_common_lead(texts, HEADING) == (
        HEADING,
        ["Vad ska vi ta med oss?", "Vad saknar du?"],
    )


def test_a_translated_lead_is_found_without_the_heading():
    texts = ["Think of Norrköping in 20 years: Keep?", "Think of Norrköping in 20 years: Miss?"]
    assert split_common_lead(texts, HEADING) == (
        "Think of Norrköping in 20 years",
        ["Keep?", "Miss?"],
    )


def test_different_leads_or_no_colon_leave_the_questions_whole():
    assert split_common_lead(["A: one?", "B: two?"], HEADING) == ("", ["A: one?", "B: two?"])
    assert split_common_lead(["A: one?", "two?"], HEADING) == ("", ["A: one?", "two?"])
    assert split_common_lead(["A:", "A: two?"], HEADING) == ("", ["A:", "A: two?"])


def test_a_single_question_loses_only_a_lead_that_is_the_heading():
    assert split_common_lead([f"{HEADING}: Vad?"], HEADING) == (HEADING, ["Vad?"])
    assert split_common_lead(["Kort sagt: Vad?"], HEADING) == ("", ["Kort sagt: Vad?"])
    assert split_common_lead([], HEADING) == ("", [])
