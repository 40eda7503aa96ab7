/** The administrator's screen: whether it is open and which tab shows. */
import { create } from 'zustand';

export type AdminTab = 'users' | 'settings' | 'audit';

export interface AdminState {
  open: boolean;
  tab: AdminTab;
  setOpen(open: boolean): void;
  setTab(tab: AdminTab): void;
}

const initial = { open: false, tab: 'users' as AdminTab };

export const useAdminStore = create<AdminState>()((set) => ({
  ...initial,
  setOpen: (open) => set({ open }),
  setTab: (tab) => set({ tab }),
}));

export function resetAdminStore(): void {
  useAdminStore.setState(initial);
}
