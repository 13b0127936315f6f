import { Button, Code, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import Mustache from 'mustache';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { adminKeys, type ReplyTemplate, useAdminMutation, useTemplateVariables } from './admin-api.js';
import { SavedNote, SaveError } from './admin-only.js';

type Rendered = { text: string; missing: string[]; values: Record<string, string> };

/**
 * Edits one template. The preview fetches a case's values once (the render route) and renders the
 * draft with the same Mustache rules as the server (no HTML escaping), so it follows every keystroke.
 */
export function TemplateEditor({ template, onDeleted }: { template: ReplyTemplate; onDeleted: () => void }) {
  const { t } = useTranslation();
  const variables = useTemplateVariables();
  const [name, setName] = useState(template.name);
  const [stage, setStage] = useState(template.stage);
  const [body, setBody] = useState(template.body);
  const [caseNumber, setCaseNumber] = useState('');
  const path = `/templates/${encodeURIComponent(template.key)}/${template.locale}`;
  const save = useAdminMutation(
    (patch: { name: string; stage: string; body: string }) =>
      api<ReplyTemplate>(path, { method: 'PATCH', body: patch }),
    [adminKeys.templates],
  );
  const remove = useAdminMutation(() => api(path, { method: 'DELETE' }), [adminKeys.templates]);
  const values = useAdminMutation(
    (number: string) =>
      api<Rendered>(`${path}/render`, { method: 'POST', body: number ? { caseNumber: number } : {} }),
    [],
  );
  const preview = useMemo(() => {
    if (!values.data) return null;
    try {
      return Mustache.render(body, values.data.values, {}, { escape: (v: string) => v });
    } catch (err) {
      return t('admin.templates.previewBroken', { message: (err as Error).message });
    }
  }, [body, values.data, t]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name: name.trim(), stage: stage.trim(), body });
  };
  const title = t('admin.templates.editing', { key: template.key, locale: template.locale });
  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby="template-editor">
      <Title order={2} size="h4" id="template-editor" mb="sm">
        {title}
      </Title>
      <form onSubmit={submit} aria-label={title}>
        <Stack gap="sm">
          <Group gap="sm" grow>
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
            label={t('admin.templates.body')}
            autosize
            minRows={8}
            maxRows={24}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            required
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <div>
            <Text size="sm" fw={600}>
              {t('admin.templates.variables')}
            </Text>
            <Group gap={6} mt={4}>
              {(variables.data ?? []).map((v) => (
                <Code key={v.name} title={v.description}>{`{{${v.name}}}`}</Code>
              ))}
            </Group>
          </div>
          <Group gap="sm">
            <Button type="submit" loading={save.isPending}>
              {t('admin.save')}
            </Button>
            {!template.builtIn && (
              <Button
                variant="filled"
                color="red.9"
                loading={remove.isPending}
                onClick={() => remove.mutate(undefined, { onSuccess: onDeleted })}
              >
                {t('admin.templates.delete')}
              </Button>
            )}
          </Group>
          <SaveError error={save.error ?? remove.error} />
          <SavedNote text={save.isSuccess ? t('admin.templates.saved', { key: template.key }) : null} />
        </Stack>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          values.mutate(caseNumber.trim().toUpperCase());
        }}
        aria-label={t('admin.templates.preview')}
      >
        <Group gap="sm" align="flex-end" mt="md">
          <TextInput
            label={t('admin.templates.previewCase')}
            placeholder="CAS-04814-C9T9D0"
            value={caseNumber}
            onChange={(e) => setCaseNumber(e.currentTarget.value)}
          />
          <Button type="submit" variant="light" loading={values.isPending}>
            {t('admin.templates.preview')}
          </Button>
        </Group>
      </form>
      <SaveError error={values.error} />
      {preview !== null && (
        <section aria-label={t('admin.templates.previewResult')}>
          <Text size="sm" fw={600} mt="sm">
            {t('admin.templates.previewResult')}
          </Text>
          <Code block data-testid="template-preview" style={{ whiteSpace: 'pre-wrap' }}>
            {preview}
          </Code>
          {values.data && values.data.missing.length > 0 && (
            <Text size="xs" c="red.9" mt={4}>
              {t('admin.templates.missing', { names: values.data.missing.join(', ') })}
            </Text>
          )}
        </section>
      )}
    </Paper>
  );
}
