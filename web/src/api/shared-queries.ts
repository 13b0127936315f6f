import { useQuery } from '@tanstack/react-query';
import { api } from './api-client.js';
import type { Account, Contact, Engineer } from './api-types.js';

export function useEngineers() {
  return useQuery({
    queryKey: ['engineers'],
    queryFn: () => api<Engineer[]>('/engineers'),
    staleTime: 60_000,
  });
}

export function useAccounts() {
  return useQuery({ queryKey: ['accounts'], queryFn: () => api<Account[]>('/accounts'), staleTime: 60_000 });
}

export function useContacts(account: string | null) {
  return useQuery({
    queryKey: ['contacts', account],
    queryFn: () => api<Contact[]>(`/contacts${account ? `?account=${encodeURIComponent(account)}` : ''}`),
  });
}
