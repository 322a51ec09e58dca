"""Decision packs: requesting one (a numbered version with its inputs recorded) and
generating it (in Celery: sources -> HTML -> tagged PDF -> storage -> councillors told)."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from visionportal.documents import document_create, document_generate
from visionportal.models import DecisionPack, Membership, Role, VisionProcess

from .contents import pack_inputs, pack_sections, resolve_sources
from .ranking import ranking_snapshot

logger = logging.getLogger(__name__)


def pack_request(
    *, process: VisionProcess, by, language: str, gaps_note: str = "", notify_url: str = ""
) -> DecisionPack:
    """A new numbered pack of `process`, made from the sources as they are now (the
    sorting results: keywords.vision.ranking.ranking_snapshot); its
    generation is queued once the transaction commits."""
    from ..tasks import decision_pack_generate

    with transaction.atomic():
        pack = document_create(
            DecisionPack,
            process=process,
            language=language,
            inputs=pack_inputs(process, gaps_note=gaps_note.strip()),
            result_snapshot=ranking_snapshot(process),
            requested_by=by,
        )
        transaction.on_commit(lambda: decision_pack_generate.delay(pack.pk, notify_url))
    return pack


def pack_html(pack: DecisionPack, *, on_section=None) -> str:
    """The pack as one HTML document in its language."""
    with translation.override(pack.language):
        source = resolve_sources(pack)
        sections = pack_sections(source, on_section=on_section)
        return render_to_string(
            "keywords/pack/pack.html",
            {
                "pack": pack,
                "document": pack,
                "process": pack.process,
                "municipality": pack.process.municipality,
                "sections": sections,
                "generated_on": timezone.localdate(),
            },
        )


def _write_html(pack: DecisionPack, progress) -> str:
    def on_section(done, total):
        progress(5 + 45 * done // total, _("Writing the sections"))

    return pack_html(pack, on_section=on_section)


def pack_generate(*, pack_id: int, notify_url: str = "") -> DecisionPack:
    """Generate the pack's PDF (visionportal.documents: idempotent, progress on the row),
    then tell the councillors."""
    pack, made = document_generate(
        DecisionPack,
        pack_id,
        write_html=_write_html,
        file_name=lambda pack: f"packs/{pack.process.pk}/decision-pack-{pack.number}.pdf",
    )
    if made:
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
