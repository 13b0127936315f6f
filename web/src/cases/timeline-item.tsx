import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity } from '../api/api-types.js';
import { formatTime } from '../shared/format-time.js';
import { foldEmail } from './fold-email.js';

type Email = NonNullable<Activity['email']>;
type Address = Email['from'];

const show = (a: Address): string =>
  a.name && a.address ? `${a.name} <${a.address}>` : (a.name ?? a.address ?? '?');
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const nameOf = (v: unknown): string | null =>
  v && typeof v === 'object' && 'name' in v ? str((v as { name: unknown }).name) : str(v);

/**
 * One entry of the case timeline: emails with their quoted history folded, calls, notes, handovers.
 * Plain elements and CSS classes (app.css) rather than Mantine components: a case page renders
 * hundreds of these, and the first render of a 200-item case must stay well under a second.
 */
export const TimelineItem = memo(function TimelineItem({ activity }: { activity: Activity }) {
  const { i18n } = useTranslation();
  return (
    <article className={`tl-item tl-${activity.type}`} data-activity-type={activity.type}>
      <div className="tl-head">
        <h3 className="tl-title">
          <Headline activity={activity} />
        </h3>
        <time className="tl-meta" dateTime={activity.occurredAt}>
          {formatTime(activity.occurredAt, i18n.language)}
        </time>
      </div>
      <Body activity={activity} />
    </article>
  );
});

function Headline({ activity }: { activity: Activity }) {
  const { t } = useTranslation();
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
      if (p.event === 'created') return t('timeline.created', { name });
      if (p.event === 'updated')
        return t('timeline.updated', {
          name,
          fields: Object.keys((p.changes as Record<string, unknown> | undefined) ?? {}).join(', '),
        });
      return t('timeline.system', { event: str(p.event) ?? str(p.message) ?? '' });
  }
}

function Body({ activity }: { activity: Activity }) {
  const p = activity.payload;
  if (activity.type === 'email' && activity.email) return <EmailBody email={activity.email} payload={p} />;
  const text =
    activity.type === 'note' ? str(p.text) : activity.type === 'system' ? str(p.description) : str(p.note);
  if (!text) return null;
  return <pre className="mail-text">{text}</pre>;
}

function EmailBody({ email, payload }: { email: Email; payload: Record<string, unknown> }) {
  const { t } = useTranslation();
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
      <pre className="mail-text">{folded.fresh || t('timeline.emptyBody')}</pre>
      {folded.quoted && (
        <details className="quoted">
          <summary>{t('timeline.quoted', { count: folded.quotedLines })}</summary>
          <pre className="mail-text">{folded.quoted}</pre>
        </details>
      )}
      {email.attachments.length > 0 && (
        <p className="tl-meta">
          {t('timeline.attachments')}:{' '}
          {email.attachments.map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} KB)`).join(', ')}
        </p>
      )}
    </>
  );
}
