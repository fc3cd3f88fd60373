import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  Textarea,
  Title2,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, CloudArrowUp20Regular, Delete20Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../shared/drives/format-bytes';
import { isFinished } from '../../shared/tasks/task-record';
import { describeLastRun, describeNextRun } from '../../shared/schedule/schedule-api';
import type { VaultSnapshot, VaultTarget } from '../../shared/vault/vault-api';
import { api } from '../api';
import { SignInPanel } from '../components/SignInPanel';
import { TaskProgress } from '../components/TaskProgress';
import { useCloudStore } from '../stores/cloud-store';
import { errorField, errorText } from '../stores/error-text';
import { usePlanStore } from '../stores/plan-store';
import { latestTask, useTaskStore } from '../stores/task-store';
import { useScheduleStore } from '../stores/schedule-store';
import { useVaultStore } from '../stores/vault-store';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '640px' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  section: { margin: 0 },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: '16px', rowGap: '4px', margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

const local = (iso: string) => new Date(iso).toLocaleString();

/**
 * The vault after the import job: its seed (copied server-side from the import container and
 * verified once the job is Completed), Run now (incremental backups: only new data goes over the
 * network), restore from the vault, and clean-up of the import container and staging.
 */
export function VaultPage() {
  const styles = useStyles();
  const { plan, load: loadPlan } = usePlanStore();
  const { status: cloud, load: loadCloud } = useCloudStore();
  const signedIn = !!cloud?.account;
  const { status, loading, error, load, setTarget } = useVaultStore();
  const { status: schedule, load: loadSchedule } = useScheduleStore();
  const tasks = useTaskStore((s) => s.tasks);
  const track = useTaskStore((s) => s.track);
  const [jobName, setJobName] = useState('');
  const [staging, setStaging] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [snapshots, setSnapshots] = useState<VaultSnapshot[] | null>(null);
  const [snapshotId, setSnapshotId] = useState('');
  const [restoreTo, setRestoreTo] = useState('');
  const [paths, setPaths] = useState('');
  const [confirm, setConfirm] = useState('');
  const task = latestTask(tasks, 'vault');
  const running = task !== null && !isFinished(task.status);

  useEffect(() => {
    void loadPlan();
  }, [loadPlan]);
  useEffect(() => {
    void loadSchedule();
  }, [loadSchedule]);
  useEffect(() => {
    if (!cloud) void loadCloud();
  }, [cloud, loadCloud]);
  useEffect(() => {
    setJobName((current) => current || plan?.offline?.jobName || '');
    setStaging((current) => current || plan?.offline?.stagingPath || '');
  }, [plan?.offline?.jobName, plan?.offline?.stagingPath]);

  const target = (): VaultTarget => ({
    ...(jobName ? { jobName } : {}),
    ...(staging ? { stagingPath: staging } : {}),
    ...(passphrase ? { passphrase } : {}),
  });
  const fail = (e: unknown) => setErrors({ [errorField(e) ?? 'form']: errorText(e) });
  const check = async () => {
    setErrors({});
    setTarget({ ...(jobName ? { jobName } : {}), ...(staging ? { stagingPath: staging } : {}) });
    await load();
  };
  const act = async (label: string, call: () => Promise<void>) => {
    setErrors({});
    setBusy(label);
    try {
      await call();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };
  const runNow = () =>
    act('Starting…', async () => {
      track(await api.vault.backup(target()));
    });
  const listSnapshots = () =>
    act('Reading the vault’s snapshots…', async () => {
      const list = await api.vault.snapshots(target());
      setSnapshots(list);
      setSnapshotId(list[0]?.id ?? '');
    });
  const restore = () =>
    act('Starting the restore…', async () => {
      const chosen = paths
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
      track(await api.vault.restore({ ...target(), to: restoreTo, ...(snapshotId ? { snapshotId } : {}), ...(chosen.length ? { paths: chosen } : {}) }));
    });
  const cleanUp = () =>
    act('Starting the clean-up…', async () => {
      track(await api.vault.cleanup({ ...(jobName ? { jobName } : {}), confirm }));
      setConfirm('');
    });

  const seed = status?.seed ?? null;
  const upload = seed?.lastUpload ?? null;
  return (
    <section className={styles.page} aria-labelledby="vault-title">
      <Title2 as="h1" id="vault-title" className={styles.title}>
        Vault
      </Title2>
      <Text>
        When the import job is Completed, Run now copies the seed from the job’s storage container into the vault (a server-side copy) and verifies it. Later backups send only new data over
        the network. Once the seed is verified you may delete the import container’s data and staging.
      </Text>
      {!signedIn && (
        <>
          <Text>Sign in to Azure to see the import job and the vault.</Text>
          <SignInPanel />
        </>
      )}
      <div className={styles.form}>
        <Field label="Import job name" validationMessage={errors.jobName} validationState={errors.jobName ? 'error' : 'none'}>
          <Input value={jobName} onChange={(_e, d) => setJobName(d.value)} />
        </Field>
        <Field label="Staging location" hint="Needed only until the vault is seeded." validationMessage={errors.stagingPath} validationState={errors.stagingPath ? 'error' : 'none'}>
          <Input value={staging} placeholder="/srv/seedship-staging" onChange={(_e, d) => setStaging(d.value)} />
        </Field>
        <Field
          label="Encryption passphrase"
          hint="Leave empty to use the passphrase saved with this app’s backup plan."
          validationMessage={errors.passphrase}
          validationState={errors.passphrase ? 'error' : 'none'}
        >
          <Input type="password" value={passphrase} onChange={(_e, d) => setPassphrase(d.value)} />
        </Field>
        <div className={styles.row}>
          <Button icon={<ArrowClockwise20Regular />} disabled={loading} onClick={() => void check()}>
            Check status
          </Button>
          <Button appearance="primary" icon={<CloudArrowUp20Regular />} disabled={!status?.canBackUp || running || busy !== null} onClick={() => void runNow()}>
            Run now
          </Button>
        </div>
      </div>
      {(loading || busy) && <Spinner size="tiny" label={busy ?? 'Checking the import job and the vault…'} />}
      {(error || errors.form) && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>That didn’t work</MessageBarTitle>
            {errors.form ?? error}
          </MessageBarBody>
        </MessageBar>
      )}
      {status && (
        <>
          <Title3 as="h2" className={styles.section}>
            Seed status
          </Title3>
          <dl className={styles.facts} aria-label="Seed status">
            <dt className={styles.term}>Import job</dt>
            <dd>
              {status.jobName ?? '—'} {status.importJobState && <Badge appearance="outline">{status.importJobState}</Badge>}
            </dd>
            <dt className={styles.term}>Vault</dt>
            <dd>{status.vault ? `${status.vault.name} (container ${status.vault.container})` : '—'}</dd>
            <dt className={styles.term}>Seed</dt>
            <dd>
              {seed ? (
                <>
                  <Badge color={seed.state === 'verified' ? 'success' : 'danger'}>{seed.state === 'verified' ? 'Verified' : 'Not verified'}</Badge> {seed.blobs} blobs,{' '}
                  {formatBytes(seed.bytes)}
                  {seed.verifiedAt ? `, verified ${new Date(seed.verifiedAt).toLocaleString()}` : ''}; snapshot <span className={styles.mono}>{seed.snapshotId ?? '—'}</span>
                </>
              ) : (
                'Not seeded yet'
              )}
            </dd>
            <dt className={styles.term}>Staging</dt>
            <dd>{status.stagingPath ? `${status.stagingPath}${status.stagingPresent ? '' : ' (no backup there)'}` : '—'}</dd>
            {seed?.cleanedUpAt && (
              <>
                <dt className={styles.term}>Cleaned up</dt>
                <dd>{new Date(seed.cleanedUpAt).toLocaleString()}</dd>
              </>
            )}
          </dl>
          <MessageBar intent={status.problems.length > 0 ? 'warning' : 'info'}>
            <MessageBarBody>
              <MessageBarTitle>Next</MessageBarTitle>
              {status.next}
            </MessageBarBody>
          </MessageBar>
          {seed && seed.problems.length > 0 && (
            <ul aria-label="Verification problems">
              {seed.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {upload && (
            <Text role="status">
              Last backup to the vault ({new Date(upload.at).toLocaleString()}): {upload.packs} new packs with {upload.chunks} chunks and {upload.otherFiles} snapshot files,{' '}
              {formatBytes(upload.bytes)} over the network.
            </Text>
          )}
        </>
      )}
      {schedule && (
        <>
          <Title3 as="h2" className={styles.section}>
            Schedule
          </Title3>
          <Text>{describeNextRun(schedule, local)}</Text>
          {schedule.completed && (
            <MessageBar intent="success">
              <MessageBarBody>
                <MessageBarTitle>The import job is Completed</MessageBarTitle>
                {schedule.completed.message}
              </MessageBarBody>
            </MessageBar>
          )}
          {schedule.waiting && <Text>{schedule.waiting}</Text>}
          <Text>{schedule.lastRun ? describeLastRun(schedule.lastRun, local) : 'Last scheduled run: none yet.'}</Text>
          {schedule.lastRun?.retention && <Text size={200}>{schedule.lastRun.retention}</Text>}
        </>
      )}
      {task && <TaskProgress taskId={task.id} />}

      {seed?.state === 'verified' && (
        <>
          <Title3 as="h2" className={styles.section}>
            Restore from the vault
          </Title3>
          <div className={styles.form}>
            <div>
              <Button disabled={busy !== null} onClick={() => void listSnapshots()}>
                List the vault’s snapshots
              </Button>
            </div>
            {snapshots && (
              <RadioGroup aria-label="Snapshot in the vault" value={snapshotId} onChange={(_e, d) => setSnapshotId(d.value)}>
                {snapshots.map((s) => (
                  <Radio key={s.id} value={s.id} label={`${new Date(s.createdAt).toLocaleString()}: ${s.files.toLocaleString()} files, ${formatBytes(s.bytes)} from ${s.sources.join(', ')}`} />
                ))}
              </RadioGroup>
            )}
            <Field label="Restore to" validationMessage={errors.to} validationState={errors.to ? 'error' : 'none'}>
              <Input value={restoreTo} placeholder="/srv/restored" onChange={(_e, d) => setRestoreTo(d.value)} />
            </Field>
            <Field label="Only these snapshot paths (one a line; empty: everything)">
              <Textarea value={paths} placeholder="documents/reports" onChange={(_e, d) => setPaths(d.value)} />
            </Field>
            <div>
              <Button disabled={restoreTo === '' || running || busy !== null} onClick={() => void restore()}>
                Restore from the vault
              </Button>
            </div>
          </div>
        </>
      )}

      {status?.canCleanUp && (
        <>
          <Title3 as="h2" className={styles.section}>
            Clean up
          </Title3>
          <Text>
            The vault holds a verified seed. This deletes the seed’s blobs from the import container and the backup in staging ({status.stagingPath ?? 'no staging recorded'}); the rest of
            the staging folder stays. The audit log records it.
          </Text>
          <div className={styles.form}>
            <Field
              label={`Type the import job’s name (${status.jobName ?? ''}) to confirm`}
              validationMessage={errors.confirm}
              validationState={errors.confirm ? 'error' : 'none'}
            >
              <Input value={confirm} onChange={(_e, d) => setConfirm(d.value)} />
            </Field>
            <div>
              <Button icon={<Delete20Regular />} disabled={confirm !== status.jobName || running || busy !== null} onClick={() => void cleanUp()}>
                Delete import data and staging
              </Button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
