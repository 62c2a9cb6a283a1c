"""notify(): the one way to tell someone something; the inbox steps; email; the reminder sweep."""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.dispatch import queue

from .models import EmailStatus, Notification, NotificationPreference, SentReminder
from .registry import KINDS, REMINDER_SOURCES, Kind, Reminder, get_kind

logger = logging.getLogger(__name__)
SQLITE_LOCK_RETRIES = 40


def _figure(value):
    """Values are stored as figures (JSON); dates and amounts as their exact text, never translated text. A label
    (a lazy translation such as a state's ``label``) is stored as its msgid and read in the reader's language."""
    if isinstance(value, Promise):
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"msgid": args[0]}
        if len(args) == 2 and all(isinstance(a, str) for a in args):
            return {"context": args[0], "msgid": args[1]}
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def choice_label(obj: models.Model, field: str):
    """The label of ``obj``'s choice in ``field``, untranslated, for ``notify``: it is stored as its msgid and read
    in the reader's language (``get_FOO_display()`` would freeze it in the sender's)."""
    value = getattr(obj, field)
    return dict(obj._meta.get_field(field).flatchoices).get(value, value)


def _read(value):
    """A stored value as the reader sees it: a stored label in the active language."""
    if isinstance(value, dict) and "msgid" in value:
        if "context" in value:
            return translation.pgettext(value["context"], value["msgid"])
        return translation.gettext(value["msgid"])
    return value


def _fill(message: str, values: dict) -> str:
    try:
        return message % {key: _read(value) for key, value in values.items()}
    except (KeyError, TypeError, ValueError):
        logger.warning("notification text %r lacks a value from %r", message, sorted(values))
        return message


def render(notification: Notification, language: str | None = None) -> tuple[str, str]:
    """The notification's title and body in ``language`` (the active language when None)."""
    kind = get_kind(notification.kind)
    with translation.override(language or translation.get_language()):
        if kind is None:
            return notification.kind, ""
        return _fill(str(kind.title), notification.values), _fill(str(kind.body), notification.values)


def wants_email(user, kind: Kind) -> bool:
    if not user.email:
        return False
    if not kind.may_opt_out(user):
        return True
    return not NotificationPreference.objects.filter(user=user, kind=kind.code, email=False).exists()


def notify(*, recipient, kind: str, target: models.Model | None = None, **values) -> Notification | None:
    """Put a notification in ``recipient``'s inbox now (inside the caller's transaction, so it exists exactly when
    the change it tells of does) and email it after commit unless the recipient turned that kind's email off."""
    spec = get_kind(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}; register it in an AppConfig.ready()")
    if not recipient.is_active:
        return None
    email = wants_email(recipient, spec)
    notification = Notification.objects.create(
        recipient=recipient, kind=kind,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False) if target else None,
        object_id=str(target.pk) if target else "",
        values={key: _figure(value) for key, value in values.items()},
        link=spec.link(target) if (spec.link and target is not None) else "",
        email_status=EmailStatus.QUEUED if email else EmailStatus.NONE,
    )
    if email:
        queue("notifications.send_email", notification_id=notification.pk)
    return notification


def notify_many(notices) -> list[Notification | None]:
    """``notify()`` for many notices at once (each with ``recipient``, ``kind``, ``target`` and ``values``, as a
    ``Reminder``): one query for the email opt-outs and one INSERT for the inbox rows whatever their number, each
    email queued after commit. None in the place of a notice to an inactive recipient."""
    notices = list(notices)
    specs = {}
    for notice in notices:
        specs[notice.kind] = get_kind(notice.kind)
        if specs[notice.kind] is None:
            raise ValueError(f"unknown notification kind {notice.kind!r}; register it in an AppConfig.ready()")
    live = [notice for notice in notices if notice.recipient.is_active]
    if not live:
        return [None] * len(notices)
    opted_out = set(NotificationPreference.objects.filter(
        user_id__in={n.recipient.pk for n in live}, kind__in=specs, email=False).values_list("user_id", "kind"))
    rows: dict[int, Notification] = {}
    links: dict[tuple, str] = {}  # several recipients are told of one target: its page is found once
    for i, notice in enumerate(notices):
        if not notice.recipient.is_active:
            continue
        recipient, spec, target = notice.recipient, specs[notice.kind], notice.target
        email = bool(recipient.email) and not (spec.may_opt_out(recipient)
                                               and (recipient.pk, notice.kind) in opted_out)
        link = ""
        if spec.link and target is not None:
            key = (notice.kind, type(target), target.pk)
            link = links[key] if key in links else links.setdefault(key, spec.link(target))
        rows[i] = Notification(
            recipient=recipient, kind=notice.kind,
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False) if target else None,
            object_id=str(target.pk) if target else "",
            values={key: _figure(value) for key, value in notice.values.items()},
            link=link, email_status=EmailStatus.QUEUED if email else EmailStatus.NONE)
    Notification.objects.bulk_create(rows.values())
    for notification in rows.values():
        if notification.email_status == EmailStatus.QUEUED:
            queue("notifications.send_email", notification_id=notification.pk)
    return [rows.get(i) for i in range(len(notices))]


# --- the inbox -------------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, actor, email_off: set[str]) -> None:
    """Turn email off for the kinds in ``email_off`` and on for every other kind the user may opt out of."""
    unknown = email_off - set(KINDS)
    if unknown:
        raise ValidationError(_("Unknown notification kinds: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    for code, kind in KINDS.items():
        if not kind.may_opt_out(actor):
            if code in email_off:
                raise ValidationError(_("The email of “%(kind)s” cannot be turned off.") % {"kind": kind.label})
            continue
        NotificationPreference.objects.update_or_create(user=actor, kind=code,
                                                        defaults={"email": code not in email_off})


# --- email -----------------------------------------------------------------------------------------


def email_message(notification: Notification) -> tuple[str, str]:
    """Subject and text of the email, in the recipient's language."""
    language = notification.recipient.language or settings.LANGUAGE_CODE
    title, body = render(notification, language)
    with translation.override(language):
        subject = f"[{settings.PORTAL_NAME}] {title}"
        lines = [body]
        if notification.link:
            lines += ["", _("Open it in the portal: %(url)s") % {"url": settings.PORTAL_BASE_URL + notification.link}]
        lines += ["", _("You can choose which notifications reach you by email on your notification settings page.")]
    return subject, "\n".join(lines)


def notification_send_email(*, notification_id: int) -> bool:
    """Send the email of one queued notification; False if it is gone or already sent. SMTP errors propagate
    (the task retries the transient ones)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.email_status != EmailStatus.QUEUED:
        return False
    subject, text = email_message(notification)
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
    Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.SENT, emailed_at=timezone.now())
    return True


def notification_email_failed(*, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.QUEUED).update(
        email_status=EmailStatus.FAILED
    )


# --- reminders -------------------------------------------------------------------------------------


ReminderKey = tuple[int, str, int, str, dt.date, int]  # SentReminder's unique key


def _key(reminder: Reminder) -> ReminderKey:
    content_type = ContentType.objects.get_for_model(reminder.target, for_concrete_model=False)
    return (reminder.recipient.pk, reminder.kind, content_type.pk, str(reminder.target.pk), reminder.due_date,
            reminder.lead_days)


def _send_reminders(reminders: list[Reminder]) -> int:
    """Send those of ``reminders`` not sent before, each once; the number sent. A fixed number of queries whatever
    their number (sent before, opt-outs, the inbox rows, the claims). When another sweep claims some of the same
    reminders at the same moment (on PostgreSQL a second INSERT waits for the first on the unique index, then
    fails; SQLite refuses a second writer), nothing of this batch is kept and it is read again."""
    by_key: dict[ReminderKey, Reminder] = {}
    for reminder in reminders:
        by_key.setdefault(_key(reminder), reminder)  # a source naming the same reminder twice sends it once
    if not by_key:
        return 0
    for attempt in range(SQLITE_LOCK_RETRIES + 1):
        try:
            return _claim_and_notify(by_key)
        except IntegrityError:
            if attempt == SQLITE_LOCK_RETRIES:
                raise
        except OperationalError as exc:
            # SQLite (the embedded default) refuses a second writer instead of queueing it: wait and try again.
            if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == SQLITE_LOCK_RETRIES:
                raise
            time.sleep(0.05 * (attempt + 1))
    return 0  # pragma: no cover - the loop returns or raises


def _claim_and_notify(by_key: dict[ReminderKey, Reminder]) -> int:
    """In one transaction: read which of the reminders were sent before, put the others in their recipients'
    inboxes and claim their unique rows (in key order, so two sweeps wait for each other rather than deadlock).
    Mail goes out after commit."""
    with transaction.atomic():
        sent = set(SentReminder.objects.filter(
            kind__in={key[1] for key in by_key}, object_id__in={key[3] for key in by_key},
        ).values_list("recipient_id", "kind", "content_type_id", "object_id", "due_date", "lead_days"))
        fresh = sorted(key for key in by_key if key not in sent)
        if not fresh:
            return 0
        notifications = notify_many(by_key[key] for key in fresh)
        SentReminder.objects.bulk_create(
            SentReminder(recipient_id=recipient, kind=kind, content_type_id=content_type, object_id=object_id,
                         due_date=due_date, lead_days=lead_days, notification=notification)
            for (recipient, kind, content_type, object_id, due_date, lead_days), notification
            in zip(fresh, notifications, strict=True))
    return len(fresh)


def reminder_sweep(*, today: dt.date | None = None) -> int:
    """Run every registered reminder source for ``today`` and send what is due and not yet sent, in bulk per
    source; the number sent. A source that fails is logged and the others still run."""
    today = today or timezone.localdate()
    count = 0
    for source in list(REMINDER_SOURCES):
        try:
            reminders = list(source(today))
        except Exception:
            logger.exception("reminder source %s failed", getattr(source, "__qualname__", source))
            continue
        count += _send_reminders(reminders)
    return count
