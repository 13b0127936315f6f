import { Badge, Button, Group, Paper, Select, Table, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { adminKeys, type ReplyTemplate, useAdminMutation, useTemplates } from './admin-api.js';
import { AdminPage, SavedNote, SaveError, ScrollTable } from './admin-only.js';
import { TemplateEditor } from './template-editor.js';

export function TemplatesPage() {
  const { t } = useTranslation();
  return (
    <AdminPage title={t('admin.templates.title')}>
      <TemplatesAdmin />
    </AdminPage>
  );
}

const idOf = (tpl: Pick<ReplyTemplate, 'key' | 'locale'>) => `${tpl.key}/${tpl.locale}`;

function TemplatesAdmin() {
  const { t } = useTranslation();
  const templates = useTemplates();
  const [selected, setSelected] = useState<string | null>(null);
  if (templates.isPending) return <PageLoaderInline />;
  if (templates.isError) return <ErrorNotice error={templates.error} />;
  const sorted = [...templates.data].sort((a, b) => idOf(a).localeCompare(idOf(b)));
  const current = sorted.find((tpl) => idOf(tpl) === selected) ?? null;
  return (
    <>
      <ScrollTable minWidth={600} label={t('admin.templates.title')}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('admin.templates.key')}</Table.Th>
              <Table.Th scope="col">{t('admin.templates.locale')}</Table.Th>
              <Table.Th scope="col">{t('admin.templates.name')}</Table.Th>
              <Table.Th scope="col">{t('admin.templates.stage')}</Table.Th>
              <Table.Th scope="col">{t('admin.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((tpl) => (
              <Table.Tr key={tpl.id}>
                <Table.Td>
                  <Group gap={6}>
                    <code>{tpl.key}</code>
                    {tpl.builtIn && <Badge color="gray.7">{t('admin.templates.builtIn')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>{tpl.locale}</Table.Td>
                <Table.Td>{tpl.name}</Table.Td>
                <Table.Td>{tpl.stage}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant={idOf(tpl) === selected ? 'filled' : 'light'}
                    aria-pressed={idOf(tpl) === selected}
                    aria-label={t('admin.templates.editNamed', { key: tpl.key, locale: tpl.locale })}
                    onClick={() => setSelected(idOf(tpl))}
                  >
                    {t('admin.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {current && <TemplateEditor key={current.id} template={current} onDeleted={() => setSelected(null)} />}
      <NewTemplateForm onCreated={(tpl) => setSelected(idOf(tpl))} />
    </>
  );
}

function NewTemplateForm({ onCreated }: { onCreated: (tpl: ReplyTemplate) => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  const [locale, setLocale] = useState<'zh-CN' | 'en'>('zh-CN');
  const [name, setName] = useState('');
  const [stage, setStage] = useState('');
  const [body, setBody] = useState('');
  const create = useAdminMutation(
    (input: { key: string; locale: string; name: string; stage?: string; body: string }) =>
      api<ReplyTemplate>('/templates', { method: 'POST', body: input }),
    [adminKeys.templates],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { key: key.trim(), locale, name: name.trim(), body, ...(stage.trim() ? { stage: stage.trim() } : {}) },
      {
        onSuccess: (tpl) => {
          setKey('');
          setName('');
          setStage('');
          setBody('');
          onCreated(tpl);
        },
      },
    );
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="new-template">
      <Title order={2} size="h4" id="new-template" mb="sm">
        {t('admin.templates.create')}
      </Title>
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('admin.templates.key')}
          description={t('admin.templates.keyHint')}
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          required
        />
        <Select
          label={t('admin.templates.locale')}
          w={110}
          data={['zh-CN', 'en']}
          value={locale}
          onChange={(v) => setLocale(v === 'en' ? 'en' : 'zh-CN')}
          allowDeselect={false}
        />
        <TextInput
          label={t('admin.templates.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('admin.templates.stage')}
          value={stage}
          onChange={(e) => setStage(e.currentTarget.value)}
        />
      </Group>
      <Textarea
        mt="sm"
        label={t('admin.templates.body')}
        autosize
        minRows={4}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
        required
      />
      <Button type="submit" mt="sm" loading={create.isPending}>
        {t('admin.templates.create')}
      </Button>
      <SaveError error={create.error} />
      <SavedNote text={create.data ? t('admin.templates.created', { key: create.data.key }) : null} />
    </Paper>
  );
}
