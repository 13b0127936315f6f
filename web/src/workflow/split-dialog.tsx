import { Button, Checkbox, Group, Modal, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseDetail, type Priority, priorityList } from '../api/api-types.js';
import { ActionOutcome } from './action-outcome.js';
import { mailLabel } from './close-dialog.js';
import { useSplitCase } from './use-workflow.js';

/**
 * Opens a child case from chosen mails of the timeline (they are copied; both cases are linked).
 * Tells the caller the child's number so the page can link to it.
 */
export function SplitDialog({
  detail,
  onClose,
  onSplit,
}: {
  detail: CaseDetail;
  onClose: () => void;
  onSplit: (child: string, copied: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const split = useSplitCase(detail.number);
  const mails = detail.timeline.filter((a) => a.type === 'email' && a.email);
  const [chosen, setChosen] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<Priority>(detail.priority);
  const ready = chosen.length > 0 && title.trim() !== '';
  const submit = () => {
    if (!ready) return;
    split.mutate(
      { activityIds: chosen, title: title.trim(), priority },
      { onSuccess: (r) => onSplit(r.child, r.copied) },
    );
  };
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('workflow.closeDialog') }}
      title={t('workflow.splitTitle', { number: detail.number })}
      size="xl"
    >
      <Stack gap="xs">
        <Checkbox.Group
          label={t('workflow.splitMessages')}
          description={t('workflow.splitHint', { count: chosen.length })}
          value={chosen}
          onChange={setChosen}
          required
        >
          <ScrollArea.Autosize mah={320} mt={4} type="auto">
            <Stack gap={6} pr="sm">
              {mails.map((a) => (
                <Checkbox
                  key={a.id}
                  value={a.id}
                  label={
                    <span>
                      <Text span size="xs" c="dimmed">
                        {a.email?.direction === 'inbound' ? t('workflow.inbound') : t('workflow.outbound')}
                      </Text>{' '}
                      {mailLabel(a, i18n.language)}
                    </span>
                  }
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Checkbox.Group>
        <Group grow align="flex-start" wrap="wrap" gap="xs">
          <TextInput
            label={t('workflow.splitNewTitle')}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            required
            miw={240}
          />
          <Select
            label={t('case.priority')}
            data={priorityList.map((p) => ({ value: p, label: p }))}
            value={priority}
            onChange={(v) => v && setPriority(v as Priority)}
            allowDeselect={false}
            miw={120}
          />
        </Group>
        <Group gap="xs">
          <Button onClick={submit} loading={split.isPending} disabled={!ready}>
            {t('workflow.doSplit')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('workflow.cancel')}
          </Button>
        </Group>
        <ActionOutcome mutation={split} />
      </Stack>
    </Modal>
  );
}
