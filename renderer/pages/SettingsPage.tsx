import { useEffect, useState } from 'react';
import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Switch, Text, Title2, Title3 } from '@fluentui/react-components';
import { useSettingsStore } from '../stores/settings-store';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-end' },
  grow: { flexGrow: 1 },
  about: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
});

export function SettingsPage() {
  const styles = useStyles();
  const { settings, info, errors, saving, load, update } = useSettingsStore();
  const [staging, setStaging] = useState('');

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    setStaging(settings?.stagingPath ?? '');
  }, [settings?.stagingPath]);

  return (
    <section className={styles.page} aria-labelledby="settings-title">
      <Title2 as="h1" id="settings-title" className={styles.title}>Settings</Title2>
      {errors.form && (
        <MessageBar intent="error">
          <MessageBarBody>{errors.form}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.row}>
        <Field
          className={styles.grow}
          label="Staging location"
          hint="The folder Back Up Now writes the initial backup to. Its drive is never offered for disk prep."
          validationMessage={errors.stagingPath}
          validationState={errors.stagingPath ? 'error' : 'none'}
        >
          <Input value={staging} onChange={(_e, d) => setStaging(d.value)} placeholder="/srv/seedship-staging" />
        </Field>
        <Button appearance="primary" disabled={saving} onClick={() => void update({ stagingPath: staging.trim() === '' ? null : staging.trim() })}>
          Save
        </Button>
      </div>
      <Switch
        label="Show rehearsal drives (loop devices backed by files)"
        checked={settings?.rehearsalDrives ?? false}
        disabled={!settings || saving}
        onChange={(_e, d) => void update({ rehearsalDrives: d.checked })}
      />
      {info && (
        <>
          <Title3 as="h2">About</Title3>
          <div className={styles.about}>
            <Text weight="semibold">Version</Text>
            <Text>{info.version}</Text>
            <Text weight="semibold">Running as</Text>
            <Text>{info.transport === 'electron' ? 'Desktop app' : 'Headless host (in your browser)'}</Text>
            <Text weight="semibold">Platform</Text>
            <Text>{info.platform}</Text>
            <Text weight="semibold">Data folder</Text>
            <Text>{info.dataDir}</Text>
          </div>
        </>
      )}
    </section>
  );
}
