import {
  Badge,
  Button,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Text,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { Dismiss20Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../shared/drives/format-bytes';
import { isFinished, type TaskRecord, type TaskStatus } from '../../shared/tasks/task-record';
import { useTaskStore } from '../stores/task-store';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', gap: '12px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
  file: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  list: { margin: 0, paddingLeft: '20px' },
  warningPath: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

const STATUS_WORDS: Record<TaskStatus, { text: string; color: 'informative' | 'brand' | 'warning' | 'success' | 'danger' | 'subtle' }> = {
  queued: { text: 'Waiting to start', color: 'informative' },
  running: { text: 'Running', color: 'brand' },
  cancelling: { text: 'Cancelling…', color: 'warning' },
  cancelled: { text: 'Cancelled', color: 'subtle' },
  succeeded: { text: 'Finished', color: 'success' },
  failed: { text: 'Failed', color: 'danger' },
};

const FAILED_TITLE: Record<TaskRecord['kind'], string> = {
  backup: 'The backup failed',
  restore: 'The restore failed',
  diskprep: 'Preparing the drive failed',
  vault: 'The vault task failed',
};

/** "1 h 4 min", "3 min 20 s", "12 s": the time left as people say it. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

function ofTotal(done: string, total: string | null): string {
  return total === null ? `${done} (still counting)` : `${done} of ${total}`;
}

/**
 * One long task (backup or restore) as its `task.changed` events describe it: counters while it
 * runs, with Cancel; the summary and every warning (path and reason) once it ends.
 */
export function TaskProgress({ taskId }: { taskId: string }) {
  const styles = useStyles();
  const task = useTaskStore((s) => s.tasks[taskId]);
  const cancel = useTaskStore((s) => s.cancel);
  const storeError = useTaskStore((s) => s.error);
  if (!task) return null;
  const { counters } = task;
  const finished = isFinished(task.status);
  const fraction = counters.bytesTotal ? Math.min(1, counters.bytesDone / counters.bytesTotal) : undefined;
  const status = STATUS_WORDS[task.status];
  return (
    <Card className={styles.card} aria-label={task.title} data-testid="task-progress" data-status={task.status}>
      <CardHeader header={<Title3 as="h2">{task.title}</Title3>} action={<Badge color={status.color}>{status.text}</Badge>} />
      {!finished && <ProgressBar value={task.status === 'queued' ? undefined : fraction} thickness="large" aria-label="Progress" />}
      <div className={styles.facts}>
        <Text weight="semibold">Files</Text>
        <Text data-testid="task-files">{ofTotal(counters.filesDone.toLocaleString(), counters.filesTotal === null ? null : counters.filesTotal.toLocaleString())}</Text>
        <Text weight="semibold">Data</Text>
        <Text data-testid="task-bytes">{ofTotal(formatBytes(counters.bytesDone), counters.bytesTotal === null ? null : formatBytes(counters.bytesTotal))}</Text>
        {task.kind === 'backup' && (
          <>
            <Text weight="semibold">Written</Text>
            <Text>{formatBytes(counters.bytesWritten)} after deduplication and compression</Text>
          </>
        )}
        {!finished && (
          <>
            <Text weight="semibold">Rate</Text>
            <Text>{formatBytes(counters.rate)}/s</Text>
            <Text weight="semibold">Time left</Text>
            <Text>{counters.etaSeconds === null ? 'estimating…' : formatDuration(counters.etaSeconds)}</Text>
            <Text weight="semibold">Current file</Text>
            <Text className={styles.file}>{task.currentFile ?? '—'}</Text>
          </>
        )}
      </div>
      {!finished && (
        <div>
          <Button icon={<Dismiss20Regular />} disabled={task.status === 'cancelling'} onClick={() => void cancel(task.id)}>
            Cancel
          </Button>
        </div>
      )}
      {storeError && (
        <MessageBar intent="error">
          <MessageBarBody>{storeError}</MessageBarBody>
        </MessageBar>
      )}
      {task.error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>{FAILED_TITLE[task.kind]}</MessageBarTitle>
            {task.error}
          </MessageBarBody>
        </MessageBar>
      )}
      {finished && task.summary.length > 0 && (
        <section aria-label="Summary" data-testid="task-summary">
          {task.summary.map((line) => (
            <Text key={line} block>
              {line}
            </Text>
          ))}
        </section>
      )}
      {task.warningCount > 0 && <TaskWarnings task={task} />}
    </Card>
  );
}

function TaskWarnings({ task }: { task: TaskRecord }) {
  const styles = useStyles();
  const hidden = task.warningCount - task.warnings.length;
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>
          {task.warningCount === 1 ? '1 warning' : `${task.warningCount.toLocaleString()} warnings`}
        </MessageBarTitle>
        <ul className={styles.list} aria-label="Warnings">
          {task.warnings.map((w, i) => (
            <li key={`${i}:${w.path}`}>
              <Text className={styles.warningPath}>{w.path}</Text>: <Text>{w.reason}</Text>
            </li>
          ))}
        </ul>
        {hidden > 0 && <Text>…and {hidden.toLocaleString()} more, listed in the log.</Text>}
      </MessageBarBody>
    </MessageBar>
  );
}
