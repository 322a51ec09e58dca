"""Undo of a curation action: write the action's `before` back, as a new audited action,
when no later change touched the same keywords."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from keywords.curation.services import (
    UndoRefused,
    _apply,
    _atomic,
    _check_curation_allowed,
    _lock,
    _record,
    _save,
    _state,
    clean_reason,
    quoted,
)
from keywords.models import ActionKind, Keyword, KeywordAction, KeywordStatus


def _describe(action: KeywordAction) -> str:
    labels = sorted({state["label"] for state in (*action.before.values(), *action.after.values())})
    return _("%(action)s %(keywords)s by %(actor)s") % {
        "action": action.get_kind_display(),
        "keywords": ", ".join(quoted(label) for label in labels),
        "actor": action.actor or _("someone"),
    }


def _blocking_later_actions(action: KeywordAction, pks: Sequence[int]) -> list[KeywordAction]:
    """Later actions on the same keywords, except pairs of an action and its undo (which
    cancel out)."""
    later = list(
        KeywordAction.objects.filter(
            consultation_id=action.consultation_id, pk__gt=action.pk, keywords__in=pks
        )
        .select_related("actor")
        .distinct()
        .order_by("pk")
    )
    ids = {a.pk for a in later}
    undone = {a.undoes_id for a in later if a.undoes_id in ids}
    return [a for a in later if a.pk not in undone and a.undoes_id not in ids]


def action_undo(*, action: KeywordAction, by, reason: str = "") -> KeywordAction:
    """Write the action's `before` back, as a new action that records what it undid."""
    reason = clean_reason(reason)
    _check_curation_allowed(action.consultation_id)
    with _atomic():
        action = KeywordAction.objects.select_for_update().get(pk=action.pk)
        if KeywordAction.objects.filter(undoes=action).exists():
            raise UndoRefused(_("This action has already been undone."))
        pks = sorted(int(pk) for pk in {*action.before, *action.after})
        before_of = {int(pk): state for pk, state in action.before.items()}
        after_of = {int(pk): state for pk, state in action.after.items()}
        if any(pk not in after_of for pk in pks):
            # Undoing the undo of an addition would re-create a deleted keyword.
            raise UndoRefused(_("A removed keyword cannot be brought back this way; add it again."))
        locked = {
            k.pk: k
            for k in Keyword.objects.select_for_update()
            .filter(consultation_id=action.consultation_id, pk__in=pks)
            .order_by("pk")
        }
        later = _blocking_later_actions(action, pks)
        if later:
            raise UndoRefused(
                _(
                    "This cannot be undone: later changes touched the same keywords: "
                    "%(later)s. Undo those first."
                )
                % {"later": "; ".join(_describe(a) for a in later)}
            )
        if len(locked) != len(pks) or any(_state(locked[pk]) != after_of[pk] for pk in pks):
            raise UndoRefused(
                _("The keywords have changed since this action. Undo the later changes first.")
            )

        # Merges stay one level deep: what becomes merged must point at a keyword that is
        # not merged itself once the undo is written.
        final = {pk: before_of.get(pk) for pk in pks}
        for state in final.values():
            target_id = state and state["merged_into"]
            if not target_id:
                continue
            if target_id in final:
                target_state = final[target_id] or {"label": "", "status": KeywordStatus.MERGED}
            else:
                target_state = _state(_lock(action.consultation_id, [target_id])[target_id])
            if target_state["status"] == KeywordStatus.MERGED:
                raise UndoRefused(
                    _(
                        "This cannot be undone: %(keyword)s has since been merged into "
                        "another keyword. Split it out first."
                    )
                    % {"keyword": quoted(target_state["label"])}
                )

        removed = [locked[pk] for pk, state in final.items() if state is None]
        for keyword in removed:
            if keyword.mentions.exists() or keyword.merged_keywords.exists():
                raise UndoRefused(
                    _("%(keyword)s is now linked to answers or other keywords; strike it instead.")
                    % {"keyword": quoted(keyword.label)}
                )
            if keyword.proposals.exists():
                raise UndoRefused(
                    _("%(keyword)s is on record in a councillors' round; strike it instead.")
                    % {"keyword": quoted(keyword.label)}
                )
        restored = [locked[pk] for pk, state in final.items() if state is not None]
        for keyword in restored:
            _apply(keyword, final[keyword.pk])
        _save(restored)
        undo = _record(
            consultation_id=action.consultation_id,
            kind=ActionKind.UNDO,
            by=by,
            reason=reason,
            before={pk: after_of[pk] for pk in pks},
            after={k.pk: _state(k) for k in restored},
            touched=[*restored, *action.keywords.exclude(pk__in=[k.pk for k in removed])],
            undoes=action,
        )
        for keyword in removed:
            keyword.delete()
        return undo
