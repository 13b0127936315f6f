import { Alert, Button, Checkbox, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSubject } from '../../../src/mail/subject.js';
import { api } from '../api/api-client.js';
import type { Activity, CaseDetail } from '../api/api-types.js';
import { useFeature } from '../api/capabilities.js';
import { useEngineers } from '../api/shared-queries.js';
import { ComposerAttachments, type ReplyAttachment } from './composer-attachments.js';

type Template = { key: string; locale: 'zh-CN' | 'en'; name: string; stage: string };
type Rendered = { text: string; stage: string; missing: string[] };
type ReplyBody = {
  to: string[];
  cc: string[];
  bcc: string[];
  text: string;
  stage?: string;
  attachments: Omit<ReplyAttachment, 'size'>[];
};
/** The template whose text carries the upload site's link, user and one-time password. */
const LOG_COLLECTION = 'log_collection';
type Address = { name: string | null; address: string | null };

const show = (a: Address): string | null =>
  a.address ? (a.name ? `${a.name} <${a.address}>` : a.address) : null;
const splitAddresses = (text: string): string[] =>
  text
    .split(/[,;，；\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Whom a reply goes to: the sender of the latest customer mail; "reply all" adds its other recipients. */
export function replyRecipients(
  timeline: Activity[],
  ownAddresses: Set<string>,
): { to: string[]; all: string[] } {
  const last = [...timeline].reverse().find((a) => a.email?.direction === 'inbound')?.email;
  if (!last) return { to: [], all: [] };
  const to = [show(last.from)].filter((s): s is string => Boolean(s));
  const others = [...last.to, ...last.cc]
    .filter((a) => a.address && !ownAddresses.has(a.address.toLowerCase()))
    .map(show)
    .filter((s): s is string => Boolean(s) && !to.includes(s as string));
  return { to, all: others };
}

export function ReplyComposer({ detail }: { detail: CaseDetail }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const engineers = useEngineers();
  const hasTemplates = useFeature('templates');
  const canRender = useFeature('renderTemplate');
  const canTemplate = hasTemplates && canRender;
  const locale: Template['locale'] = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const own = useMemo(
    () => new Set((engineers.data ?? []).flatMap((e) => (e.email ? [e.email.toLowerCase()] : []))),
    [engineers.data],
  );
  const defaults = replyRecipients(detail.timeline, own);
  const [to, setTo] = useState<string | null>(null);
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [attachments, setAttachments] = useState<ReplyAttachment[]>([]);
  const [replyAll, setReplyAll] = useState(false);
  const [template, setTemplate] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [stage, setStage] = useState('');
  const [missing, setMissing] = useState<string[]>([]);

  const templates = useQuery({
    queryKey: ['templates', locale],
    queryFn: () => api<{ items: Template[] }>(`/templates?locale=${locale}`),
    enabled: canTemplate,
  });
  const render = useMutation({
    // openUploadWorkspace opens a workspace now, so its one-time password lands in the text.
    mutationFn: ({ key, openUploadWorkspace }: { key: string; openUploadWorkspace?: boolean }) =>
      api<Rendered>(`/templates/${encodeURIComponent(key)}/${locale}/render`, {
        method: 'POST',
        body: { caseNumber: detail.number, ...(openUploadWorkspace ? { openUploadWorkspace: true } : {}) },
      }),
    onSuccess: async (r, vars) => {
      setText(r.text);
      setStage(r.stage);
      setMissing(r.missing);
      if (vars.openUploadWorkspace) await client.invalidateQueries({ queryKey: ['case', detail.number] });
    },
  });
  const send = useMutation({
    mutationFn: (body: ReplyBody) =>
      api<Activity>(`/cases/${encodeURIComponent(detail.number)}/replies`, { method: 'POST', body }),
    onSuccess: async () => {
      setText('');
      setTemplate(null);
      setStage('');
      setMissing([]);
      setAttachments([]);
      setBcc('');
      await client.invalidateQueries({ queryKey: ['case', detail.number] });
    },
  });

  const toText = to ?? defaults.to.join(', ');
  const ccText = replyAll && cc === '' ? defaults.all.join(', ') : cc;
  let subject = '';
  try {
    subject = formatSubject(
      {
        caseNumber: detail.number,
        priority: detail.priority,
        account: detail.account ?? '',
        title: detail.title,
        stage: stage || detail.stage,
        trackingToken: detail.trackingToken,
      },
      { locale },
    );
  } catch {
    subject = '';
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate({
      to: splitAddresses(toText),
      cc: splitAddresses(ccText),
      bcc: splitAddresses(bcc),
      text,
      ...(stage ? { stage } : {}),
      attachments: attachments.map(({ size: _size, ...a }) => a),
    });
  };

  return (
    <Stack component="form" onSubmit={submit} gap="xs">
      <TextInput
        label={t('reply.to')}
        description={t('reply.addresses')}
        value={toText}
        onChange={(e) => setTo(e.currentTarget.value)}
        required
      />
      <Checkbox
        label={t('reply.replyAll')}
        checked={replyAll}
        onChange={(e) => {
          setReplyAll(e.currentTarget.checked);
          setCc(e.currentTarget.checked ? defaults.all.join(', ') : '');
        }}
      />
      <TextInput label={t('reply.cc')} value={ccText} onChange={(e) => setCc(e.currentTarget.value)} />
      <TextInput
        label={t('reply.bcc')}
        description={t('reply.bccHint')}
        value={bcc}
        onChange={(e) => setBcc(e.currentTarget.value)}
      />
      {canTemplate && (
        <Select
          label={t('reply.template')}
          placeholder={t('reply.noTemplate')}
          data={(templates.data?.items ?? []).map((tpl) => ({ value: tpl.key, label: tpl.name }))}
          value={template}
          onChange={(key) => {
            setTemplate(key);
            if (key) render.mutate({ key });
          }}
          clearable
          searchable
        />
      )}
      {template === LOG_COLLECTION && (
        <Button
          variant="light"
          size="xs"
          loading={render.isPending}
          onClick={() => render.mutate({ key: LOG_COLLECTION, openUploadWorkspace: true })}
        >
          {t('reply.openWorkspace')}
        </Button>
      )}
      {render.error && (
        <Alert color="red" role="alert" p="xs">
          {t('app.error', { message: render.error.message })}
        </Alert>
      )}
      {missing.length > 0 && (
        <Text size="xs" c="orange.9">
          {t('reply.missing', { names: missing.join(', ') })}
        </Text>
      )}
      <Textarea
        label={t('reply.body')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={6}
        maxRows={20}
        required
      />
      <ComposerAttachments value={attachments} onChange={setAttachments} />
      <div>
        <Text size="xs" c="dimmed" id="subject-preview-label">
          {t('reply.subject')}
        </Text>
        <Text
          size="xs"
          ff="monospace"
          aria-labelledby="subject-preview-label"
          style={{ overflowWrap: 'anywhere' }}
        >
          {subject}
        </Text>
      </div>
      <Button type="submit" loading={send.isPending}>
        {t('reply.send')}
      </Button>
      {send.error && (
        <Alert color="red" role="alert" p="xs">
          {t('app.error', { message: send.error.message })}
        </Alert>
      )}
      <Text size="xs" c="teal.9" role="status">
        {send.isSuccess ? t('reply.sent') : ''}
      </Text>
    </Stack>
  );
}
