import { Alert, Button, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail } from '../api/api-types.js';
import { Field } from '../cases/case-header.js';
import { formatTime } from '../shared/format-time.js';
import { ActionOutcome } from './action-outcome.js';
import { mailLabel } from './close-dialog.js';
import { useCaseLinks, useClosures, useReopenCase, useWorkflowFeatures } from './use-workflow.js';

/** On a closed case: how it closed (reason, consent, summary), and reopening it with a reason. */
export function ClosurePanel({ detail }: { detail: CaseDetail }) {
  const { t, i18n } = useTranslation();
  const features = useWorkflowFeatures();
  const closures = useClosures(detail.number, features.close);
  const links = useCaseLinks(detail.number, features.links);
  const closure = closures.data?.items[0];
  const mergedInto = links.data?.mergedInto ?? null;
  const consent = closure?.consentActivityId
    ? detail.timeline.find((a) => a.id === closure.consentActivityId)
    : undefined;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="closure-title">
      <Title order={2} size="h4" id="closure-title" mb="xs">
        {closure
          ? t('workflow.closedTitle', { reason: t(`workflow.reason.${closure.reason}`) })
          : t('status.closed')}
      </Title>
      {mergedInto && (
        <Alert color="indigo" p="xs" mb="xs">
          {t('workflow.mergedIntoNotice')}{' '}
          <Link to={`/cases/${encodeURIComponent(mergedInto)}`}>{mergedInto}</Link>
        </Alert>
      )}
      {closure && (
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 2 }} component="dl" spacing="sm" m={0}>
            <Field label={t('workflow.closedWhen')}>
              {t('workflow.closedBy', {
                name: closure.closedBy ?? '—',
                time: formatTime(closure.closedAt, i18n.language),
              })}
            </Field>
            <Field label={t('workflow.consent')}>
              {consent
                ? mailLabel(consent, i18n.language)
                : closure.noConsent
                  ? t('workflow.noConsentGiven')
                  : '—'}
            </Field>
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {t('workflow.summary')}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="closure-summary">
            {closure.summary}
          </Text>
        </Stack>
      )}
      {features.reopen && !mergedInto && <ReopenForm number={detail.number} />}
    </Paper>
  );
}

function ReopenForm({ number }: { number: string }) {
  const { t } = useTranslation();
  const reopen = useReopenCase(number);
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) reopen.mutate({ reason: reason.trim() }, { onSuccess: () => setReason('') });
  };
  return (
    <Stack component="form" onSubmit={submit} gap="xs" mt="sm">
      <Textarea
        label={t('workflow.reopenReason')}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={2}
        required
      />
      <Button type="submit" variant="light" loading={reopen.isPending} disabled={!reason.trim()}>
        {t('workflow.reopen')}
      </Button>
      <ActionOutcome mutation={reopen} />
    </Stack>
  );
}
