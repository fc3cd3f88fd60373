import { useEffect } from 'react';
import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { chosenJob, useDiskPrepStore } from '../../stores/diskprep-store';
import { JobFacts } from './JobFacts';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '860px' },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
});

/** Step 8: the prepared drives and where the import goes: storage account, resource group, region. */
export function SummaryStep() {
  const styles = useStyles();
  const state = useDiskPrepStore();
  const { prepared, loadPrepared, goTo } = state;
  const job = chosenJob(state);
  useEffect(() => {
    void loadPrepared();
  }, [loadPrepared]);
  return (
    <div className={styles.step}>
      <Text>
        {prepared.length} drive{prepared.length === 1 ? '' : 's'} prepared, encrypted and verified against {prepared.length === 1 ? 'its' : 'their'} manifest.
      </Text>
      <Table aria-label="Prepared drives">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>#</TableHeaderCell>
            <TableHeaderCell>Serial</TableHeaderCell>
            <TableHeaderCell>Size</TableHeaderCell>
            <TableHeaderCell>Files</TableHeaderCell>
            <TableHeaderCell>Data</TableHeaderCell>
            <TableHeaderCell>Manifest hash</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {prepared.map((d) => (
            <TableRow key={d.serial} data-serial={d.serial}>
              <TableCell>{d.index}</TableCell>
              <TableCell className={styles.mono}>{d.serial}</TableCell>
              <TableCell>{formatBytes(d.sizeBytes)}</TableCell>
              <TableCell>{d.files.toLocaleString()}</TableCell>
              <TableCell>{formatBytes(d.bytes)}</TableCell>
              <TableCell className={styles.mono}>{d.manifestHash}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {job && <JobFacts job={job} />}
      <StepFooter nextText="Enter shipping details" nextDisabled={prepared.length === 0 || Boolean(job?.importJobCreatedAt)} onNext={() => goTo('shipping')} />
    </div>
  );
}
