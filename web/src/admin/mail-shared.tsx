import { Badge, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { adminKeys, type MailSettings, type MailSettingsInput, useAdminMutation } from './admin-api.js';

export function useSaveMailSettings() {
  return useAdminMutation(
    (body: MailSettingsInput) => api<MailSettings>('/mail/settings', { method: 'PUT', body }),
    [adminKeys.mail],
  );
}

export function SourceBadge({ source }: { source: 'stored' | 'environment' }) {
  const { t } = useTranslation();
  return (
    <Badge color={source === 'stored' ? 'indigo.8' : 'gray.7'}>{t(`admin.mail.source.${source}`)}</Badge>
  );
}

export function OutboxCounts({ counts }: { counts: Record<string, number> }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder w="auto">
      <Table.Caption>{t('admin.mail.outbox')}</Table.Caption>
      <Table.Tbody>
        {Object.entries(counts).map(([state, n]) => (
          <Table.Tr key={state}>
            <Table.Th scope="row">{t(`admin.mail.state.${state}`, { defaultValue: state })}</Table.Th>
            <Table.Td>{n}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
