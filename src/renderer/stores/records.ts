/** The supervisors' records panel (legal holds, dissemination log): whether it is open. */
import { create } from 'zustand';

export interface RecordsState {
  open: boolean;
  setOpen(open: boolean): void;
}

export const useRecordsStore = create<RecordsState>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

export function resetRecordsStore(): void {
  useRecordsStore.setState({ open: false });
}
