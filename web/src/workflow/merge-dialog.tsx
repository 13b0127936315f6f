import { Alert, Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseDetail, caseNumberPattern } from '../api/api-types.js';
import { ActionOutcome } from './action-outcome.js';
import { useMergeCase } from './use-workflow.js';

/**
 * Merges this case into another by number, after saying plainly what happens: the timeline moves,
 * this case closes as a duplicate, and its number and token keep threading to the survivor.
 */
export function MergeDialog({
  detail,
  onClose,
  onMerged,
}: {
  detail: CaseDetail;
  onClose: () => void;
  onMerged: (into: string, moved: number) => void;
}) {
  const { t } = useTranslation();
  const merge = useMergeCase(detail.number);
  const [into, setInto] = useState('');
  const [note, setNote] = useState('');
  const target = into.trim().toUpperCase();
  const valid = caseNumberPattern.test(target) && target !== detail.number;
  const submit = () => {
    if (!valid) return;
    merge.mutate(
      { into: target, ...(note.trim() ? { note: note.trim() } : {}) },
      { onSuccess: (r) => onMerged(r.into, r.moved) },
    );
  };
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('workflow.closeDialog') }}
      title={t('workflow.mergeTitle', { number: detail.number })}
      size="lg"
    >
      <Stack gap="xs">
        <TextInput
          label={t('workflow.mergeInto')}
          description={t('workflow.caseNumberHint')}
          value={into}
          onChange={(e) => setInto(e.currentTarget.value)}
          error={into.trim() && !valid ? t('workflow.badNumber') : undefined}
          required
          ff="monospace"
        />
        <Textarea
          label={t('workflow.mergeNote')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        {valid && (
          <Alert color="orange" p="xs" data-testid="merge-warning">
            {t('workflow.mergeWarning', {
              number: detail.number,
              into: target,
              token: detail.trackingToken,
            })}
          </Alert>
        )}
        <Group gap="xs">
          <Button color="red.9" onClick={submit} loading={merge.isPending} disabled={!valid}>
            {valid ? t('workflow.doMergeInto', { into: target }) : t('workflow.doMerge')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('workflow.cancel')}
          </Button>
        </Group>
        <ActionOutcome mutation={merge} />
      </Stack>
    </Modal>
  );
}
