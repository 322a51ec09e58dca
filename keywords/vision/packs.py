"""Decision packs: requesting one (a numbered version with its inputs recorded) and
generating it (in Celery: sources -> HTML -> tagged PDF -> storage -> councillors told)."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visionportal.files import store_file
from visionportal.models import DecisionPack, Membership, PackStatus, Role, VisionProcess

from .contents import pack_inputs, pack_sections, resolve_sources
from .ranking import ranking_snapshot

logger = logging.getLogger(__name__)

# A pack whose worker died mid-way (acks_late redelivers its task) may be taken over once
# it has been "running" this long; a live render of a 40-page pack takes seconds.
STALE_RUNNING = timezone.timedelta(minutes=10)


def pack_request(
    *, process: VisionProcess, by, language: str, gaps_note: str = "", notify_url: str = ""
) -> DecisionPack:
    """A new numbered pack of `process`, made from the sources as they are now (the
    sorting results: keywords.vision.ranking.ranking_snapshot); its
    generation is queued once the transaction commits."""
    from ..tasks import decision_pack_generate

    with transaction.atomic():
        # Numbers are per process: lock the process so two requests cannot take the same.
        VisionProcess.objects.select_for_update().get(pk=process.pk)
        latest = DecisionPack.objects.filter(process=process).aggregate(n=Max("number"))["n"]
        pack = DecisionPack.objects.create(
            process=process,
            number=(latest or 0) + 1,
            language=language,
            inputs=pack_inputs(process, gaps_note=gaps_note.strip()),
            result_snapshot=ranking_snapshot(process),
            requested_by=by,
        )
        transaction.on_commit(lambda: decision_pack_generate.delay(pack.pk, notify_url))
    return pack


def _progress(pack: DecisionPack, percent: int, stage: str) -> None:
    DecisionPack.objects.filter(pk=pack.pk).update(progress=percent, stage=stage[:120])


def pack_html(pack: DecisionPack, *, on_section=None) -> str:
    """The pack as one HTML document in its language."""
    with translation.override(pack.language):
        source = resolve_sources(pack)
        sections = pack_sections(source, on_section=on_section)
        return render_to_string(
            "keywords/pack/pack.html",
            {
                "pack": pack,
                "process": pack.process,
                "municipality": pack.process.municipality,
                "sections": sections,
                "generated_on": timezone.localdate(),
            },
        )


def pack_generate(*, pack_id: int, notify_url: str = "") -> DecisionPack:
    """Generate the pack's PDF. Idempotent: a pack that is ready (or being made by a live
    worker) is left alone, so a redelivered task changes nothing."""
    stale_before = timezone.now() - STALE_RUNNING
    claimed = DecisionPack.objects.filter(
        Q(status=PackStatus.QUEUED) | Q(status=PackStatus.RUNNING, started_at__lt=stale_before),
        pk=pack_id,
    ).update(status=PackStatus.RUNNING, started_at=timezone.now(), progress=1, error="")
    pack = DecisionPack.objects.select_related("process__municipality").get(pk=pack_id)
    if not claimed:
        return pack
    # Imported here, not with the module: loading WeasyPrint (pango, its stylesheets) takes
    # seconds, and web processes import this module for the pack pages without rendering.
    from visionportal import pdf as render

    try:
        with translation.override(pack.language):
            _progress(pack, 5, _("Reading the sources"))

            def on_section(done, total):
                _progress(pack, 5 + 45 * done // total, _("Writing the sections"))

            html = pack_html(pack, on_section=on_section)
            _progress(pack, 55, _("Laying out the pages"))
            pdf, pages = render.render_pdf(
                html, on_layout=lambda n: _progress(pack, 85, _("Writing the PDF"))
            )
            _progress(pack, 95, _("Storing the file"))
        name = store_file(
            name=f"packs/{pack.process.pk}/decision-pack-{pack.number}.pdf", content=pdf
        )
    except Exception as error:
        logger.exception("Decision pack %s failed", pack_id)
        DecisionPack.objects.filter(pk=pack_id).update(
            status=PackStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        pack.refresh_from_db()
        return pack
    DecisionPack.objects.filter(pk=pack_id).update(
        status=PackStatus.DONE,
        progress=100,
        stage="",
        file_name=name,
        file_size=len(pdf),
        pages=pages,
        finished_at=timezone.now(),
    )
    pack.refresh_from_db()
    councillors_notify(pack=pack, url=notify_url)
    return pack


def councillors_notify(*, pack: DecisionPack, url: str = "") -> int:
    """Tell the municipality's councillors a new pack is ready, in the municipality's
    language; returns how many were told. The mail links to the workspace, where the
    download checks who asks."""
    municipality = pack.process.municipality
    emails = list(
        Membership.objects.filter(municipality=municipality, role=Role.COUNCILLOR)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not emails:
        return 0
    with translation.override(municipality.default_language):
        subject = _("New decision pack: %(process)s, version %(number)s") % {
            "process": pack.process.title,
            "number": pack.number,
        }
        body = _(
            "A new decision pack (version %(number)s, %(pages)s pages) for “%(process)s” is "
            "ready. Sign in to Visionportal to read it: %(url)s"
        ) % {
            "number": pack.number,
            "pages": pack.pages,
            "process": pack.process.title,
            "url": url or _("your workspace"),
        }
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:
        # The pack is ready either way; councillors also find it on their workspace page.
        logger.exception("Could not e-mail the councillors about pack %s", pack.pk)
        return 0
    return len(emails)
