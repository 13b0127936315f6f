import type { TFunction } from 'i18next';
import { lazy, memo, type ReactNode, Suspense, useState } from 'react';
import type { Activity } from '../api/api-types.js';
import { formatTime } from '../shared/format-time.js';
import { foldEmail } from './fold-email.js';
import { FILE_EVENT_KINDS, fileEventBody, fileEventHeadline, formatBytes } from './timeline-files.js';

// Loaded on the first "original formatting" click: most page views never need it.
const EmailOriginal = lazy(() =>
  import('../mail/email-original.js').then((m) => ({ default: m.EmailOriginal })),
);

type Email = NonNullable<Activity['email']>;
type Address = Email['from'];

const show = (a: Address): string =>
  a.name && a.address ? `${a.name} <${a.address}>` : (a.name ?? a.address ?? '?');
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const nameOf = (v: unknown): string | null =>
  v && typeof v === 'object' && 'name' in v ? str((v as { name: unknown }).name) : str(v);

/**
 * One entry of the case timeline: emails with their quoted history folded, calls, notes, handovers,
 * uploads and triage findings. Plain elements and CSS classes (app.css) rather than Mantine
 * components, and `t` passed in from the list rather than a translation hook per entry: a case
 * page renders hundreds of these, and the first render of a 200-item case must stay under a second.
 */
export const TimelineItem = memo(function TimelineItem({
  activity,
  t,
  language,
}: {
  activity: Activity;
  t: TFunction;
  language: string;
}) {
  return (
    <article
      className={`tl-item tl-${activity.type}`}
      data-activity-type={activity.type}
      data-file-event={fileEvent(activity) ?? undefined}
    >
      <div className="tl-head">
        <h3 className="tl-title">{headline(activity, t)}</h3>
        <time className="tl-meta" dateTime={activity.occurredAt}>
          {formatTime(activity.occurredAt, language)}
        </time>
      </div>
      {body(activity, t, language)}
    </article>
  );
});

/** `upload.completed`, `triage.completed` … for the upload site's and triage's entries, else null. */
function fileEvent(activity: Activity): string | null {
  const kind = activity.payload.kind;
  return activity.type === 'system' && typeof kind === 'string' && FILE_EVENT_KINDS.has(kind) ? kind : null;
}

function headline(activity: Activity, t: TFunction): ReactNode {
  const name = activity.actor.name;
  const p = activity.payload;
  switch (activity.type) {
    case 'email':
      return activity.email?.direction === 'outbound'
        ? t('timeline.emailOut', { name })
        : t('timeline.emailIn', { name: activity.email ? show(activity.email.from) : name });
    case 'call': {
      const callee = str(p.callee) ?? t('timeline.theCustomer');
      return p.outcome === 'reached'
        ? t('timeline.callReached', { name, callee })
        : t('timeline.callNoAnswer', { name, callee });
    }
    case 'note':
      return (
        <>
          {t('timeline.note', { name })} <span className="tl-badge">{t('timeline.internal')}</span>
        </>
      );
    case 'transfer':
      return t('timeline.transfer', {
        name,
        from: nameOf(p.from) ?? t('timeline.nobody'),
        to: nameOf(p.to) ?? t('timeline.nobody'),
      });
    case 'status_change':
      return t('timeline.statusChange', {
        name,
        from: t(`status.${String(p.from)}`, { defaultValue: String(p.from) }),
        to: t(`status.${String(p.to)}`, { defaultValue: String(p.to) }),
      });
    default:
      if (fileEvent(activity)) return fileEventHeadline(p, name, t);
      if (p.event === 'created') return t('timeline.created', { name });
      if (p.event === 'updated')
        return t('timeline.updated', {
          name,
          fields: Object.keys((p.changes as Record<string, unknown> | undefined) ?? {}).join(', '),
        });
      return t('timeline.system', { event: str(p.event) ?? str(p.message) ?? '' });
  }
}

function body(activity: Activity, t: TFunction, language: string): ReactNode {
  const p = activity.payload;
  if (activity.type === 'email' && activity.email)
    return <EmailBody id={activity.id} email={activity.email} payload={p} t={t} />;
  if (fileEvent(activity)) return fileEventBody(p, t, language);
  const text =
    activity.type === 'note' ? str(p.text) : activity.type === 'system' ? str(p.description) : str(p.note);
  if (!text) return null;
  return <pre className="mail-text">{text}</pre>;
}

type EmailBodyProps = { id: string; email: Email; payload: Record<string, unknown>; t: TFunction };

function EmailBody({ id, email, payload, t }: EmailBodyProps) {
  const [original, setOriginal] = useState(false);
  const folded = foldEmail({ text: email.text, fresh: payload.fresh, quoted: payload.quoted });
  return (
    <>
      <p className="tl-meta">{email.subject}</p>
      {email.to.length > 0 && (
        <p className="tl-meta">
          {t('timeline.to')}: {email.to.map(show).join(', ')}
          {email.cc.length > 0 && ` · ${t('timeline.cc')}: ${email.cc.map(show).join(', ')}`}
        </p>
      )}
      {original ? (
        <Suspense fallback={<p className="tl-meta">{t('app.loading')}</p>}>
          <EmailOriginal activityId={id} subject={email.subject} />
        </Suspense>
      ) : (
        <>
          <pre className="mail-text">{folded.fresh || t('timeline.emptyBody')}</pre>
          {folded.quoted && <QuotedHistory text={folded.quoted} lines={folded.quotedLines} t={t} />}
        </>
      )}
      {/* Inbound mail keeps its HTML off the timeline (served sanitized only), so always offer it. */}
      {(email.direction === 'inbound' || email.html !== null) && (
        <button
          type="button"
          className="tl-link"
          onClick={() => setOriginal(!original)}
          aria-pressed={original}
        >
          {original ? t('timeline.plainText') : t('timeline.viewOriginal')}
        </button>
      )}
      {email.attachments.length > 0 && (
        <p className="tl-meta">
          {t('timeline.attachments')}:{' '}
          {email.attachments.map((a, i) => (
            <span key={`${a.sha256}:${a.filename}`}>
              {i > 0 && ', '}
              <a href={`/api/v1/emails/${id}/files/${a.sha256}`} download={a.filename}>
                {a.filename}
              </a>{' '}
              ({formatBytes(a.size)})
            </span>
          ))}
        </p>
      )}
    </>
  );
}

/** Folded quoted history; its text is only put in the page once someone opens it. */
function QuotedHistory({ text, lines, t }: { text: string; lines: number; t: TFunction }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="quoted" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('timeline.quoted', { count: lines })}</summary>
      {open && <pre className="mail-text">{text}</pre>}
    </details>
  );
}
