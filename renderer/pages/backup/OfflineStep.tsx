import { useEffect, useState } from 'react';
import { Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import type { FieldProblem } from '../../../shared/api/contract';
import {
  containerNameProblem,
  importJobNameProblem,
  stagingLocationProblem,
  storageAccountNameProblem,
  subscriptionIdProblem,
} from '../../../shared/azure/naming-rules';
import type { OfflineDetails, Plan } from '../../../shared/backup/plan';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { api } from '../../api';
import { errorText } from '../../stores/error-text';
import { usePlanStore } from '../../stores/plan-store';
import { useAutosave } from './use-autosave';
import { WizardFooter } from './WizardFooter';
import { nextStep, previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
});

type Key = keyof OfflineDetails;

/** MARS's labels for the offline-backup fields, each with its Azure naming rule. */
export const OFFLINE_FIELDS: { key: Key; label: string; hint: string; placeholder: string; rule: (value: string) => string | null }[] = [
  {
    key: 'stagingPath',
    label: 'Staging Location',
    hint: 'Where Back Up Now writes the initial backup: a local folder or a network share the copy computer can reach.',
    placeholder: '/srv/seedship-staging',
    rule: stagingLocationProblem,
  },
  {
    key: 'storageAccount',
    label: 'Azure Resource Manager Storage Account',
    hint: 'A general-purpose (v1 or v2) storage account: the import lands there first.',
    placeholder: 'contosobackup',
    rule: storageAccountNameProblem,
  },
  { key: 'container', label: 'Azure Storage Container', hint: 'Created in the storage account if it isn’t there.', placeholder: 'seedship-import', rule: containerNameProblem },
  { key: 'subscriptionId', label: 'Azure Subscription ID', hint: 'The subscription of the storage account.', placeholder: '00000000-0000-0000-0000-000000000000', rule: subscriptionIdProblem },
  { key: 'jobName', label: 'Azure Import Job Name', hint: 'Unique in the subscription; disk prep asks for it.', placeholder: 'seedship-initial', rule: importJobNameProblem },
];

const EMPTY: OfflineDetails = { stagingPath: '', storageAccount: '', container: '', subscriptionId: '', jobName: '' };

interface StagingState {
  path: string;
  problems: FieldProblem[];
  freeBytes: number | null;
}

/** Step 5: the details of a transfer on the operator's own disks, checked as they are typed. */
export function OfflineStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const [values, setValues] = useState<OfflineDetails>(plan.offline ?? EMPTY);
  const [staging, setStaging] = useState<StagingState | null>(null);
  const [stagingError, setStagingError] = useState<string | null>(null);

  const ruleProblems = Object.fromEntries(OFFLINE_FIELDS.map((f) => [f.key, values[f.key] === '' ? null : f.rule(values[f.key])])) as Record<Key, string | null>;
  const allValid = OFFLINE_FIELDS.every((f) => f.rule(values[f.key]) === null);
  useAutosave(allValid ? { offline: values } : null);

  // The staging location is checked on this computer (exists, writable, free space) once its rule passes.
  const stagingPath = values.stagingPath;
  const stagingRuleOk = stagingLocationProblem(stagingPath) === null;
  useEffect(() => {
    if (!stagingRuleOk) return;
    let current = true;
    const timer = setTimeout(() => {
      api.plan
        .checkStaging({ stagingPath })
        .then((result) => {
          if (!current) return;
          setStaging({ path: stagingPath, ...result });
          setStagingError(null);
        })
        .catch((error: unknown) => {
          if (current) setStagingError(errorText(error));
        });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [stagingPath, stagingRuleOk]);

  const checked = staging !== null && staging.path === stagingPath;
  const serviceProblems = checked ? staging.problems : [];
  const fieldKeys = new Set<string>(OFFLINE_FIELDS.map((f) => f.key));
  const message = (key: Key): string | null => {
    const rule = ruleProblems[key];
    if (rule) return rule;
    const fromService = serviceProblems.filter((p) => p.field === key || (key === 'stagingPath' && !fieldKeys.has(p.field)));
    return fromService.length > 0 ? fromService.map((p) => p.message).join(' ') : null;
  };
  const ready = allValid && checked && serviceProblems.length === 0;

  return (
    <div className={styles.step}>
      <Text>
        Keep the Staging Location and the Import Job Name: the disk preparation needs both, possibly on another computer.
      </Text>
      {OFFLINE_FIELDS.map((f) => {
        const problem = message(f.key);
        const free = f.key === 'stagingPath' && checked && !problem && staging.freeBytes !== null ? ` ${formatBytes(staging.freeBytes)} free there.` : '';
        return (
          <Field
            key={f.key}
            label={f.label}
            required
            hint={`${f.hint}${free}`}
            validationMessage={problem ?? undefined}
            validationState={problem ? 'error' : 'none'}
          >
            <Input value={values[f.key]} placeholder={f.placeholder} onChange={(_e, d) => setValues({ ...values, [f.key]: d.value })} />
          </Field>
        );
      })}
      {stagingError && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t check the Staging Location</MessageBarTitle>
            {stagingError}
          </MessageBarBody>
        </MessageBar>
      )}
      <WizardFooter
        onBack={() => void goTo(previousStep(5, plan), allValid ? { offline: values } : {})}
        nextDisabled={!ready}
        onNext={() => void goTo(nextStep(5, plan), { offline: values })}
      />
    </div>
  );
}
