import { Badge, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';

type Access = { contactId: string; canSignIn: boolean; hasPassword: boolean; disabled: boolean };

/** Portal access of every contact of an account (one request for the whole table). */
function usePortalAccess(account: string) {
  return useQuery({
    queryKey: ['portal-access', account],
    queryFn: () => api<Access[]>(`/accounts/${encodeURIComponent(account)}/portal-access`),
  });
}

/**
 * The engineers' controls for one contact on the account page: invite by mail, set a first
 * password, disable or enable portal access.
 */
export function ContactPortalAccess({
  account,
  contact,
}: {
  account: string;
  contact: { id: string; name: string; email: string | null };
}) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const access = usePortalAccess(account).data?.find((a) => a.contactId === contact.id);
  const [notice, setNotice] = useState<string | null>(null);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: ['portal-access', account] });
  const invite = useMutation({
    mutationFn: () =>
      api<{ email: string }>(`/contacts/${contact.id}/portal-invite`, {
        method: 'POST',
        body: { locale: i18n.language === 'zh-CN' ? 'zh-CN' : 'en' },
      }),
    onSuccess: (r) => setNotice(t('portal.admin.invited', { email: r.email })),
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      api<null>(`/contacts/${contact.id}/portal-access`, { method: 'PUT', body: { enabled } }),
    onSuccess: refresh,
  });
  if (!contact.email)
    return (
      <Text size="sm" c="dimmed">
        {t('portal.admin.noEmail')}
      </Text>
    );
  const error = invite.error ?? toggle.error;
  return (
    <Stack gap={4}>
      <Group
        gap={6}
        wrap="wrap"
        role="group"
        aria-label={t('portal.admin.actionsFor', { name: contact.name })}
      >
        {access?.disabled && <Badge color="gray.7">{t('portal.admin.disabled')}</Badge>}
        {access?.hasPassword && !access.disabled && (
          <Badge variant="filled" color="teal.9" tt="none">
            {t('portal.admin.hasPassword')}
          </Badge>
        )}
        {!access?.disabled && (
          <>
            <Button
              size="compact-xs"
              variant="light"
              onClick={() => invite.mutate()}
              loading={invite.isPending}
            >
              {t('portal.admin.invite')}
            </Button>
            <Button size="compact-xs" variant="default" onClick={() => setPasswordOpen(true)}>
              {t('portal.admin.setPassword')}
            </Button>
          </>
        )}
        <Button
          size="compact-xs"
          variant="default"
          c={access?.disabled ? 'indigo.9' : 'red.9'}
          onClick={() => toggle.mutate(Boolean(access?.disabled))}
          loading={toggle.isPending}
        >
          {access?.disabled ? t('portal.admin.enable') : t('portal.admin.disable')}
        </Button>
      </Group>
      {notice && (
        <Text size="xs" role="status">
          {notice}
        </Text>
      )}
      {error && (
        <Text size="xs" c="red.9" role="alert">
          {t('app.error', { message: error.message })}
        </Text>
      )}
      <PasswordDialog
        opened={passwordOpen}
        contact={contact}
        onClose={() => setPasswordOpen(false)}
        onSaved={() => {
          setPasswordOpen(false);
          setNotice(t('portal.admin.passwordSaved', { name: contact.name }));
          void refresh();
        }}
      />
    </Stack>
  );
}

function PasswordDialog(props: {
  opened: boolean;
  contact: { id: string; name: string };
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api<null>(`/contacts/${props.contact.id}/portal-password`, { method: 'PUT', body: { password } }),
    onSuccess: () => {
      setPassword('');
      props.onSaved();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('portal.admin.setPassword')}>
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput
            label={t('portal.admin.passwordLabel', { name: props.contact.name })}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            minLength={10}
            required
            data-autofocus
          />
          {save.error && (
            <Text size="sm" c="red.9" role="alert">
              {t('app.error', { message: save.error.message })}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t('portal.admin.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('portal.admin.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
