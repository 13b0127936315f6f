import { Button, Group, NumberInput, Paper, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { type Priority, priorityList } from '../api/api-types.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { adminKeys, type PolicyInput, type PolicyRow, useAdminMutation, usePolicies } from './admin-api.js';
import { AdminPage, SavedNote, SaveError, ScrollTable } from './admin-only.js';

export function SlaPoliciesPage() {
  const { t } = useTranslation();
  return (
    <AdminPage title={t('admin.policies.title')}>
      <PoliciesAdmin />
    </AdminPage>
  );
}

function PoliciesAdmin() {
  const { t } = useTranslation();
  const policies = usePolicies();
  const remove = useAdminMutation(
    (row: { priority: string; account: string }) =>
      api(`/sla/policies/${row.priority}?account=${encodeURIComponent(row.account)}`, { method: 'DELETE' }),
    [adminKeys.policies],
  );
  if (policies.isPending) return <PageLoaderInline />;
  if (policies.isError) return <ErrorNotice error={policies.error} />;
  const defaults = priorityList.map((p) => policies.data.find((r) => r.priority === p && r.account === null));
  const overrides = policies.data.filter((r) => r.account !== null);
  return (
    <>
      <Text size="sm" c="dimmed">
        {t('admin.policies.intro')}
      </Text>
      {defaults.map(
        (row) => row && <PolicyForm key={row.priority} priority={row.priority} account={null} row={row} />,
      )}
      <Title order={2} size="h4">
        {t('admin.policies.overrides')}
      </Title>
      <ScrollTable minWidth={640} label={t('admin.policies.overrides')}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin.policies.account')}</Table.Th>
              <Table.Th scope="col">{t('admin.policies.priority')}</Table.Th>
              <Table.Th scope="col">{t('admin.policies.firstResponse')}</Table.Th>
              <Table.Th scope="col">{t('admin.policies.followUp')}</Table.Th>
              <Table.Th scope="col">{t('admin.policies.resolution')}</Table.Th>
              <Table.Th scope="col">{t('admin.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {overrides.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>{t('admin.policies.noOverrides')}</Table.Td>
              </Table.Tr>
            )}
            {overrides.map((r) => (
              <Table.Tr key={`${r.account}-${r.priority}`}>
                <Table.Td>{r.account}</Table.Td>
                <Table.Td>{r.priority}</Table.Td>
                <Table.Td>{t('admin.policies.hoursValue', { n: r.firstResponseHours })}</Table.Td>
                <Table.Td>
                  {r.followUpDays === null ? '—' : t('admin.policies.daysValue', { n: r.followUpDays })}
                </Table.Td>
                <Table.Td>
                  {r.resolution.unit === 'business_days'
                    ? t('admin.policies.daysValue', { n: r.resolution.value })
                    : t('admin.policies.hoursValue', { n: r.resolution.value })}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="filled"
                    color="red.9"
                    onClick={() => remove.mutate({ priority: r.priority, account: r.account ?? '' })}
                    aria-label={t('admin.policies.removeOverride', {
                      account: r.account,
                      priority: r.priority,
                    })}
                  >
                    {t('admin.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <SaveError error={remove.error} />
      <NewOverride defaults={defaults} />
    </>
  );
}

function NewOverride({ defaults }: { defaults: (PolicyRow | undefined)[] }) {
  const { t } = useTranslation();
  const [account, setAccount] = useState('');
  const [priority, setPriority] = useState<Priority>('P2');
  const base = defaults.find((d) => d?.priority === priority);
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t('admin.policies.addOverride')}
      </Title>
      <Group gap="sm" mb="sm">
        <TextInput
          label={t('admin.policies.account')}
          value={account}
          onChange={(e) => setAccount(e.currentTarget.value)}
        />
        <Select
          label={t('admin.policies.priority')}
          w={100}
          data={[...priorityList]}
          value={priority}
          onChange={(v) => v && setPriority(v as Priority)}
          allowDeselect={false}
        />
      </Group>
      {base && (
        <PolicyForm key={priority} priority={priority} account={account.trim() || null} row={base} embedded />
      )}
    </Paper>
  );
}

/** The targets of one priority (for everyone, or one account); saved with PUT /sla/policies/{p}. */
function PolicyForm({
  priority,
  account,
  row,
  embedded = false,
}: {
  priority: string;
  account: string | null;
  row: PolicyRow;
  embedded?: boolean;
}) {
  const { t } = useTranslation();
  const [firstResponse, setFirstResponse] = useState<number | string>(row.firstResponseHours);
  const [followUp, setFollowUp] = useState<number | string>(row.followUpDays ?? '');
  const [resolution, setResolution] = useState<number | string>(row.resolution.value);
  const [unit, setUnit] = useState(row.resolution.unit);
  const [remind, setRemind] = useState<number | string>(row.remindBeforeMinutes);
  const save = useAdminMutation(
    (body: PolicyInput) =>
      api<PolicyRow>(`/sla/policies/${priority}${account ? `?account=${encodeURIComponent(account)}` : ''}`, {
        method: 'PUT',
        body,
      }),
    [adminKeys.policies],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      firstResponseHours: Number(firstResponse),
      followUpDays: followUp === '' ? null : Number(followUp),
      resolution: { value: Number(resolution), unit },
      remindBeforeMinutes: Number(remind),
    });
  };
  const title = t('admin.policies.priorityTitle', { priority });
  const fields = (
    <form onSubmit={submit} aria-label={embedded ? t('admin.policies.addOverride') : title}>
      {!embedded && (
        <Title order={2} size="h4" mb="xs">
          {title}
        </Title>
      )}
      <Group align="flex-end" gap="sm">
        <NumberInput
          label={t('admin.policies.firstResponse')}
          description={t('admin.policies.businessHours')}
          value={firstResponse}
          onChange={setFirstResponse}
          min={0.25}
          step={0.5}
          decimalScale={2}
          w={170}
          required
        />
        <NumberInput
          label={t('admin.policies.followUp')}
          description={t('admin.policies.businessDaysOrEmpty')}
          value={followUp}
          onChange={setFollowUp}
          min={1}
          max={60}
          allowDecimal={false}
          w={170}
        />
        <NumberInput
          label={t('admin.policies.resolution')}
          value={resolution}
          onChange={setResolution}
          min={0.25}
          decimalScale={2}
          w={130}
          required
        />
        <Select
          label={t('admin.policies.unit')}
          w={150}
          data={[
            { value: 'business_hours', label: t('admin.policies.businessHours') },
            { value: 'business_days', label: t('admin.policies.businessDays') },
          ]}
          value={unit}
          onChange={(v) => setUnit(v === 'business_days' ? 'business_days' : 'business_hours')}
          allowDeselect={false}
        />
        <NumberInput
          label={t('admin.policies.remind')}
          value={remind}
          onChange={setRemind}
          min={0}
          max={10080}
          allowDecimal={false}
          w={150}
        />
        <Button type="submit" loading={save.isPending} disabled={embedded && !account}>
          {t('admin.save')}
        </Button>
      </Group>
      <SaveError error={save.error} />
      <SavedNote text={save.isSuccess ? t('admin.policies.saved', { priority }) : null} />
    </form>
  );
  return embedded ? (
    fields
  ) : (
    <Paper withBorder p="md" radius="md">
      {fields}
    </Paper>
  );
}
