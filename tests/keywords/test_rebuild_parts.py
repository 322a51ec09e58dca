"""A rebuild spread over worker processes: parts side by side, progress summed over the
parts, the last part to finish prunes and recounts, and redelivered tasks change nothing;
and a rebuild in one process saves its progress every few seconds, not every chunk."""

from keywords.extraction import services
from keywords.models import (
    ExtractionRun,
    ExtractionRunPart,
    Keyword,
    KeywordMention,
    KeywordTally,
    RunStatus,
)

from .factories import respond

TEXTS = [
    ("Parkerna och kollektivtrafiken", "Bilköerna i centrum"),
    ("Grönområden", "Nedskräpningen"),
    ("Biblioteket", "Bilköerna"),
    ("Kollektivtrafik!", "Buller från vägen"),
    ("Badplatserna vid sjön", "Otrygga gångtunnlar"),
]


def _consultation_with_answers(consultation):
    for keep, leave in TEXTS:
        respond(consultation, keep=keep, leave=leave, miss="Fler cykelvägar")
    return consultation


def _state(consultation):
    keywords = sorted(
        Keyword.objects.filter(consultation=consultation).values_list(
            "base_form", "status", "respondents", "respondents_keep", "respondents_leave"
        )
    )
    mentions = sorted(
        KeywordMention.objects.filter(keyword__consultation=consultation).values_list(
            "keyword__base_form", "answer_id", "surface_form"
        )
    )
    cells = sorted(
        KeywordTally.objects.filter(consultation=consultation).values_list(
            "keyword__base_form", "channel", "age_band", "target_group", "respondents"
        )
    )
    return keywords, mentions, cells


def _rebuild_in_one_process(consultation):
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    return services.keywords_rebuild(run=run)


def test_a_rebuild_in_parts_ends_as_a_rebuild_in_one_process(consultation):
    _consultation_with_answers(consultation)
    _rebuild_in_one_process(consultation)
    expected = _state(consultation)
    Keyword.objects.filter(consultation=consultation).delete()
    KeywordTally.objects.filter(consultation=consultation).delete()

    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    parts = services.keywords_rebuild_split(run=run, parts=2)
    assert [p.answers for p in parts] == [8, 7]
    services.rebuild_part_extract(part=parts[1], chunk_size=2)
    run.refresh_from_db()
    assert (run.status, run.processed, run.total) == (RunStatus.RUNNING, 7, 15)
    services.rebuild_part_extract(part=parts[0], chunk_size=2)
    run.refresh_from_db()
    assert (run.status, run.processed, run.total) == (RunStatus.DONE, 15, 15)
    assert run.finished_at is not None
    assert _state(consultation) == expected


def test_a_redelivered_part_counts_its_answers_once(consultation):
    _consultation_with_answers(consultation)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    first, second = services.keywords_rebuild_split(run=run, parts=2)
    services.rebuild_part_extract(part=first)
    services.rebuild_part_extract(part=ExtractionRunPart.objects.get(pk=first.pk))
    run.refresh_from_db()
    assert (run.status, run.processed) == (RunStatus.RUNNING, 8)
    services.rebuild_part_extract(part=second)
    run.refresh_from_db()
    assert (run.status, run.processed) == (RunStatus.DONE, 15)
    finished_at = run.finished_at
    state = _state(consultation)
    services.rebuild_part_extract(part=ExtractionRunPart.objects.get(pk=second.pk))
    run.refresh_from_db()
    assert run.finished_at == finished_at
    assert _state(consultation) == state


def test_a_redelivered_rebuild_task_sends_the_same_unfinished_parts(consultation):
    _consultation_with_answers(consultation)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    first, second = services.keywords_rebuild_split(run=run, parts=2)
    services.rebuild_part_extract(part=first)
    assert services.keywords_rebuild_split(run=run, parts=2) == [second]
    assert ExtractionRunPart.objects.filter(run=run).count() == 2


def test_a_rebuild_of_no_answers_in_parts_is_done_at_once(consultation):
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    assert services.keywords_rebuild_split(run=run, parts=2) == []
    run.refresh_from_db()
    assert (run.status, run.processed, run.total) == (RunStatus.DONE, 0, 0)


def test_a_failing_part_fails_the_run_and_the_others_do_not_finish_it(consultation, monkeypatch):
    _consultation_with_answers(consultation)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    first, second = services.keywords_rebuild_split(run=run, parts=2)

    def boom(*args, **kwargs):
        raise RuntimeError("lemma tables missing")

    with monkeypatch.context() as patched:
        patched.setattr(services, "extract_batch", boom)
        try:
            services.rebuild_part_extract(part=first)
        except RuntimeError:
            pass
    services.rebuild_part_extract(part=second)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "lemma tables missing" in run.error


def test_a_rebuild_saves_its_progress_every_few_seconds_not_every_chunk(consultation, monkeypatch):
    _consultation_with_answers(consultation)
    now = [0.0]

    def clock():
        now[0] += 0.5  # each look at the clock: half a second later
        return now[0]

    monkeypatch.setattr(services, "_clock", clock)
    saved = []
    original = ExtractionRun.save

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["processed"]:
            saved.append(self.processed)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ExtractionRun, "save", save)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    services.keywords_rebuild(run=run, chunk_size=1)
    # 15 chunks, the clock read once per chunk at 0.5 s a read: every ~2 s, and at the end.
    assert len(saved) < 15 / 2
    assert saved[-1] == 15
