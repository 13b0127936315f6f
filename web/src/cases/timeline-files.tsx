import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { formatTime } from '../shared/format-time.js';

/**
 * Timeline entries of the upload site and log triage (`payload.kind` of system activities written
 * by src/uploads and src/facts/triage-file.job.ts): who uploaded what through which workspace, and
 * what triage found in it — error codes with their meaning, hash mismatches, KBs, file and line.
 */

type Payload = Record<string, unknown>;
type TopFinding = {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  code: string | null;
  codeName: string | null;
  meaning?: string | null;
  message: string;
  kbs?: string[];
  file: string;
  line: number;
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export const FILE_EVENT_KINDS = new Set([
  'upload.completed',
  'upload.workspace_opened',
  'upload.workspace_revoked',
  'upload.purged',
  'triage.completed',
  'triage.refused',
]);

/** 1536 → "1.5 KB"; binary units, as Get-ChildItem and Explorer show sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function fileEventHeadline(payload: Payload, actor: string, t: TFunction): string {
  const file = str(payload.fileName);
  switch (payload.kind) {
    case 'upload.completed':
      return t('timeline.uploadCompleted', { user: str(payload.user), file });
    case 'upload.workspace_opened':
      return t('timeline.workspaceOpened', { name: actor, user: str(payload.user) });
    case 'upload.workspace_revoked':
      return t('timeline.workspaceRevoked', { name: actor, user: str(payload.user) });
    case 'upload.purged':
      return t('timeline.uploadsPurged', { count: Array.isArray(payload.files) ? payload.files.length : 0 });
    case 'triage.refused':
      return t('timeline.triageRefused', { file });
    default:
      return t('timeline.triageCompleted', { file, count: num(payload.findings) });
  }
}

export function fileEventBody(payload: Payload, t: TFunction, language: string): ReactNode {
  switch (payload.kind) {
    case 'upload.completed': {
      const sha = str(payload.sha256);
      return (
        <dl className="tl-facts">
          <dt>{t('timeline.size')}</dt>
          <dd>{formatBytes(num(payload.size))}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code title={sha}>{sha.slice(0, 12)}</code>
          </dd>
          <dt>{t('timeline.workspace')}</dt>
          <dd>{str(payload.user)}</dd>
        </dl>
      );
    }
    case 'upload.workspace_opened':
      return (
        <p className="tl-meta">
          {t('timeline.expires', { time: formatTime(str(payload.expiresAt), language) })}
        </p>
      );
    case 'upload.purged':
      return (
        <p className="tl-meta">
          {(Array.isArray(payload.files) ? (payload.files as Payload[]) : [])
            .map((f) => `${str(f.fileName)} (${formatBytes(num(f.size))})`)
            .join(', ')}
        </p>
      );
    case 'triage.refused':
      return <p className="tl-meta">{str(payload.error)}</p>;
    case 'triage.completed':
      return <TriageSummary payload={payload} t={t} />;
    default:
      return null;
  }
}

function TriageSummary({ payload, t }: { payload: Payload; t: TFunction }) {
  const top = Array.isArray(payload.top) ? (payload.top as TopFinding[]) : [];
  const counts = (payload.bySeverity ?? {}) as Partial<Record<TopFinding['severity'], number>>;
  const more = num(payload.findings) - top.length;
  if (top.length === 0) return <p className="tl-meta">{t('timeline.triageNothing')}</p>;
  return (
    <>
      <p className="tl-meta">
        {t('timeline.triageCounts', {
          errors: counts.error ?? 0,
          warnings: counts.warning ?? 0,
          infos: counts.info ?? 0,
        })}
      </p>
      <ul className="tl-findings">
        {top.map((f) => (
          <li key={`${f.rule}-${f.file}-${f.line}`} data-finding-rule={f.rule}>
            <span className={`tl-sev tl-sev-${f.severity}`}>{t(`timeline.severity.${f.severity}`)}</span>{' '}
            {f.code && (
              <>
                <code>{f.code}</code> {f.codeName && <code>{f.codeName}</code>}{' '}
              </>
            )}
            <span>{f.message}</span>
            {f.meaning && !f.message.includes(f.meaning) && (
              <span className="tl-meaning"> — {f.meaning}</span>
            )}
            {f.kbs && f.kbs.length > 0 && <span className="tl-meta"> · {f.kbs.join(', ')}</span>}
            <br />
            <span className="tl-meta">{t('timeline.foundAt', { file: f.file, line: f.line })}</span>
          </li>
        ))}
      </ul>
      {more > 0 && <p className="tl-meta">{t('timeline.moreFindings', { count: more })}</p>}
    </>
  );
}
