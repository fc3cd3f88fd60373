import { useEffect, useMemo, useState } from 'react';
import {
  Button,
  Card,
  CardHeader,
  Field,
  Input,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownload20Regular } from '@fluentui/react-icons';
import type { Datacenter } from '../../../shared/diskprep/diskprep-api';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { useDiskPrepStore } from '../../stores/diskprep-store';
import { fullPathProblem } from '../backup/field-rules';
import { RecoveryPassword } from './RecoveryPassword';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '900px' },
  address: { fontStyle: 'normal', display: 'flex', flexDirection: 'column' },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  list: { margin: 0, paddingLeft: '20px', display: 'flex', flexDirection: 'column', gap: '4px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-end', flexWrap: 'wrap' },
});

/** Import/Export deletes a job left without shipping information for two weeks (REFERENCE, job states). */
const SHIP_WITHIN_DAYS = 14;
const DEFAULT_NEXT_STEPS = [
  'Pack all drives of this job in one package, without USB enclosures.',
  'Ship it with one of the supported carriers and one tracking number; no other job may share that tracking number.',
  'Within two weeks, enter the carrier and tracking number on the job, or it may be deleted and the drives not processed.',
];

function DatacenterAddress({ datacenter }: { datacenter: Datacenter }) {
  const styles = useStyles();
  const a = datacenter.address;
  return (
    <address className={styles.address} data-testid="datacenter-address">
      <Text weight="semibold">{a.recipientName}</Text>
      <Text>{a.streetAddress1}</Text>
      {a.streetAddress2 && <Text>{a.streetAddress2}</Text>}
      <Text>
        {a.city}
        {a.stateOrProvince ? `, ${a.stateOrProvince}` : ''} {a.postalCode}
      </Text>
      <Text>{a.countryOrRegion}</Text>
      {a.phone && <Text>Phone {a.phone}</Text>}
    </address>
  );
}

/** Step 10: where to send the drives, with which carriers, what to do next; recovery passwords and the shipping record. */
export function ShipStep() {
  const styles = useStyles();
  const { result, prepared, stagingPath, jobName, record, loadPrepared, exportRecord } = useDiskPrepStore();
  const [to, setTo] = useState('');
  useEffect(() => {
    if (prepared.length === 0) void loadPrepared();
  }, [prepared.length, loadPrepared]);
  useEffect(() => {
    if (to === '' && jobName && stagingPath) setTo(`${stagingPath.replace(/[\\/]+$/, '')}/${jobName}-shipping-record.json`);
  }, [jobName, stagingPath, to]);
  const download = useMemo(() => (record ? URL.createObjectURL(new Blob([`${JSON.stringify(record, null, 2)}\n`], { type: 'application/json' })) : null), [record]);
  useEffect(() => () => {
    if (download) URL.revokeObjectURL(download);
  }, [download]);

  if (!result) return null;
  const deadline = new Date(Date.parse(result.createdAt) + SHIP_WITHIN_DAYS * 86_400_000);
  const toProblem = to === '' ? null : fullPathProblem(to, 'file to save the shipping record to');
  return (
    <div className={styles.step}>
      <MessageBar intent="success">
        <MessageBarBody>
          <MessageBarTitle>Import job {result.jobName} created</MessageBarTitle>
          {result.drives.length} drive{result.drives.length === 1 ? '' : 's'} in {result.resourceGroup}, region {result.location}; state {result.state}.
        </MessageBarBody>
      </MessageBar>
      <Card aria-label="Ship the drives to">
        <CardHeader header={<Title3 as="h3">Ship the drives to</Title3>} />
        <DatacenterAddress datacenter={result.datacenter} />
        <Text>
          Supported carriers: <span data-testid="supported-carriers">{result.datacenter.supportedCarriers.join(', ')}</span>
        </Text>
        {result.datacenter.additionalShippingInformation && <Text>{result.datacenter.additionalShippingInformation}</Text>}
      </Card>
      <Card aria-label="Next steps">
        <CardHeader header={<Title3 as="h3">Next steps</Title3>} />
        <ol className={styles.list} data-testid="next-steps">
          {(result.nextSteps.length > 0 ? result.nextSteps : DEFAULT_NEXT_STEPS).map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <Text data-testid="ship-by">
          Enter the carrier and tracking number by <strong>{deadline.toLocaleDateString()}</strong>: two weeks after the job was created.
        </Text>
      </Card>
      <Table aria-label="Drives in the import job">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Drive ID (serial)</TableHeaderCell>
            <TableHeaderCell>Data</TableHeaderCell>
            <TableHeaderCell>Manifest hash</TableHeaderCell>
            <TableHeaderCell>Recovery password</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {result.drives.map((d) => {
            const mine = prepared.find((p) => p.serial === d.driveId);
            return (
              <TableRow key={d.driveId} data-serial={d.driveId}>
                <TableCell className={styles.mono}>{d.driveId}</TableCell>
                <TableCell>{mine ? `${mine.files.toLocaleString()} files, ${formatBytes(mine.bytes)}` : '—'}</TableCell>
                <TableCell className={styles.mono}>{d.manifestHash}</TableCell>
                <TableCell>
                  <RecoveryPassword serial={d.driveId} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Card aria-label="Shipping record">
        <CardHeader header={<Title3 as="h3">Shipping record</Title3>} description="Drives, serials, manifest hashes and addresses; no recovery passwords. Keep it with the package’s paperwork." />
        <div className={styles.row}>
          <Field label="Save the shipping record to" validationMessage={toProblem ?? undefined} validationState={toProblem ? 'error' : 'none'} style={{ flexGrow: 1 }}>
            <Input value={to} onChange={(_e, d) => setTo(d.value)} />
          </Field>
          <Button icon={<ArrowDownload20Regular />} disabled={toProblem !== null} onClick={() => void exportRecord(to.trim() === '' ? undefined : to.trim())}>
            Export shipping record
          </Button>
        </div>
        {record && (
          <Text data-testid="record-saved">
            Shipping record of {record.jobName} exported {new Date(record.exportedAt).toLocaleString()}
            {to ? ` to ${to}` : ''}.{' '}
            {download && (
              <Link href={download} download={`${record.jobName}-shipping-record.json`}>
                Download a copy
              </Link>
            )}
          </Text>
        )}
      </Card>
      <StepFooter errorTitle="Something went wrong" />
    </div>
  );
}
