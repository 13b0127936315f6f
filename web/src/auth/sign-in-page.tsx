import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.js';
import { LanguageSwitch } from '../app/language-switch.js';
import { useSignIn } from './use-me.js';

export function SignInPage() {
  const { t } = useTranslation();
  const signIn = useSignIn();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ login: login.trim(), password });
  };
  const error = signIn.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? t('signIn.rateLimited')
      : error instanceof ApiError && error.status === 401
        ? t('signIn.failed')
        : error
          ? t('app.error', { message: error.message })
          : null;

  return (
    <Center component="main" mih="100vh" p="md" bg="gray.0">
      <Paper component="form" onSubmit={submit} withBorder shadow="sm" p="xl" radius="md" w="100%" maw={380}>
        <Stack>
          <Title order={1} size="h3">
            {t('signIn.title')}
          </Title>
          {message && (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          )}
          <TextInput
            label={t('signIn.login')}
            value={login}
            onChange={(e) => setLogin(e.currentTarget.value)}
            autoComplete="username"
            required
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label={t('signIn.password')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="current-password"
            required
          />
          <Button type="submit" loading={signIn.isPending}>
            {t('signIn.submit')}
          </Button>
          <LanguageSwitch />
        </Stack>
      </Paper>
    </Center>
  );
}
