import { Button, FluentProvider, makeStyles, Text, tokens, webLightTheme } from '@fluentui/react-components';
import { ArrowCounterclockwise20Regular, BoxArrowUp20Regular, BoxMultiple20Regular, CloudArrowUp20Regular, Cloud20Regular, HardDrive20Regular, Settings20Regular, Vault20Regular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { AzurePage } from './pages/AzurePage';
import { BackupPage } from './pages/BackupPage';
import { DiskPrepPage } from './pages/DiskPrepPage';
import { DrivesPage } from './pages/DrivesPage';
import { JobsPage } from './pages/JobsPage';
import { JobNotifications } from './pages/jobs/JobNotifications';
import { RestorePage } from './pages/RestorePage';
import { SettingsPage } from './pages/SettingsPage';
import { VaultPage } from './pages/VaultPage';
import { useNavigationStore, type PageId } from './stores/navigation-store';

const useStyles = makeStyles({
  shell: { display: 'grid', gridTemplateColumns: '220px 1fr', gridTemplateRows: '48px 1fr', height: '100vh' },
  header: {
    gridColumn: '1 / span 2',
    display: 'flex',
    alignItems: 'center',
    padding: '0 16px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  nav: {
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
    padding: '12px 8px',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  navButton: { justifyContent: 'flex-start' },
  main: { overflow: 'auto', padding: '24px 32px', display: 'flex', flexDirection: 'column', gap: '16px' },
});

const PAGES: { id: PageId; label: string; icon: ReactElement; render: () => ReactElement }[] = [
  { id: 'backup', label: 'Backup', icon: <CloudArrowUp20Regular />, render: () => <BackupPage /> },
  { id: 'restore', label: 'Restore', icon: <ArrowCounterclockwise20Regular />, render: () => <RestorePage /> },
  { id: 'drives', label: 'Drives', icon: <HardDrive20Regular />, render: () => <DrivesPage /> },
  { id: 'diskprep', label: 'Disk prep', icon: <BoxArrowUp20Regular />, render: () => <DiskPrepPage /> },
  { id: 'jobs', label: 'Jobs', icon: <BoxMultiple20Regular />, render: () => <JobsPage /> },
  { id: 'vault', label: 'Vault', icon: <Vault20Regular />, render: () => <VaultPage /> },
  { id: 'azure', label: 'Azure', icon: <Cloud20Regular />, render: () => <AzurePage /> },
  { id: 'settings', label: 'Settings', icon: <Settings20Regular />, render: () => <SettingsPage /> },
];

export function App() {
  const styles = useStyles();
  const { page, go } = useNavigationStore();
  const current = PAGES.find((p) => p.id === page) ?? PAGES[0]!;
  return (
    <FluentProvider theme={webLightTheme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <Text size={500} weight="semibold">
            Seedship
          </Text>
        </header>
        <nav className={styles.nav} aria-label="Main">
          {PAGES.map((p) => (
            <Button
              key={p.id}
              className={styles.navButton}
              appearance={p.id === current.id ? 'primary' : 'subtle'}
              icon={p.icon}
              aria-current={p.id === current.id ? 'page' : undefined}
              onClick={() => go(p.id)}
            >
              {p.label}
            </Button>
          ))}
        </nav>
        <main className={styles.main}>
          <ConnectionBanner />
          <JobNotifications />
          {current.render()}
        </main>
      </div>
    </FluentProvider>
  );
}
