import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Scope } from '../api/api-types.js';
import { ActionOutcome } from './action-outcome.js';
import { closureConditionList, contactChannelList, type MailLocale, useSaveScope } from './use-workflow.js';

type Condition = (typeof closureConditionList)[number];
type Channel = (typeof contactChannelList)[number];

/** Records or changes the scope agreement (PUT /cases/{n}/scope). */
export function ScopeEditor({
  number,
  scope,
  onDone,
}: {
  number: string;
  scope: Scope | null;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const save = useSaveScope(number);
  const [problem, setProblem] = useState(scope?.problemDefinition ?? '');
  const [scopeText, setScopeText] = useState(scope?.scope ?? '');
  const [conditions, setConditions] = useState<Condition[]>(
    scope?.closureConditions ?? ['solved', 'by_design', 'third_party'],
  );
  const [cadence, setCadence] = useState<number | ''>(scope?.cadenceBusinessDays ?? '');
  const [channels, setChannels] = useState<Channel[]>(scope?.contactChannels ?? ['email', 'phone']);
  const [hotline, setHotline] = useState(scope?.hotline ?? '');
  const [locale, setLocale] = useState<MailLocale>(
    scope?.locale ?? (i18n.language === 'en' ? 'en' : 'zh-CN'),
  );
  const incomplete = !problem.trim() || !scopeText.trim() || conditions.length === 0 || channels.length === 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (incomplete) return;
    save.mutate(
      {
        problemDefinition: problem.trim(),
        scope: scopeText.trim(),
        closureConditions: conditions,
        cadenceBusinessDays: cadence === '' ? null : cadence,
        contactChannels: channels,
        hotline: hotline.trim() || null,
        locale,
      },
      { onSuccess: onDone },
    );
  };

  return (
    <Stack component="form" onSubmit={submit} gap="xs" aria-label={t('workflow.scopeEditor')}>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Textarea
          label={t('workflow.problemDefinition')}
          value={problem}
          onChange={(e) => setProblem(e.currentTarget.value)}
          autosize
          minRows={3}
          required
        />
        <Textarea
          label={t('workflow.scope')}
          value={scopeText}
          onChange={(e) => setScopeText(e.currentTarget.value)}
          autosize
          minRows={3}
          required
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Checkbox.Group
          label={t('workflow.closureConditions')}
          value={conditions}
          onChange={(v) => setConditions(v as Condition[])}
          required
        >
          <Group gap="sm" mt={4}>
            {closureConditionList.map((c) => (
              <Checkbox key={c} value={c} label={t(`workflow.condition.${c}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Checkbox.Group
          label={t('workflow.channels')}
          value={channels}
          onChange={(v) => setChannels(v as Channel[])}
          required
        >
          <Group gap="sm" mt={4}>
            {contactChannelList.map((c) => (
              <Checkbox key={c} value={c} label={t(`workflow.channel.${c}`)} />
            ))}
          </Group>
        </Checkbox.Group>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <NumberInput
          label={t('workflow.cadenceLabel')}
          description={t('workflow.cadenceHint')}
          value={cadence}
          onChange={(v) => setCadence(typeof v === 'number' ? v : '')}
          min={1}
          max={30}
          allowDecimal={false}
        />
        <TextInput
          label={t('workflow.hotline')}
          value={hotline}
          onChange={(e) => setHotline(e.currentTarget.value)}
        />
        <div role="radiogroup" aria-labelledby="scope-locale-label">
          <Text size="sm" fw={500} id="scope-locale-label" mb={4}>
            {t('workflow.mailLanguage')}
          </Text>
          <SegmentedControl
            fullWidth
            value={locale}
            onChange={(v) => setLocale(v === 'en' ? 'en' : 'zh-CN')}
            data={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </div>
      </SimpleGrid>
      <Group gap="xs">
        <Button type="submit" loading={save.isPending} disabled={incomplete}>
          {t('workflow.saveScope')}
        </Button>
        <Button variant="default" onClick={onDone}>
          {t('workflow.cancel')}
        </Button>
      </Group>
      <ActionOutcome mutation={save} />
    </Stack>
  );
}
