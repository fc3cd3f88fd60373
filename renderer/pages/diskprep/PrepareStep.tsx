import { Button, Card, CardHeader, makeStyles, ProgressBar, Text, Title3 } from '@fluentui/react-components';
import { ArrowClockwise20Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../../shared/drives/format-bytes';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import { formatDuration, TaskProgress } from '../../components/TaskProgress';
import { useDiskPrepStore, type DriveRun } from '../../stores/diskprep-store';
import { useTaskStore } from '../../stores/task-store';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '860px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
});

export interface OverallProgress {
  fraction: number;
  bytesDone: number;
  bytesTotal: number;
  rate: number;
  etaSeconds: number | null;
  drivesDone: number;
}

/**
 * The round's progress over all its drives: each drive weighs what the plan puts on it, a drive
 * counts by its task's own fraction, and the time left assumes the current rate for the drives
 * still waiting.
 */
export function overallProgress(runs: DriveRun[], planned: Record<string, number>, tasks: Record<string, TaskRecord>): OverallProgress {
  let bytesTotal = 0;
  let bytesDone = 0;
  let rate = 0;
  let drivesDone = 0;
  for (const run of runs) {
    const weight = planned[run.device] ?? 0;
    bytesTotal += weight;
    const task = run.taskId ? tasks[run.taskId] : undefined;
    if (!task) continue;
    if (task.status === 'succeeded') {
      drivesDone += 1;
      bytesDone += weight;
      continue;
    }
    const { bytesDone: done, bytesTotal: total } = task.counters;
    bytesDone += total ? (Math.min(done, total) / total) * weight : 0;
    if (task.status === 'running') rate = task.counters.rate;
  }
  const fraction = bytesTotal > 0 ? bytesDone / bytesTotal : 0;
  return { fraction, bytesDone, bytesTotal, rate, etaSeconds: rate > 0 ? (bytesTotal - bytesDone) / rate : null, drivesDone };
}

/** Step 6: the drives of this round, prepared one after another, with overall and per-drive progress. */
export function PrepareStep() {
  const styles = useStyles();
  const { runs, plan, retry, error } = useDiskPrepStore();
  const tasks = useTaskStore((s) => s.tasks);
  const planned = Object.fromEntries((plan?.drives ?? []).map((d) => [d.device, d.bytes]));
  const overall = overallProgress(runs, planned, tasks);
  const stopped = runs.some((r) => r.taskId && (tasks[r.taskId]?.status === 'failed' || tasks[r.taskId]?.status === 'cancelled'));
  return (
    <div className={styles.step}>
      <Card aria-label="All drives" data-testid="overall-progress">
        <CardHeader header={<Title3 as="h3">All drives of this round</Title3>} />
        <ProgressBar value={overall.fraction} thickness="large" aria-label="Overall progress" />
        <div className={styles.facts}>
          <Text weight="semibold">Drives</Text>
          <Text data-testid="overall-drives">
            {overall.drivesDone} of {runs.length} prepared
          </Text>
          <Text weight="semibold">Data</Text>
          <Text>
            {formatBytes(overall.bytesDone)} of {formatBytes(overall.bytesTotal)}
          </Text>
          <Text weight="semibold">Rate</Text>
          <Text>{formatBytes(overall.rate)}/s</Text>
          <Text weight="semibold">Time left</Text>
          <Text>{overall.etaSeconds === null ? 'estimating…' : formatDuration(overall.etaSeconds)}</Text>
        </div>
      </Card>
      {runs.map((run) =>
        run.taskId ? (
          <section key={run.device} aria-label={`Drive ${run.device}`} data-device={run.device}>
            <TaskProgress taskId={run.taskId} />
          </section>
        ) : (
          <Text key={run.device} data-device={run.device}>
            {run.device}: waiting for the drive before it.
          </Text>
        ),
      )}
      <StepFooter errorTitle="Couldn’t prepare the drive">
        {(stopped || error) && (
          <Button icon={<ArrowClockwise20Regular />} onClick={() => void retry()}>
            Resume
          </Button>
        )}
      </StepFooter>
    </div>
  );
}
