import { useEffect } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, Spinner, Text, Title2, Title3, tokens } from '@fluentui/react-components';
import type { Plan } from '../../shared/backup/plan';
import { usePlanStore } from '../stores/plan-store';
import { AzureStep } from './backup/AzureStep';
import { ConfirmStep } from './backup/ConfirmStep';
import { EncryptionStep } from './backup/EncryptionStep';
import { InitialBackupStep } from './backup/InitialBackupStep';
import { ItemsStep } from './backup/ItemsStep';
import { OfflineStep } from './backup/OfflineStep';
import { ScheduleStep } from './backup/ScheduleStep';
import { currentStep, stepApplies, WIZARD_STEPS } from './backup/wizard-steps';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  layout: { display: 'grid', gridTemplateColumns: '220px 1fr', gap: '32px', alignItems: 'start' },
  steps: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: '2px' },
  stepItem: { minHeight: '32px', display: 'flex', alignItems: 'center', paddingLeft: '12px' },
  current: { borderLeft: `3px solid ${tokens.colorBrandStroke1}`, paddingLeft: '9px', fontWeight: tokens.fontWeightSemibold },
  later: { color: tokens.colorNeutralForeground3 },
  skipped: { color: tokens.colorNeutralForegroundDisabled, textDecorationLine: 'line-through' },
  stepButton: { justifyContent: 'flex-start', paddingLeft: '0' },
  body: { display: 'flex', flexDirection: 'column', gap: '16px', minWidth: 0 },
  heading: { margin: 0 },
});

/** The backup wizard: MARS's Schedule Backup steps plus the own-disk offline transfer, saved at every step. */
export function BackupPage() {
  const styles = useStyles();
  const { plan, error, load } = usePlanStore();

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className={styles.page} aria-labelledby="backup-title">
      <Title2 as="h1" id="backup-title" className={styles.title}>
        Backup
      </Title2>
      {!plan && !error && <Spinner label="Loading the backup plan…" />}
      {!plan && error && (
        <MessageBar intent="error">
          <MessageBarBody>{error.message}</MessageBarBody>
        </MessageBar>
      )}
      {plan && <Wizard plan={plan} />}
    </section>
  );
}

function Wizard({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const saving = usePlanStore((s) => s.saving);
  const step = currentStep(plan);
  const title = WIZARD_STEPS[step - 1]!.title;
  return (
    <div className={styles.layout}>
      <nav aria-label="Wizard steps">
        <ol className={styles.steps}>
          {WIZARD_STEPS.map((s) => {
            const applies = stepApplies(s.step, plan);
            const label = `${s.step}. ${s.title}`;
            if (s.step === step) {
              return (
                <li key={s.step} className={`${styles.stepItem} ${styles.current}`} aria-current="step">
                  {label}
                </li>
              );
            }
            // Earlier steps can be revisited; later ones are reached with Next, so each is checked on the way.
            if (s.step < step && applies) {
              return (
                <li key={s.step} className={styles.stepItem}>
                  <Button className={styles.stepButton} appearance="transparent" disabled={saving} onClick={() => void goTo(s.step)}>
                    {label}
                  </Button>
                </li>
              );
            }
            return (
              <li key={s.step} className={`${styles.stepItem} ${applies ? styles.later : styles.skipped}`}>
                {label}
              </li>
            );
          })}
        </ol>
      </nav>
      <div className={styles.body}>
        <Text size={200}>
          Step {step} of {WIZARD_STEPS.length}
        </Text>
        <Title3 as="h2" className={styles.heading}>
          {title}
        </Title3>
        {/* Keyed by step: a step's fields start from the saved plan each time it is shown. */}
        <StepBody key={step} step={step} plan={plan} />
      </div>
    </div>
  );
}

function StepBody({ step, plan }: { step: number; plan: Plan }) {
  switch (step) {
    case 1:
      return <ItemsStep plan={plan} />;
    case 2:
      return <ScheduleStep plan={plan} />;
    case 3:
      return <EncryptionStep plan={plan} />;
    case 4:
      return <InitialBackupStep plan={plan} />;
    case 5:
      return <OfflineStep plan={plan} />;
    case 6:
      return plan.offline ? <AzureStep plan={{ ...plan, offline: plan.offline }} /> : <MissingOffline />;
    default:
      return <ConfirmStep plan={plan} />;
  }
}

function MissingOffline() {
  const goTo = usePlanStore((s) => s.goTo);
  return (
    <MessageBar intent="warning">
      <MessageBarBody>
        The offline details aren’t filled in yet. <Button appearance="transparent" onClick={() => void goTo(5)}>Go to Offline details</Button>
      </MessageBarBody>
    </MessageBar>
  );
}
