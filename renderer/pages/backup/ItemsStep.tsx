import { useState } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text } from '@fluentui/react-components';
import { DataUsage20Regular } from '@fluentui/react-icons';
import type { Estimate } from '../../../shared/api/contract';
import { exclusionProblem } from '../../../shared/backup/exclusions';
import type { Plan } from '../../../shared/backup/plan';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { AddableList } from '../../components/AddableList';
import { api } from '../../api';
import { errorText } from '../../stores/error-text';
import { usePlanStore } from '../../stores/plan-store';
import { sourceProblem } from './field-rules';
import { useAutosave } from './use-autosave';
import { WizardFooter } from './WizardFooter';
import { nextStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '20px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
  row: { display: 'flex', gap: '12px', alignItems: 'center' },
});

const uniqueProblem = (kind: 'pattern' | 'fileType') => (value: string, items: string[]) =>
  exclusionProblem(kind, value) ?? (items.includes(value.trim()) ? `"${value.trim()}" is already excluded.` : null);

/** Step 1: the folders to back up, what to leave out, and how big that is. */
export function ItemsStep({ plan }: { plan: Plan }) {
  const styles = useStyles();
  const goTo = usePlanStore((s) => s.goTo);
  const [sources, setSources] = useState(plan.sources);
  const [patterns, setPatterns] = useState(plan.exclusions.patterns);
  const [fileTypes, setFileTypes] = useState(plan.exclusions.fileTypes);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [estimating, setEstimating] = useState(false);
  const [estimateError, setEstimateError] = useState<string | null>(null);
  const patch = { sources, exclusions: { patterns, fileTypes } };
  useAutosave(patch);

  const runEstimate = async () => {
    setEstimating(true);
    setEstimateError(null);
    try {
      setEstimate(await api.plan.estimate({ sources, exclusions: { patterns, fileTypes } }));
    } catch (error) {
      setEstimateError(errorText(error));
    } finally {
      setEstimating(false);
    }
  };

  return (
    <div className={styles.step}>
      <Text>Choose the folders to back up. Seedship reads them from this computer; the host has no file picker, so type each full path.</Text>
      <AddableList
        label="Folder to back up"
        listLabel="Chosen folders"
        placeholder="/home/operator/documents"
        addText="Add folder"
        emptyText="No folders yet."
        items={sources}
        problem={sourceProblem}
        onChange={(items) => {
          setSources(items);
          setEstimate(null);
        }}
      />
      <AddableList
        label="Exclusion pattern"
        listLabel="Excluded patterns"
        hint="* stays within a folder, ** crosses folders: *.tmp, **/node_modules, /home/operator/cache/**"
        placeholder="**/node_modules"
        addText="Add pattern"
        emptyText="No patterns excluded."
        items={patterns}
        problem={uniqueProblem('pattern')}
        onChange={(items) => {
          setPatterns(items);
          setEstimate(null);
        }}
      />
      <AddableList
        label="File type to exclude"
        listLabel="Excluded file types"
        placeholder=".iso"
        addText="Add file type"
        emptyText="No file types excluded."
        items={fileTypes}
        problem={uniqueProblem('fileType')}
        onChange={(items) => {
          setFileTypes(items);
          setEstimate(null);
        }}
      />
      <div className={styles.row}>
        <Button icon={<DataUsage20Regular />} disabled={sources.length === 0 || estimating} onClick={() => void runEstimate()}>
          Estimate size
        </Button>
        {estimating && <Spinner size="tiny" label="Counting files…" />}
      </div>
      {estimateError && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Couldn’t estimate the size</MessageBarTitle>
            {estimateError}
          </MessageBarBody>
        </MessageBar>
      )}
      {estimate && <EstimateFacts estimate={estimate} />}
      <WizardFooter
        nextDisabled={sources.length === 0}
        onNext={() => void goTo(nextStep(1, plan), patch)}
      />
    </div>
  );
}

function EstimateFacts({ estimate }: { estimate: Estimate }) {
  const styles = useStyles();
  return (
    <section aria-label="Estimate">
      <div className={styles.facts}>
        <Text weight="semibold">Files</Text>
        <Text data-testid="estimate-files">{estimate.files.toLocaleString()} in {estimate.folders.toLocaleString()} folders</Text>
        <Text weight="semibold">Size</Text>
        <Text data-testid="estimate-bytes">{formatBytes(estimate.bytes)}</Text>
        <Text weight="semibold">Excluded</Text>
        <Text data-testid="estimate-excluded">{estimate.excluded.toLocaleString()} items</Text>
        <Text weight="semibold">Staging needs</Text>
        <Text>about {formatBytes(estimate.stagingBytesNeeded)} (the full size plus 5% for metadata)</Text>
      </div>
      {estimate.problems.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Can’t read everything</MessageBarTitle>
            <ul aria-label="Estimate problems">
              {estimate.problems.map((p) => (
                <li key={p.path}>
                  {p.path}: {p.reason}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
    </section>
  );
}
