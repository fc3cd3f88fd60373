import { useState } from 'react';
import { Field, makeStyles, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import type { InitialBackupType, Plan } from '../../../shared/backup/plan';
import { usePlanStore } from '../../stores/plan-store';
import { useAutosave } from './use-autosave';
import { WizardFooter } from './WizardFooter';
import { nextStep, previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
  note: { color: tokens.colorNeutralForeground3, marginLeft: '32px' },
});

/** Step 4: how the first full backup reaches Azure (MARS's "Choose Initial Backup Type"). */
export function InitialBackupStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const [choice, setChoice] = useState<InitialBackupType | null>(plan.initialBackup);
  useAutosave(choice ? { initialBackup: choice } : null);
  // Steps 5 and 6 depend on the choice, so the next step is worked out with it.
  const withChoice: Plan = { ...plan, initialBackup: choice };
  return (
    <div className={styles.step}>
      <Text>
        The first backup is a full copy. Over a thin link it can take weeks; instead you can write it to a staging location, copy
        it to your own disks, and ship them to an Azure datacenter. Later backups are incremental, over the network.
      </Text>
      <Field label="Initial backup type" required>
        <RadioGroup value={choice ?? ''} onChange={(_e, d) => setChoice(d.value as InitialBackupType)}>
          <Radio value="network" label="Over the network" />
          <Radio value="own-disks" label="Transfer using my own disks" />
          <Radio value="data-box" label="Transfer using Azure Data Box" disabled />
        </RadioGroup>
      </Field>
      <Text className={styles.note} id="data-box-note">
        Azure Data Box (Microsoft ships you a device) comes in a later version of Seedship.
      </Text>
      <WizardFooter
        onBack={() => void goTo(previousStep(4, plan), choice ? { initialBackup: choice } : {})}
        nextDisabled={choice === null || choice === 'data-box'}
        onNext={() => choice && void goTo(nextStep(4, withChoice), { initialBackup: choice })}
      />
    </div>
  );
}
