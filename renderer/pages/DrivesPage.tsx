import { useEffect } from 'react';
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Switch,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular } from '@fluentui/react-icons';
import { DriveTable } from '../components/DriveTable';
import { HiddenDrivesNotice } from '../components/HiddenDrivesNotice';
import { useDrivesStore } from '../stores/drives-store';
import { useSettingsStore } from '../stores/settings-store';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '70ch' },
  toolbar: { display: 'flex', alignItems: 'center', gap: '16px', flexWrap: 'wrap' },
  stamp: { color: tokens.colorNeutralForeground3, marginLeft: 'auto' },
  empty: { padding: '24px', border: `1px dashed ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium },
});

/** The drives this computer could prepare, classified, and kept current as drives come and go. */
export function DrivesPage() {
  const styles = useStyles();
  const { list, loading, error, load } = useDrivesStore();
  const { update, saving, errors } = useSettingsStore();

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className={styles.page} aria-labelledby="drives-title">
      <Title2 as="h1" id="drives-title" className={styles.title}>Drives</Title2>
      <Text className={styles.intro}>
        Drives this computer can prepare for the Azure Import/Export service. The service takes internal SATA drives and
        2.5" SSDs of up to 10 TB. The system disk and the drive holding your staging location are never offered.
      </Text>
      <div className={styles.toolbar}>
        <Switch
          label="Show rehearsal drives (loop devices)"
          checked={list?.rehearsalDrives ?? false}
          disabled={!list || saving}
          onChange={(_e, data) => void update({ rehearsalDrives: data.checked })}
        />
        <Button icon={<ArrowClockwise20Regular />} onClick={() => void load()} disabled={loading}>
          Refresh
        </Button>
        {list && <Text className={styles.stamp}>Checked {new Date(list.scannedAt).toLocaleTimeString()}</Text>}
      </div>
      {errors.form && (
        <MessageBar intent="error">
          <MessageBarBody>{errors.form}</MessageBarBody>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t list drives</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      {!list && loading && <Spinner label="Looking for drives…" />}
      {list && (
        <Text>
          Staging location: {list.stagingPath ?? 'not set yet (the backup wizard sets it; you can also set it in Settings).'}
        </Text>
      )}
      {list && list.drives.length > 0 && <DriveTable drives={list.drives} />}
      {list && list.drives.length === 0 && (
        <div className={styles.empty}>
          <Text>
            No drives to offer. Connect an internal SATA drive
            {list.rehearsalDrives ? '.' : ', or turn on rehearsal drives to practise with a loop device.'}
          </Text>
        </div>
      )}
      {list && <HiddenDrivesNotice hidden={list.hidden} />}
    </section>
  );
}
