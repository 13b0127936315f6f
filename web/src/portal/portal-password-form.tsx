import { Alert, Button, Group, PasswordInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSetPortalPassword } from './portal-api.js';

/** The signed-in customer sets or changes their portal password (a link sign-in is the reset path). */
export function PortalPasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const save = useSetPortalPassword();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(password, { onSuccess: () => setPassword('') });
  };
  return (
    <form onSubmit={submit} aria-label={hasPassword ? t('portal.password.change') : t('portal.password.set')}>
      <Group align="flex-end" gap="sm">
        <PasswordInput
          label={t('portal.password.label')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
          minLength={10}
          required
          w={{ base: '100%', sm: 320 }}
        />
        <Button type="submit" loading={save.isPending}>
          {t('portal.password.save')}
        </Button>
      </Group>
      {save.isSuccess && (
        <Alert color="teal" role="status" mt="sm">
          {t('portal.password.saved')}
        </Alert>
      )}
      {save.error && (
        <Alert color="red" role="alert" mt="sm">
          {t('app.error', { message: save.error.message })}
        </Alert>
      )}
    </form>
  );
}
