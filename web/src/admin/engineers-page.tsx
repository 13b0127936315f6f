import {
  Alert,
  Button,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import type { Engineer } from '../api/api-types.js';
import { useEngineers } from '../api/shared-queries.js';
import { useMe } from '../auth/use-me.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';

export function EngineersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const engineers = useEngineers();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('engineers.title')}
      </Title>
      {me.data?.role === 'admin' ? <AddEngineerForm /> : <Text c="dimmed">{t('engineers.onlyAdmins')}</Text>}
      {engineers.isPending && <PageLoaderInline />}
      {engineers.isError && <ErrorNotice error={engineers.error} />}
      {engineers.data && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('engineers.name')}</Table.Th>
                <Table.Th scope="col">{t('engineers.email')}</Table.Th>
                <Table.Th scope="col">{t('engineers.role')}</Table.Th>
                <Table.Th scope="col">{t('engineers.active')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {engineers.data.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{e.name}</Table.Td>
                  <Table.Td>{e.email ?? '—'}</Table.Td>
                  <Table.Td>{t(`engineers.${e.role}`)}</Table.Td>
                  <Table.Td>{e.active ? t('engineers.yes') : t('engineers.no')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function AddEngineerForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'engineer' | 'admin'>('engineer');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: (body: { name: string; email?: string; role: string; password?: string }) =>
      api<Engineer>('/engineers', { method: 'POST', body }),
    onSuccess: () => {
      setName('');
      setEmail('');
      setPassword('');
      return client.invalidateQueries({ queryKey: ['engineers'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: name.trim(),
      role,
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(password ? { password } : {}),
    });
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label={t('engineers.add')}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('engineers.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('engineers.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <Select
          label={t('engineers.role')}
          data={[
            { value: 'engineer', label: t('engineers.engineer') },
            { value: 'admin', label: t('engineers.admin') },
          ]}
          value={role}
          onChange={(v) => setRole(v === 'admin' ? 'admin' : 'engineer')}
          allowDeselect={false}
        />
        <PasswordInput
          label={t('engineers.password')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          minLength={8}
          required
          autoComplete="new-password"
        />
        <Button type="submit" loading={create.isPending}>
          {t('engineers.add')}
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="sm">
          {t('app.error', { message: create.error.message })}
        </Alert>
      )}
      <Text size="xs" c="teal.9" role="status" mt={4}>
        {create.data ? t('engineers.created', { name: create.data.name }) : ''}
      </Text>
    </Paper>
  );
}
