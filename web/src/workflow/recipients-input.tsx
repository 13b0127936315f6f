import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { parseAddressList } from './addresses.js';

type Parsed = ReturnType<typeof parseAddressList>;

export const recipientsOk = (r: Parsed): boolean => r.addresses.length > 0 && r.bad.length === 0;

/** "To" of a workflow mail: prefilled with the case's customers, editable, anything not an address named. */
export function RecipientsInput({
  value,
  parsed,
  onChange,
}: {
  value: string;
  parsed: Parsed;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('reply.to')}
      description={t('reply.addresses')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={parsed.bad.length > 0 ? t('workflow.badAddresses', { list: parsed.bad.join(', ') }) : undefined}
      required
    />
  );
}
