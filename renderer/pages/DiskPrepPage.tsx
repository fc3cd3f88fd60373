import { useEffect } from 'react';
import { makeStyles, Text, Title2, Title3, tokens } from '@fluentui/react-components';
import { DISKPREP_STEPS, useDiskPrepStore, type DiskPrepStep } from '../stores/diskprep-store';
import { useTaskStore } from '../stores/task-store';
import { AnotherDriveStep } from './diskprep/AnotherDriveStep';
import { ConfirmStep } from './diskprep/ConfirmStep';
import { DrivesStep } from './diskprep/DrivesStep';
import { JobStep } from './diskprep/JobStep';
import { PrepareStep } from './diskprep/PrepareStep';
import { ShippingStep } from './diskprep/ShippingStep';
import { ShipStep } from './diskprep/ShipStep';
import { SignInStep } from './diskprep/SignInStep';
import { StagingStep } from './diskprep/StagingStep';
import { SummaryStep } from './diskprep/SummaryStep';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '80ch' },
  layout: { display: 'grid', gridTemplateColumns: '220px 1fr', gap: '32px', alignItems: 'start' },
  steps: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: '2px' },
  stepItem: { minHeight: '32px', display: 'flex', alignItems: 'center', paddingLeft: '12px' },
  current: { borderLeft: `3px solid ${tokens.colorBrandStroke1}`, paddingLeft: '9px', fontWeight: tokens.fontWeightSemibold },
  done: { color: tokens.colorNeutralForeground2 },
  later: { color: tokens.colorNeutralForeground3 },
  body: { display: 'flex', flexDirection: 'column', gap: '16px', minWidth: 0 },
  heading: { margin: 0 },
});

/**
 * Disk prep: from the staging location to BitLocker-encrypted, verified drives and a created import
 * job (the flow of Azure Backup's AzureOfflineBackupDiskPrep, on screen).
 */
export function DiskPrepPage() {
  const styles = useStyles();
  const step = useDiskPrepStore((s) => s.step);
  const loadTasks = useTaskStore((s) => s.load);
  useEffect(() => {
    void loadTasks();
  }, [loadTasks]);
  const index = DISKPREP_STEPS.findIndex((s) => s.id === step);
  return (
    <section className={styles.page} aria-labelledby="diskprep-title">
      <Title2 as="h1" id="diskprep-title" className={styles.title}>
        Disk prep
      </Title2>
      <Text className={styles.intro}>
        Copy the staging data to BitLocker-encrypted drives that the Azure Import/Export service accepts, then create the import job and ship the drives.
      </Text>
      <div className={styles.layout}>
        <nav aria-label="Disk prep steps">
          <ol className={styles.steps}>
            {DISKPREP_STEPS.map((s, i) => (
              <li
                key={s.id}
                className={`${styles.stepItem} ${i === index ? styles.current : i < index ? styles.done : styles.later}`}
                aria-current={i === index ? 'step' : undefined}
              >
                {i + 1}. {s.title}
              </li>
            ))}
          </ol>
        </nav>
        <div className={styles.body}>
          <Text size={200}>
            Step {index + 1} of {DISKPREP_STEPS.length}
          </Text>
          <Title3 as="h2" className={styles.heading}>
            {DISKPREP_STEPS[index]?.title}
          </Title3>
          <StepBody step={step} />
        </div>
      </div>
    </section>
  );
}

function StepBody({ step }: { step: DiskPrepStep }) {
  switch (step) {
    case 'staging':
      return <StagingStep />;
    case 'job':
      return <JobStep />;
    case 'drives':
      return <DrivesStep round={1} />;
    case 'confirm':
      return <ConfirmStep />;
    case 'signin':
      return <SignInStep />;
    case 'prepare':
      return <PrepareStep />;
    case 'another':
      return <AnotherDriveStep />;
    case 'summary':
      return <SummaryStep />;
    case 'shipping':
      return <ShippingStep />;
    case 'created':
      return <ShipStep />;
  }
}
