import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../api/api-types.js';

export function CaseParticipants({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  if (detail.participants.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="participants-title">
      <Title order={2} size="h4" id="participants-title" mb="xs">
        {t('case.participants')}
      </Title>
      <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {detail.participants.map((p) => (
          <li key={`${p.id}-${p.role}`}>
            <Text size="sm">
              {p.name}
              {p.email ? ` <${p.email}>` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {[p.role, p.account].filter(Boolean).join(' · ')}
            </Text>
          </li>
        ))}
      </Stack>
    </Paper>
  );
}
