import { useEffect } from 'react';
import {
  Checkbox,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { DriveIssueList } from '../../components/DriveIssueList';
import { DriveStatusBadge } from '../../components/DriveStatusBadge';
import { HiddenDrivesNotice } from '../../components/HiddenDrivesNotice';
import { drivesLeft, useDiskPrepStore } from '../../stores/diskprep-store';
import { useSettingsStore } from '../../stores/settings-store';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  top: { verticalAlign: 'top', paddingTop: '8px', paddingBottom: '8px' },
  empty: { padding: '24px', border: `1px dashed ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium },
});

/**
 * Step 3 (and again for each further drive): the drives the service offers for this job. The
 * system and staging disks never appear among them (they're listed under "Not offered" with the
 * reason); a drive the rules refuse stays visible with why, but can't be chosen.
 */
export function DrivesStep({ round }: { round: number }) {
  const styles = useStyles();
  const state = useDiskPrepStore();
  const { drives, selected, plan, loadDrives, toggleDrive, planDrives, goTo } = state;
  const left = drivesLeft(state);
  const updateSettings = useSettingsStore((s) => s.update);
  const savingSettings = useSettingsStore((s) => s.saving);

  useEffect(() => {
    void loadDrives();
  }, [loadDrives]);

  const usable = (status: string) => status === 'ok' || status === 'warning';
  const planned = plan && plan.drives.length === selected.length;
  return (
    <div className={styles.step}>
      <Text>
        {round === 1 ? 'Choose the drives to prepare.' : 'Choose the next drive.'} Each chosen drive is erased, formatted NTFS, filled with staging
        files (never splitting a file) and encrypted with BitLocker. This job can take {left} more drive{left === 1 ? '' : 's'} (at most 10 per import job).
      </Text>
      <Switch
        label="Show rehearsal drives (loop devices)"
        checked={drives?.rehearsalDrives ?? false}
        disabled={!drives || savingSettings}
        onChange={(_e, d) => void updateSettings({ rehearsalDrives: d.checked }).then(() => loadDrives())}
      />
      {!drives && <Spinner label="Looking for drives…" />}
      {drives && drives.drives.length === 0 && (
        <div className={styles.empty}>
          <Text>No drives to offer. Connect an internal SATA drive{drives.rehearsalDrives ? '.' : ', or show rehearsal drives to practise with a loop device.'}</Text>
        </div>
      )}
      {drives && drives.drives.length > 0 && (
        <Table aria-label="Drives for this job">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '220px' }}>Drive</TableHeaderCell>
              <TableHeaderCell style={{ width: '90px' }}>Size</TableHeaderCell>
              <TableHeaderCell style={{ width: '140px' }}>Serial</TableHeaderCell>
              <TableHeaderCell style={{ width: '110px' }}>Status</TableHeaderCell>
              <TableHeaderCell>Why</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {drives.drives.map((drive) => {
              const chosen = selected.includes(drive.device);
              const full = !chosen && selected.length >= left;
              return (
                <TableRow key={drive.device} data-device={drive.device} data-status={drive.status}>
                  <TableCell className={styles.top}>
                    <Checkbox
                      label={<span className={styles.mono}>{drive.device}</span>}
                      aria-label={`Use ${drive.device}`}
                      checked={chosen}
                      disabled={!usable(drive.status) || full}
                      onChange={(_e, d) => toggleDrive(drive.device, d.checked === true)}
                    />
                  </TableCell>
                  <TableCell className={styles.top}>{formatBytes(drive.sizeBytes)}</TableCell>
                  <TableCell className={`${styles.top} ${styles.mono}`}>{drive.serial ?? '—'}</TableCell>
                  <TableCell className={styles.top}>
                    <DriveStatusBadge status={drive.status} />
                  </TableCell>
                  <TableCell className={styles.top}>
                    <DriveIssueList issues={drive.issues} />
                    {full && usable(drive.status) && <Text size={200}>This job can’t take more drives in this round.</Text>}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {drives && <HiddenDrivesNotice hidden={drives.hidden} />}
      {planned && <PlanText />}
      <StepFooter
        onBack={round === 1 ? () => goTo('job') : undefined}
        nextText={planned ? 'Next' : 'Check the drives'}
        nextDisabled={selected.length === 0}
        onNext={() => {
          if (planned) goTo('confirm');
          else void planDrives();
        }}
        errorTitle="These drives can’t be used"
      />
    </div>
  );
}

function PlanText() {
  const plan = useDiskPrepStore((s) => s.plan);
  if (!plan) return null;
  return (
    <section aria-label="Drive plan" data-testid="drive-plan">
      {plan.drives.map((d) => (
        <Text key={d.device} block>
          {d.device}: {d.files.length.toLocaleString()} files, {formatBytes(d.bytes)} of {formatBytes(d.usableBytes)} usable.
        </Text>
      ))}
      {plan.tooLarge.length > 0 && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Files bigger than any drive</MessageBarTitle>
            {plan.tooLarge.map((f) => `${f.path} (${formatBytes(f.bytes)})`).join(', ')}: no file is split across drives, so use a larger drive.
          </MessageBarBody>
        </MessageBar>
      )}
      {plan.unplacedFiles > 0 && plan.tooLarge.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>
            {plan.unplacedFiles.toLocaleString()} files ({formatBytes(plan.unplacedBytes)}) won’t fit on these drives: disk prep asks for another drive when they are full.
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
