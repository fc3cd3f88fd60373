import { create } from 'zustand';

export type PageId = 'backup' | 'restore' | 'drives' | 'diskprep' | 'jobs' | 'vault' | 'azure' | 'settings';
const PAGE_IDS: readonly PageId[] = ['backup', 'restore', 'drives', 'diskprep', 'jobs', 'vault', 'azure', 'settings'];

/** Which page is showing; kept in the address hash so a reload stays on the same page. */
export const useNavigationStore = create<{ page: PageId; go: (page: PageId) => void }>((set) => ({
  page: PAGE_IDS.find((id) => location.hash === `#${id}`) ?? 'backup',
  go: (page) => {
    history.replaceState(null, '', `#${page}`);
    set({ page });
  },
}));
