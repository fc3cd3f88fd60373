import { useEffect, useState } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { CloudArrowUp20Regular } from '@fluentui/react-icons';
import { DEFAULT_RETENTION, DEFAULT_SCHEDULE, type Plan } from '../../../shared/backup/plan';
import { isFinished } from '../../../shared/tasks/task-record';
import { api } from '../../api';
import { TaskProgress } from '../../components/TaskProgress';
import { errorText } from '../../stores/error-text';
import { usePlanStore } from '../../stores/plan-store';
import { latestTask, useTaskStore } from '../../stores/task-store';
import { WizardFooter } from './WizardFooter';
import { previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '860px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 24px' },
  value: { wordBreak: 'break-all' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const INITIAL_WORDS = { network: 'Over the network', 'own-disks': 'Transfer using my own disks', 'data-box': 'Transfer using Azure Data Box' } as const;
const DAY_WORDS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;

/** What the plan says, one line per choice, as MARS's Confirmation page shows it. */
function planLines(plan: Plan): [string, string][] {
  const schedule = plan.schedule ?? DEFAULT_SCHEDULE;
  const retention = plan.retention ?? DEFAULT_RETENTION;
  const lines: [string, string][] = [
    ['Folders', plan.sources.join(', ') || '—'],
    ['Excluded', [...plan.exclusions.patterns, ...plan.exclusions.fileTypes].join(', ') || 'nothing'],
    ['Schedule', `${schedule.days.map((d) => DAY_WORDS[d]).join(', ')} at ${schedule.times.join(', ')}`],
    ['Retention', `${retention.daily} daily, ${retention.weekly} weekly, ${retention.monthly} monthly`],
    ['Encryption', plan.passphraseSet ? `passphrase set${plan.passphraseSavedTo ? `, copy saved to ${plan.passphraseSavedTo}` : ''}` : 'no passphrase yet'],
    ['Initial backup', plan.initialBackup ? INITIAL_WORDS[plan.initialBackup] : '—'],
  ];
  if (plan.initialBackup === 'own-disks' && plan.offline) {
    lines.push(
      ['Staging Location', plan.offline.stagingPath],
      ['Storage account', plan.offline.storageAccount],
      ['Container', plan.offline.container],
      ['Subscription ID', plan.offline.subscriptionId],
      ['Import job name', plan.offline.jobName],
    );
    if (plan.azure) lines.push(['Resource group', `${plan.azure.resourceGroup} (${plan.azure.location})`]);
  }
  return lines;
}

/** Step 7: the confirmation, Back Up Now, and the backup's progress until its summary. */
export function ConfirmStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const { tasks, load, track } = useTaskStore();
  const [taskId, setTaskId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);
  // After a reload the backup may still be running: show the latest one.
  const shown = taskId ? (tasks[taskId] ?? null) : latestTask(tasks, 'backup');
  const running = shown !== null && !isFinished(shown.status);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const task = await api.backup.start({});
      track(task);
      setTaskId(task.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className={styles.step}>
      <section aria-label="Confirmation" className={styles.facts}>
        {planLines(plan).map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <Text weight="semibold">{label}</Text>
            <Text className={styles.value}>{value}</Text>
          </div>
        ))}
      </section>
      {plan.initialBackup === 'network' && (
        <MessageBar intent="info">
          <MessageBarBody>
            <MessageBarTitle>Nothing to do here for a network backup</MessageBarTitle>
            Seedship prepares the initial backup on your own disks. For an initial backup over the network, let the Azure Backup
            agent run its first scheduled backup; or go back to step 4 and choose “Transfer using my own disks”.
          </MessageBarBody>
        </MessageBar>
      )}
      {plan.initialBackup === 'own-disks' && (
        <Text className={styles.muted}>
          Back Up Now writes the full backup, compressed and encrypted, to the Staging Location. Then prepare the disks from it.
        </Text>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>The backup didn’t start</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      {shown && <TaskProgress taskId={shown.id} />}
      <WizardFooter onBack={running ? undefined : () => void goTo(previousStep(7, plan))}>
        <Button appearance="primary" icon={<CloudArrowUp20Regular />} disabled={starting || running || plan.initialBackup !== 'own-disks'} onClick={() => void start()}>
          Back Up Now
        </Button>
      </WizardFooter>
    </div>
  );
}
