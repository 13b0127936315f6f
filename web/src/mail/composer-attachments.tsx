import { CloseButton, Group, Text } from '@mantine/core';
import { type ChangeEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../cases/timeline-files.js';

/** The replies API takes at most 20 MB of attachments in all (src/mail/outbound/send-reply.ts). */
export const MAX_REPLY_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export type ReplyAttachment = { filename: string; contentType: string; contentBase64: string; size: number };

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/**
 * Files to send with a reply: a labelled file input and the chosen files with their sizes. Files
 * that would take the total past 20 MB are refused here with a clear message, before any upload.
 */
export function ComposerAttachments({
  value,
  onChange,
}: {
  value: ReplyAttachment[];
  onChange: (next: ReplyAttachment[]) => void;
}) {
  const { t } = useTranslation();
  const inputId = useId();
  const [error, setError] = useState<string | null>(null);
  const total = value.reduce((n, a) => n + a.size, 0);

  const add = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const files = [...(input.files ?? [])];
    input.value = '';
    setError(null);
    const next = [...value];
    let sum = total;
    for (const file of files) {
      if (sum + file.size > MAX_REPLY_ATTACHMENT_BYTES) {
        setError(
          t('reply.attachmentTooLarge', {
            file: file.name,
            size: formatBytes(file.size),
            max: formatBytes(MAX_REPLY_ATTACHMENT_BYTES),
          }),
        );
        continue;
      }
      try {
        next.push({
          filename: file.name,
          contentType: file.type || 'application/octet-stream',
          contentBase64: await readBase64(file),
          size: file.size,
        });
        sum += file.size;
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    }
    onChange(next);
  };

  return (
    <div>
      <label htmlFor={inputId} className="composer-label">
        {t('reply.attachments')}
      </label>
      <Text size="xs" c="dimmed" id={`${inputId}-hint`}>
        {t('reply.attachmentsHint', { max: formatBytes(MAX_REPLY_ATTACHMENT_BYTES) })}
      </Text>
      <input
        id={inputId}
        type="file"
        multiple
        onChange={(e) => void add(e)}
        aria-describedby={`${inputId}-hint`}
        className="composer-file"
      />
      {value.length > 0 && (
        <ul className="composer-files">
          {value.map((a, i) => (
            <li key={`${a.filename}:${a.size}:${a.contentBase64.length}`}>
              <Group gap={4} wrap="nowrap">
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {a.filename} ({formatBytes(a.size)})
                </Text>
                <CloseButton
                  size="sm"
                  aria-label={t('reply.removeAttachment', { file: a.filename })}
                  onClick={() => onChange(value.filter((_, j) => j !== i))}
                />
              </Group>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <Text size="xs" c="red.9" role="alert">
          {error}
        </Text>
      )}
    </div>
  );
}
