import { create } from 'zustand';

export type PageId = 'drives' | 'settings';

/** Which page is showing; kept in the address hash so a reload stays on the same page. */
export const useNavigationStore = create<{ page: PageId; go: (page: PageId) => void }>((set) => ({
  page: location.hash === '#settings' ? 'settings' : 'drives',
  go: (page) => {
    history.replaceState(null, '', `#${page}`);
    set({ page });
  },
}));
