import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { DatacenterJob, DriveReport } from '../resource-manager/importexport/datacenter-desk';

/**
 * The datacenter's line to the running local cloud: its rehearsal admin API (`/admin/datacenter/*`),
 * found through `<dataDir>/profile.json`, authenticated with the admin key, over TLS with the cloud's CA.
 */
export class DeskClient {
  private constructor(
    private readonly adminEndpoint: string,
    private readonly adminKey: string,
    private readonly ca: string,
  ) {}

  static forDataDir(dataDir: string): DeskClient {
    const path = join(dataDir, 'profile.json');
    if (!existsSync(path)) throw new Error(`No local cloud has run in ${dataDir} (no profile.json): start it first.`);
    const profile = JSON.parse(readFileSync(path, 'utf8')) as { adminEndpoint?: string; adminKeyPath?: string; caCertificatePath?: string };
    if (!profile.adminEndpoint || !profile.adminKeyPath || !profile.caCertificatePath) throw new Error(`${path} names no admin endpoint.`);
    return new DeskClient(profile.adminEndpoint, readFileSync(profile.adminKeyPath, 'utf8').trim(), readFileSync(profile.caCertificatePath, 'utf8'));
  }

  /** The cloud's business clock: log names and times follow it, as the rest of the cloud does. */
  async now(): Promise<Date> {
    const { now } = await this.call<{ now: string }>('GET', '/clock');
    return new Date(now);
  }

  /** The one job of that name (narrowed by resource group when several share it). */
  async findJob(name: string, resourceGroup?: string): Promise<DatacenterJob> {
    const { value } = await this.call<{ value: DatacenterJob[] }>('GET', `/datacenter/jobs?name=${encodeURIComponent(name)}`);
    const matches = resourceGroup ? value.filter((j) => j.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()) : value;
    if (matches.length === 0) throw new Error(`The local cloud has no import job named ${name}${resourceGroup ? ` in ${resourceGroup}` : ''}.`);
    if (matches.length > 1) throw new Error(`Several jobs are named ${name} (in ${matches.map((j) => j.resourceGroup).join(', ')}): say which with --resource-group.`);
    return matches[0] as DatacenterJob;
  }

  packageReceived(job: DatacenterJob, driveIds: string[]): Promise<DatacenterJob> {
    return this.call('POST', `${jobPath(job)}/package-received`, { driveIds });
  }

  progress(job: DatacenterJob, report: { state?: string; drives?: DriveReport[] }): Promise<DatacenterJob> {
    return this.call('POST', `${jobPath(job)}/progress`, report);
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.adminEndpoint}${path}`,
        {
          method,
          ca: this.ca,
          headers: { 'x-localcloud-admin-key': this.adminKey, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = {};
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              // keep the raw text for the message below
            }
            if ((res.statusCode ?? 500) >= 400) reject(new Error((parsed as { error?: { message?: string } }).error?.message ?? `${res.statusCode}: ${text}`));
            else resolve(parsed as T);
          });
        },
      );
      req.on('error', (error) => reject(new Error(`The local cloud isn't answering at ${this.adminEndpoint}: ${error.message}. Is it running?`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}

const jobPath = (job: DatacenterJob) => `/datacenter/jobs/${encodeURIComponent(job.subscriptionId)}/${encodeURIComponent(job.resourceGroup)}/${encodeURIComponent(job.name)}`;
