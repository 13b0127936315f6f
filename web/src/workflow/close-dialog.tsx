import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity, CaseDetail } from '../api/api-types.js';
import { formatTime } from '../shared/format-time.js';
import { ActionOutcome } from './action-outcome.js';
import { defaultRecipients, parseAddressList } from './addresses.js';
import { RecipientsInput, recipientsOk } from './recipients-input.js';
import {
  type ClosureReason,
  closesWithoutConsent,
  closureReasonList,
  type FactSources,
  useCloseCase,
  useClosureDraft,
} from './use-workflow.js';

/** "徐先生 · Sep 24, 10:00 · first words of the mail" — enough to recognise the consenting mail. */
export function mailLabel(a: Activity, language: string): string {
  const from = a.email?.from.name ?? a.email?.from.address ?? a.actor.name;
  const firstLine = (a.email?.text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  const snippet = firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine;
  return [from, formatTime(a.occurredAt, language, { style: 'short' }), snippet].filter(Boolean).join(' · ');
}

/**
 * Closes the case: reason, the customer's consent (which inbound mail gave it), the summary drafted by
 * the server and edited here, optionally mailed to the customer.
 */
export function CloseDialog({ detail, onClose }: { detail: CaseDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const draft = useClosureDraft(detail.number);
  const close = useCloseCase(detail.number);
  const agreed = detail.scope?.closureConditions as readonly string[] | undefined;
  const allowed = (r: ClosureReason) => closesWithoutConsent(r) || !agreed || agreed.includes(r);
  const [reason, setReason] = useState<ClosureReason | null>(closureReasonList.find(allowed) ?? null);
  const [consentId, setConsentId] = useState<string | null>(null);
  const [noConsent, setNoConsent] = useState(false);
  const [rootCause, setRootCause] = useState('');
  const [fix, setFix] = useState('');
  const [summary, setSummary] = useState('');
  const [sendSummary, setSendSummary] = useState(true);
  const [toText, setToText] = useState(() => defaultRecipients(detail));
  const recipients = parseAddressList(toText);
  const ready =
    reason !== null &&
    consentGiven(consentId, noConsent, reason) &&
    summary.trim() !== '' &&
    (!sendSummary || recipientsOk(recipients));

  const inbound = detail.timeline.filter((a) => a.type === 'email' && a.email?.direction === 'inbound');
  const mayGoWithoutConsent = reason !== null && closesWithoutConsent(reason);
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const facts = () => ({
    ...(optional(rootCause) ? { rootCause: rootCause.trim() } : {}),
    ...(optional(fix) ? { fix: fix.trim() } : {}),
  });

  const makeDraft = () => {
    if (reason) draft.mutate({ reason, ...facts() }, { onSuccess: (d) => setSummary(d.text) });
  };
  const submit = () => {
    if (!reason || !ready) return;
    close.mutate(
      {
        reason,
        ...facts(),
        ...(consentId ? { consentActivityId: consentId } : { noConsent: true }),
        summary,
        send: sendSummary ? { to: recipients.addresses } : false,
      },
      { onSuccess: onClose },
    );
  };

  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('workflow.closeDialog') }}
      title={t('workflow.closeTitle', { number: detail.number })}
      size="xl"
    >
      <Stack gap="xs">
        <Select
          label={t('workflow.closeReason')}
          data={closureReasonList.map((r) => ({
            value: r,
            label: t(`workflow.reason.${r}`),
            disabled: !allowed(r),
          }))}
          value={reason}
          onChange={(v) => {
            setReason(v as ClosureReason | null);
            if (v && !closesWithoutConsent(v as ClosureReason)) setNoConsent(false);
          }}
          description={agreed ? t('workflow.reasonHint') : undefined}
          required
          allowDeselect={false}
        />
        <Select
          label={t('workflow.consent')}
          description={t('workflow.consentHint')}
          placeholder={t('workflow.pickMail')}
          data={[...inbound].reverse().map((a) => ({ value: a.id, label: mailLabel(a, i18n.language) }))}
          value={consentId}
          onChange={(v) => {
            setConsentId(v);
            if (v) setNoConsent(false);
          }}
          disabled={noConsent}
          required={!mayGoWithoutConsent}
          clearable
          searchable
        />
        {mayGoWithoutConsent && (
          <Checkbox
            label={t('workflow.noConsent')}
            checked={noConsent}
            onChange={(e) => {
              setNoConsent(e.currentTarget.checked);
              if (e.currentTarget.checked) setConsentId(null);
            }}
          />
        )}
        <Group grow align="flex-start" gap="xs" wrap="wrap">
          <TextInput
            label={t('workflow.rootCause')}
            value={rootCause}
            onChange={(e) => setRootCause(e.currentTarget.value)}
            miw={220}
          />
          <TextInput
            label={t('workflow.fix')}
            value={fix}
            onChange={(e) => setFix(e.currentTarget.value)}
            miw={220}
          />
        </Group>
        <Group gap="xs">
          <Button variant="light" onClick={makeDraft} loading={draft.isPending} disabled={!reason}>
            {summary ? t('workflow.redraftSummary') : t('workflow.draftSummary')}
          </Button>
        </Group>
        {draft.error && (
          <Alert color="red" role="alert" p="xs">
            {t('app.error', { message: draft.error.message })}
          </Alert>
        )}
        {(draft.data?.missing.length ?? 0) > 0 && (
          <Alert color="orange" role="alert" p="xs">
            {t('workflow.missingValues', { names: draft.data?.missing.join(', ') })}
          </Alert>
        )}
        {draft.data && <DraftSources detail={detail} sources={draft.data.facts.sources} />}
        <Textarea
          label={t('workflow.summary')}
          description={t('workflow.summaryHint')}
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
          autosize
          minRows={6}
          maxRows={20}
          required
        />
        <Checkbox
          label={t('workflow.sendSummary')}
          checked={sendSummary}
          onChange={(e) => setSendSummary(e.currentTarget.checked)}
        />
        {sendSummary && <RecipientsInput value={toText} parsed={recipients} onChange={setToText} />}
        <Group gap="xs">
          <Button color="red.9" onClick={submit} loading={close.isPending} disabled={!ready}>
            {t('workflow.doClose')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('workflow.cancel')}
          </Button>
        </Group>
        <ActionOutcome mutation={close} />
      </Stack>
    </Modal>
  );
}

function consentGiven(consentId: string | null, noConsent: boolean, reason: ClosureReason): boolean {
  return consentId !== null || (noConsent && closesWithoutConsent(reason));
}

/** "Problem from the scope agreement; fix from your mail: …" — what to check before closing. */
function DraftSources({ detail, sources }: { detail: CaseDetail; sources: FactSources }) {
  const { t, i18n } = useTranslation();
  const mail = detail.timeline.find((a) => a.id === sources.remediationActivityId);
  return (
    <Text size="xs" c="dimmed" data-testid="draft-sources">
      {t('workflow.sources', {
        problem: t(`workflow.source.${sources.problemDescription}`),
        rootCause: t(`workflow.source.${sources.rootCause}`),
        fix: mail
          ? t('workflow.source.remediation_mail', { mail: mailLabel(mail, i18n.language) })
          : t(`workflow.source.${sources.fix === 'remediation_mail' ? 'none' : sources.fix}`),
      })}
    </Text>
  );
}
