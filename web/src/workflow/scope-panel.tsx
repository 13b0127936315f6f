import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail, Scope } from '../api/api-types.js';
import { Field } from '../cases/case-header.js';
import { formatTime } from '../shared/format-time.js';
import { ScopeEditor } from './scope-editor.js';
import { ScopeSendDialog } from './scope-send-dialog.js';
import { useWorkflowFeatures } from './use-workflow.js';

/** The scope agreed with the customer, at the top of the case: shown, edited, sent as first response. */
export function ScopePanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const features = useWorkflowFeatures();
  const [editing, setEditing] = useState(false);
  const [sending, setSending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const scope = detail.scope;
  const closed = detail.status === 'closed';
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="scope-title">
      <Group justify="space-between" mb="xs" gap="xs">
        <Group gap="xs">
          <Title order={2} size="h4" id="scope-title">
            {t('workflow.scopeTitle')}
          </Title>
          {!scope && (
            <Badge color="#a33b00" variant="filled" radius="sm" tt="none">
              {t('workflow.scopeNotAgreedBadge')}
            </Badge>
          )}
        </Group>
        {features.scope && !editing && !closed && (
          <Group gap="xs">
            <Button size="xs" variant="light" onClick={() => setEditing(true)}>
              {scope ? t('workflow.editScope') : t('workflow.recordScope')}
            </Button>
            {scope && features.sendScope && features.render && (
              <Button size="xs" onClick={() => setSending(true)}>
                {t('workflow.sendScope')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {editing ? (
        <ScopeEditor number={detail.number} scope={scope} onDone={() => setEditing(false)} />
      ) : scope ? (
        <ScopeView scope={scope} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('workflow.scopeNotAgreed')}
        </Text>
      )}
      <Text size="xs" c="teal.9" role="status" mih={sentTo ? 18 : 0}>
        {sentTo ? t('workflow.scopeSent', { to: sentTo }) : ''}
      </Text>
      {sending && scope && (
        <ScopeSendDialog
          detail={detail}
          scope={scope}
          onClose={() => setSending(false)}
          onSent={(to) => {
            setSending(false);
            setSentTo(to);
          }}
        />
      )}
    </Paper>
  );
}

function ScopeView({ scope }: { scope: Scope }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, sm: 2 }} component="dl" spacing="sm" m={0}>
        <Field label={t('workflow.problemDefinition')}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{scope.problemDefinition}</span>
        </Field>
        <Field label={t('workflow.scope')}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{scope.scope}</span>
        </Field>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 2, sm: 4 }} component="dl" spacing="sm" m={0}>
        <Field label={t('workflow.closureConditions')}>
          {scope.closureConditions.map((c) => t(`workflow.condition.${c}`)).join(' · ')}
        </Field>
        <Field label={t('workflow.cadence')}>
          {scope.cadenceBusinessDays
            ? t('workflow.cadenceDays', { count: scope.cadenceBusinessDays })
            : t('workflow.noCadence')}
        </Field>
        <Field label={t('workflow.channels')}>
          {scope.contactChannels.map((c) => t(`workflow.channel.${c}`)).join(' · ')}
        </Field>
        <Field label={t('workflow.hotline')}>{scope.hotline ?? '—'}</Field>
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {scope.sentAt
          ? t('workflow.sentAt', { time: formatTime(scope.sentAt, i18n.language) })
          : t('workflow.notSent')}
        {scope.updatedBy
          ? ` · ${t('workflow.updatedBy', { name: scope.updatedBy, time: formatTime(scope.updatedAt, i18n.language) })}`
          : ''}
      </Text>
    </Stack>
  );
}
