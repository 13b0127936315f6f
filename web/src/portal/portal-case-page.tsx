import { Alert, Anchor, Button, Code, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/api-client.js';
import { PriorityBadge, StatusBadge } from '../shared/badges.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { formatTime } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { type PortalCaseDetail, usePortalCase, usePortalReply, useUploadAccess } from './portal-api.js';
import { formatBytes, PortalTimeline } from './portal-timeline.js';

export function PortalCasePage() {
  const { t, i18n } = useTranslation();
  const number = useParams().number ?? '';
  const detail = usePortalCase(number);
  if (detail.isPending) return <PageLoaderInline />;
  if (detail.isError) return <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />;
  const { case: c, closure, timeline } = detail.data;
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/portal/cases" size="sm">
        ← {t('portal.case.back')}
      </Anchor>
      <header>
        <Text ff="monospace" size="sm" c="dimmed">
          {c.number}
        </Text>
        <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
          {c.title}
        </Title>
        <Group gap="xs" mt="xs" wrap="wrap">
          <PriorityBadge priority={c.priority} />
          <StatusBadge status={c.status} />
          {c.owner && <Text size="sm">{t('portal.case.owner', { name: c.owner })}</Text>}
          <Text size="sm" c="dimmed">
            {t('portal.case.opened', { time: formatTime(c.openedAt, i18n.language) })}
          </Text>
        </Group>
      </header>
      {closure && (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="closure-title">
          <Title order={2} size="h4" id="closure-title">
            {t('portal.case.closure')}
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            {t('portal.case.closedAs', {
              reason: t(`portal.case.reason.${closure.reason}`, { defaultValue: closure.reason }),
              time: formatTime(closure.closedAt, i18n.language),
            })}
          </Text>
          <pre className="mail-text">{closure.summary}</pre>
        </Paper>
      )}
      <section aria-labelledby="timeline-title">
        <Title order={2} size="h4" id="timeline-title" mb="sm">
          {t('portal.case.timeline')}
        </Title>
        <PortalTimeline items={timeline} />
      </section>
      <ReplyBox number={c.number} closed={c.status === 'closed'} />
      <UploadSection detail={detail.data} />
    </Stack>
  );
}

function ReplyBox({ number, closed }: { number: string; closed: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const reply = usePortalReply(number);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reply.mutate(text, { onSuccess: () => setText('') });
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="reply-title">
      <Title order={2} size="h4" id="reply-title" mb="sm">
        {t('portal.case.reply')}
      </Title>
      {closed ? (
        <Text size="sm">{t('portal.case.closedNoReply')}</Text>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Textarea
              label={t('portal.case.replyLabel')}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={3}
              maxLength={20_000}
              required
            />
            <Group>
              <Button type="submit" loading={reply.isPending} disabled={!text.trim()}>
                {t('portal.case.send')}
              </Button>
            </Group>
            {reply.isSuccess && (
              <Alert color="teal" role="status">
                {t('portal.case.sent')}
              </Alert>
            )}
            {reply.error && (
              <Alert color="red" role="alert">
                {reply.error instanceof ApiError && reply.error.code === 'portal.case_closed'
                  ? t('portal.case.closedNoReply')
                  : t('app.error', { message: reply.error.message })}
              </Alert>
            )}
          </Stack>
        </form>
      )}
    </Paper>
  );
}

function UploadSection({ detail }: { detail: PortalCaseDetail }) {
  const { t, i18n } = useTranslation();
  const access = useUploadAccess(detail.case.number);
  const closed = detail.case.status === 'closed';
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="files-title">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4" id="files-title">
          {t('portal.case.files')}
        </Title>
        {!closed && (
          <Button variant="light" onClick={() => access.mutate()} loading={access.isPending}>
            {t('portal.case.upload')}
          </Button>
        )}
      </Group>
      {access.data && (
        <Alert color="indigo" role="status" mb="sm">
          <Stack gap={4}>
            <Text size="sm">{t('portal.case.uploadHint', { user: access.data.user })}</Text>
            {access.data.password && (
              <Text size="sm">
                {t('portal.case.uploadPassword')}
                <Code>{access.data.password}</Code>
              </Text>
            )}
            <Anchor href={access.data.uploadUrl} target="_blank" rel="noopener" fw={600}>
              {t('portal.case.openUpload')}
            </Anchor>
          </Stack>
        </Alert>
      )}
      {access.error && (
        <Alert color="red" role="alert" mb="sm">
          {t('app.error', { message: access.error.message })}
        </Alert>
      )}
      {detail.uploads.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('portal.case.noFiles')}
        </Text>
      ) : (
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {detail.uploads.map((f) => (
            <Group component="li" key={f.url} gap="xs" wrap="wrap">
              <Anchor href={f.url} size="sm" download={f.filename}>
                {f.filename}
              </Anchor>
              <Text size="xs" c="dimmed">
                {formatBytes(f.size)} · {formatTime(f.uploadedAt, i18n.language, { style: 'short' })}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
