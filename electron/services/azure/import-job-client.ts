import type {
  DriveBitLockerKey,
  JobResponse,
  Location,
  PutJobParameters,
  StorageImportExport,
  UpdateJobParameters,
} from '@azure/arm-storageimportexport';
import { azureError } from './azure-errors';

/** Import/Export jobs and datacenter locations of one subscription, with Azure's errors in plain words. */
export class ImportJobClient {
  constructor(private readonly client: StorageImportExport) {}

  async list(resourceGroup?: string): Promise<JobResponse[]> {
    try {
      const pages = resourceGroup ? this.client.jobs.listByResourceGroup(resourceGroup) : this.client.jobs.listBySubscription();
      const jobs: JobResponse[] = [];
      for await (const job of pages) jobs.push(job);
      return jobs;
    } catch (error) {
      throw azureError(error, 'listing import jobs');
    }
  }

  async get(resourceGroup: string, jobName: string): Promise<JobResponse> {
    try {
      return await this.client.jobs.get(jobName, resourceGroup);
    } catch (error) {
      throw azureError(error, `reading import job ${jobName}`);
    }
  }

  /** Whether a job of that name exists in the resource group (the wizard checks the name is free). */
  async exists(resourceGroup: string, jobName: string): Promise<boolean> {
    try {
      await this.client.jobs.get(jobName, resourceGroup);
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw azureError(error, `checking import job ${jobName}`);
    }
  }

  async create(resourceGroup: string, jobName: string, body: PutJobParameters): Promise<JobResponse> {
    try {
      return await this.client.jobs.create(jobName, resourceGroup, body);
    } catch (error) {
      throw azureError(error, `creating import job ${jobName}`);
    }
  }

  async update(resourceGroup: string, jobName: string, body: UpdateJobParameters): Promise<JobResponse> {
    try {
      return await this.client.jobs.update(jobName, resourceGroup, body);
    } catch (error) {
      throw azureError(error, `updating import job ${jobName}`);
    }
  }

  async delete(resourceGroup: string, jobName: string): Promise<void> {
    try {
      await this.client.jobs.delete(jobName, resourceGroup);
    } catch (error) {
      throw azureError(error, `deleting import job ${jobName}`);
    }
  }

  async bitLockerKeys(resourceGroup: string, jobName: string): Promise<DriveBitLockerKey[]> {
    try {
      const keys: DriveBitLockerKey[] = [];
      for await (const key of this.client.bitLockerKeys.list(jobName, resourceGroup)) keys.push(key);
      return keys;
    } catch (error) {
      throw azureError(error, `reading the BitLocker keys of ${jobName}`);
    }
  }

  async locations(): Promise<Location[]> {
    try {
      const all: Location[] = [];
      for await (const location of this.client.locations.list()) all.push(location);
      return all;
    } catch (error) {
      throw azureError(error, 'listing Import/Export locations');
    }
  }

  async location(name: string): Promise<Location> {
    try {
      return await this.client.locations.get(name);
    } catch (error) {
      throw azureError(error, `reading Import/Export location ${name}`);
    }
  }
}
