import { useEffect, useState } from 'react';
import {
  Breadcrumb,
  BreadcrumbButton,
  BreadcrumbDivider,
  BreadcrumbItem,
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { ArrowCounterclockwise20Regular, Document20Regular, Folder20Regular } from '@fluentui/react-icons';
import type { SnapshotEntry, SnapshotSummary } from '../../shared/api/contract';
import { stagingLocationProblem } from '../../shared/azure/naming-rules';
import { formatBytes } from '../../shared/drives/format-bytes';
import { isFinished } from '../../shared/tasks/task-record';
import { api } from '../api';
import { TaskProgress } from '../components/TaskProgress';
import { errorField, errorText } from '../stores/error-text';
import { usePlanStore } from '../stores/plan-store';
import { useTaskStore } from '../stores/task-store';
import { fullPathProblem } from './backup/field-rules';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '960px' },
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '640px' },
  section: { margin: 0 },
  name: { display: 'flex', gap: '6px', alignItems: 'center' },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

type Scope = 'all' | 'selected';

/** What the size column says for entries whose size is not their contents. */
const ENTRY_SIZE: Partial<Record<SnapshotEntry['type'], string>> = { symlink: 'symbolic link', special: 'special file (no contents)' };

/** The folder above `folder` in a snapshot ('' is the top, where each source has its own folder). */
function parentOf(folder: string): string {
  const cut = folder.lastIndexOf('/');
  return cut < 0 ? '' : folder.slice(0, cut);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/**
 * Restore from a staging location: open it with the passphrase (or the one saved with the plan),
 * pick a snapshot, restore all of it or chosen files and folders to a target folder.
 */
export function RestorePage() {
  const styles = useStyles();
  const { plan, load: loadPlan } = usePlanStore();
  const track = useTaskStore((s) => s.track);
  const [staging, setStaging] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [snapshots, setSnapshots] = useState<SnapshotSummary[] | null>(null);
  const [snapshotId, setSnapshotId] = useState<string | null>(null);
  const [folder, setFolder] = useState('');
  const [entries, setEntries] = useState<SnapshotEntry[] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [scope, setScope] = useState<Scope>('all');
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [taskId, setTaskId] = useState<string | null>(null);
  const task = useTaskStore((s) => (taskId ? s.tasks[taskId] : undefined));

  useEffect(() => {
    void loadPlan();
  }, [loadPlan]);
  // Start from the wizard's Staging Location, once it is known.
  const planned = plan?.offline?.stagingPath ?? '';
  useEffect(() => {
    if (planned) setStaging((current) => current || planned);
  }, [planned]);

  const stagingProblem = staging === '' ? null : stagingLocationProblem(staging);
  const targetProblem = target === '' ? null : fullPathProblem(target, 'folder to restore to', '/srv/restored or D:\\Restored');
  const access = () => (passphrase === '' ? { stagingPath: staging } : { stagingPath: staging, passphrase });
  const fail = (error: unknown) => setErrors({ [errorField(error) ?? 'form']: errorText(error) });

  const listSnapshots = async () => {
    setBusy('Opening the staging location…');
    setErrors({});
    setSnapshots(null);
    setSnapshotId(null);
    setEntries(null);
    try {
      const list = await api.backup.snapshots(access());
      setSnapshots(list);
      const newest = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
      if (newest) await choose(newest.id);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const browse = async (id: string, to: string) => {
    try {
      setEntries(await api.backup.browse({ ...access(), snapshotId: id, folder: to }));
      setFolder(to);
    } catch (error) {
      fail(error);
    }
  };
  const choose = async (id: string) => {
    setSnapshotId(id);
    setSelected([]);
    await browse(id, '');
  };

  const restore = async () => {
    if (!snapshotId) return;
    setErrors({});
    setBusy('Starting the restore…');
    try {
      const started = await api.backup.restore({ ...access(), snapshotId, to: target, ...(scope === 'selected' ? { paths: selected } : {}) });
      track(started);
      setTaskId(started.id);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const running = task !== undefined && !isFinished(task.status);
  const canRestore =
    snapshotId !== null && target !== '' && targetProblem === null && (scope === 'all' || selected.length > 0) && busy === null && !running;
  const crumbs = folder === '' ? [] : folder.split('/');

  return (
    <section className={styles.page} aria-labelledby="restore-title">
      <Title2 as="h1" id="restore-title" className={styles.title}>
        Restore
      </Title2>
      <Text>Restore files from a staging location: the one Back Up Now wrote, or a copy of it.</Text>
      <div className={styles.form}>
        <Field
          label="Staging location to restore from"
          validationMessage={stagingProblem ?? errors.stagingPath}
          validationState={stagingProblem || errors.stagingPath ? 'error' : 'none'}
        >
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
        <div>
          <Button disabled={staging === '' || stagingProblem !== null || busy !== null} onClick={() => void listSnapshots()}>
            List snapshots
          </Button>
        </div>
      </div>
      {busy && <Spinner size="tiny" label={busy} />}
      {errors.form && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t read the backup</MessageBarTitle>
            {errors.form}
          </MessageBarBody>
        </MessageBar>
      )}
      {snapshots && snapshots.length === 0 && <Text>This staging location holds no snapshots yet.</Text>}
      {snapshots && snapshots.length > 0 && (
        <>
          <Title3 as="h2" className={styles.section}>
            Snapshots
          </Title3>
          <RadioGroup aria-label="Snapshot" value={snapshotId ?? ''} onChange={(_e, d) => void choose(d.value)}>
            {snapshots.map((s) => (
              <Radio
                key={s.id}
                value={s.id}
                label={`${new Date(s.createdAt).toLocaleString()}: ${s.files.toLocaleString()} files, ${formatBytes(s.bytes)} from ${s.sources.join(', ')}${s.jobName ? ` (job ${s.jobName})` : ''}`}
              />
            ))}
          </RadioGroup>
        </>
      )}
      {snapshotId && entries && (
        <>
          <Title3 as="h2" className={styles.section}>
            What to restore
          </Title3>
          <RadioGroup aria-label="What to restore" value={scope} onChange={(_e, d) => setScope(d.value as Scope)}>
            <Radio value="all" label="The whole snapshot" />
            <Radio value="selected" label="Only the files and folders I select" />
          </RadioGroup>
          <Breadcrumb aria-label="Folder in the snapshot">
            <BreadcrumbItem>
              <BreadcrumbButton onClick={() => void browse(snapshotId, '')}>Snapshot</BreadcrumbButton>
            </BreadcrumbItem>
            {crumbs.map((part, i) => (
              <span key={i} style={{ display: 'contents' }}>
                <BreadcrumbDivider />
                <BreadcrumbItem>
                  <BreadcrumbButton current={i === crumbs.length - 1} onClick={() => void browse(snapshotId, crumbs.slice(0, i + 1).join('/'))}>
                    {part}
                  </BreadcrumbButton>
                </BreadcrumbItem>
              </span>
            ))}
          </Breadcrumb>
          <Table aria-label="Snapshot contents" size="small">
            <TableHeader>
              <TableRow>
                {scope === 'selected' && <TableHeaderCell style={{ width: '48px' }}>Select</TableHeaderCell>}
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Size</TableHeaderCell>
                <TableHeaderCell>Modified</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {folder !== '' && (
                <TableRow>
                  {scope === 'selected' && <TableCell />}
                  <TableCell>
                    <Button appearance="transparent" size="small" onClick={() => void browse(snapshotId, parentOf(folder))}>
                      .. (up one folder)
                    </Button>
                  </TableCell>
                  <TableCell />
                  <TableCell />
                </TableRow>
              )}
              {entries.map((entry) => (
                <TableRow key={entry.path} data-path={entry.path}>
                  {scope === 'selected' && (
                    <TableCell>
                      <Checkbox
                        aria-label={`Select ${entry.path}`}
                        checked={selected.includes(entry.path)}
                        onChange={(_e, d) => setSelected(d.checked ? [...selected, entry.path] : selected.filter((p) => p !== entry.path))}
                      />
                    </TableCell>
                  )}
                  <TableCell>
                    <span className={styles.name}>
                      {entry.type === 'dir' ? <Folder20Regular /> : <Document20Regular />}
                      {entry.type === 'dir' ? (
                        <Button appearance="transparent" size="small" onClick={() => void browse(snapshotId, entry.path)}>
                          {nameOf(entry.path)}
                        </Button>
                      ) : (
                        <Text className={styles.mono}>{nameOf(entry.path)}</Text>
                      )}
                    </span>
                  </TableCell>
                  <TableCell>{entry.type === 'dir' ? '' : ENTRY_SIZE[entry.type] ?? formatBytes(entry.size)}</TableCell>
                  <TableCell>{new Date(entry.mtime).toLocaleString()}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {entries.length === 0 && <Text>This folder is empty.</Text>}
          {scope === 'selected' && <Text>{selected.length === 0 ? 'Nothing selected yet.' : `Selected: ${selected.join(', ')}`}</Text>}
          <div className={styles.form}>
            <Field
              label="Restore to"
              hint="A folder on this computer; existing files there are not overwritten."
              validationMessage={targetProblem ?? errors.to}
              validationState={targetProblem || errors.to ? 'error' : 'none'}
            >
              <Input value={target} placeholder="/srv/restored" onChange={(_e, d) => setTarget(d.value)} />
            </Field>
            <div>
              <Button appearance="primary" icon={<ArrowCounterclockwise20Regular />} disabled={!canRestore} onClick={() => void restore()}>
                Start restore
              </Button>
            </div>
          </div>
        </>
      )}
      {taskId && <TaskProgress taskId={taskId} />}
    </section>
  );
}
