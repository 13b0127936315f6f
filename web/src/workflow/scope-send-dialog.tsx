import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail, Scope } from '../api/api-types.js';
import { ActionOutcome } from './action-outcome.js';
import { defaultRecipients, parseAddressList } from './addresses.js';
import { RecipientsInput, recipientsOk } from './recipients-input.js';
import { type MailLocale, useScopePreview, useSendScope } from './use-workflow.js';

/**
 * Previews the scope agreement mail rendered from its template with this case's values, lets the
 * engineer edit it, and sends exactly that text as the first response.
 */
export function ScopeSendDialog({
  detail,
  scope,
  onClose,
  onSent,
}: {
  detail: CaseDetail;
  scope: Scope;
  onClose: () => void;
  onSent: (to: string) => void;
}) {
  const { t } = useTranslation();
  const locale: MailLocale = scope.locale;
  const preview = useScopePreview(detail.number);
  const send = useSendScope(detail.number);
  const [text, setText] = useState('');
  const [toText, setToText] = useState(() => defaultRecipients(detail));
  const recipients = parseAddressList(toText);

  const render = preview.mutate;
  useEffect(() => {
    render(locale, { onSuccess: (r) => setText(r.text) });
  }, [render, locale]);

  const missing = preview.data?.missing ?? [];
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('workflow.closeDialog') }}
      title={t('workflow.sendScopeTitle')}
      size="xl"
    >
      <Stack gap="xs">
        <RecipientsInput value={toText} parsed={recipients} onChange={setToText} />
        {preview.error && (
          <Alert color="red" role="alert" p="xs">
            {t('app.error', { message: preview.error.message })}
          </Alert>
        )}
        {missing.length > 0 && (
          <Alert color="orange" role="alert" p="xs">
            {t('workflow.missingValues', { names: missing.join(', ') })}
          </Alert>
        )}
        <Textarea
          label={t('workflow.previewLabel')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autosize
          minRows={10}
          maxRows={24}
          disabled={preview.isPending}
          styles={{ input: { fontFamily: 'inherit' } }}
        />
        <Group gap="xs">
          <Button
            loading={send.isPending}
            disabled={!text.trim() || preview.isPending || !recipientsOk(recipients)}
            onClick={() =>
              send.mutate(
                { text, locale, to: recipients.addresses },
                { onSuccess: (r) => onSent(r.to.map((a) => a.address).join(', ')) },
              )
            }
          >
            {t('workflow.send')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('workflow.cancel')}
          </Button>
        </Group>
        <ActionOutcome mutation={send} />
      </Stack>
    </Modal>
  );
}
