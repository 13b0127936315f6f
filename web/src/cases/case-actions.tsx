import {
  Button,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseDetail, type Status, statusList } from '../api/api-types.js';
import { useEngineers } from '../api/shared-queries.js';
import { ActionOutcome as Outcome } from '../workflow/action-outcome.js';
import { useWorkflowFeatures } from '../workflow/use-workflow.js';
import { useAddNote, useChangeStatus, useLogCall, useTransfer } from './use-case.js';

/** Transfer, call, note and status forms; each posts to the case and the timeline refreshes. */
export function CaseActions({ detail, extraTabs }: { detail: CaseDetail; extraTabs?: ExtraTab[] }) {
  const { t } = useTranslation();
  const tabs = extraTabs ?? [];
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="case-actions-title">
      <Title order={2} size="h4" id="case-actions-title" mb="sm">
        {t('case.actions')}
      </Title>
      <Tabs defaultValue={tabs[0]?.value ?? 'note'} keepMounted={false}>
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
          <Tabs.Tab value="note">{t('actions.note')}</Tabs.Tab>
          <Tabs.Tab value="call">{t('actions.call')}</Tabs.Tab>
          <Tabs.Tab value="transfer">{t('actions.transfer')}</Tabs.Tab>
          <Tabs.Tab value="status">{t('actions.status')}</Tabs.Tab>
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value} pt="sm">
            {tab.panel}
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="note" pt="sm">
          <NoteForm number={detail.number} />
        </Tabs.Panel>
        <Tabs.Panel value="call" pt="sm">
          <CallForm number={detail.number} />
        </Tabs.Panel>
        <Tabs.Panel value="transfer" pt="sm">
          <TransferForm detail={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="status" pt="sm">
          <StatusForm detail={detail} />
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}

export type ExtraTab = { value: string; label: string; panel: React.ReactNode };

function NoteForm({ number }: { number: string }) {
  const { t } = useTranslation();
  const mutation = useAddNote(number);
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) mutation.mutate({ text: text.trim() }, { onSuccess: () => setText('') });
  };
  return (
    <Stack component="form" onSubmit={submit} gap="xs">
      <Textarea
        label={t('actions.noteText')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={3}
        required
      />
      <Button type="submit" loading={mutation.isPending}>
        {t('actions.addNote')}
      </Button>
      <Outcome mutation={mutation} />
    </Stack>
  );
}

function CallForm({ number }: { number: string }) {
  const { t } = useTranslation();
  const mutation = useLogCall(number);
  const [outcome, setOutcome] = useState<'reached' | 'no_answer'>('no_answer');
  const [callee, setCallee] = useState('');
  const [note, setNote] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    mutation.mutate(
      { outcome, note: note.trim(), ...(callee.trim() ? { callee: callee.trim() } : {}) },
      { onSuccess: () => setNote('') },
    );
  };
  return (
    <Stack component="form" onSubmit={submit} gap="xs">
      <div role="radiogroup" aria-labelledby="call-outcome-label">
        <Text size="sm" fw={500} id="call-outcome-label" mb={4}>
          {t('actions.outcome')}
        </Text>
        <SegmentedControl
          fullWidth
          value={outcome}
          onChange={(v) => setOutcome(v === 'reached' ? 'reached' : 'no_answer')}
          data={[
            { value: 'no_answer', label: t('actions.noAnswer') },
            { value: 'reached', label: t('actions.reached') },
          ]}
        />
      </div>
      <TextInput
        label={t('actions.callee')}
        value={callee}
        onChange={(e) => setCallee(e.currentTarget.value)}
      />
      <Textarea
        label={t('actions.callNote')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        autosize
        minRows={2}
      />
      <Button type="submit" loading={mutation.isPending}>
        {t('actions.logCall')}
      </Button>
      <Outcome mutation={mutation} />
    </Stack>
  );
}

function TransferForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const engineers = useEngineers();
  const mutation = useTransfer(detail.number);
  const [to, setTo] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const options = (engineers.data ?? [])
    .filter((e) => e.active && e.id !== detail.owner?.id)
    .map((e) => ({ value: e.name, label: e.email ? `${e.name} (${e.email})` : e.name }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (to && note.trim())
      mutation.mutate(
        { to, note: note.trim() },
        {
          onSuccess: () => {
            setNote('');
            setTo(null);
          },
        },
      );
  };
  return (
    <Stack component="form" onSubmit={submit} gap="xs">
      <Select
        label={t('actions.transferTo')}
        data={options}
        value={to}
        onChange={setTo}
        searchable
        required
      />
      <Textarea
        label={t('actions.transferNote')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        autosize
        minRows={3}
        required
      />
      <Button type="submit" loading={mutation.isPending} disabled={!to}>
        {t('actions.doTransfer')}
      </Button>
      <Outcome mutation={mutation} />
    </Stack>
  );
}

function StatusForm({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const mutation = useChangeStatus(detail.number);
  const [status, setStatus] = useState<Status | null>(null);
  const [note, setNote] = useState('');
  const workflow = useWorkflowFeatures();
  const closed = detail.status === 'closed';
  // A closed case can only be reopened; where the workflow API is there, closing takes a reason,
  // consent and summary (the Close dialog) and reopening a reason (the closure panel), not this form.
  const allowed = closed
    ? workflow.reopen
      ? []
      : (['in_progress'] as Status[])
    : statusList.filter((s) => !(workflow.close && s === 'closed'));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (status)
      mutation.mutate(
        { status, ...(note.trim() ? { note: note.trim() } : {}) },
        { onSuccess: () => setNote('') },
      );
  };
  return (
    <Stack component="form" onSubmit={submit} gap="xs">
      {(closed || workflow.close) && (
        <Text size="xs" c="dimmed">
          {closed
            ? workflow.reopen
              ? t('workflow.statusReopenHint')
              : t('actions.closedHint')
            : t('workflow.statusCloseHint')}
        </Text>
      )}
      <Select
        label={t('actions.newStatus')}
        data={allowed.filter((s) => s !== detail.status).map((s) => ({ value: s, label: t(`status.${s}`) }))}
        value={status}
        onChange={(v) => setStatus(v as Status | null)}
        required
      />
      <Textarea
        label={t('actions.statusNote')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        autosize
        minRows={2}
      />
      <Button type="submit" loading={mutation.isPending} disabled={!status}>
        {t('actions.changeStatus')}
      </Button>
      <Outcome mutation={mutation} />
    </Stack>
  );
}
