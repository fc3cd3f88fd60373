import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type * as RestPipeline from '@azure/core-rest-pipeline';
import type { HttpClient, HttpMethods, Pipeline } from '@azure/core-rest-pipeline';
import { defaultScope, type CloudProfile } from '../../../shared/azure/cloud-profile';
import { azureError } from './azure-errors';
import { extraCaPem } from './trusted-agent';

/** Azure's built-in "Storage Blob Data Contributor" role: write access to blobs, nothing else. */
export const STORAGE_BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const ROLE_ASSIGNMENTS_API = '2022-04-01';

export interface EntraApplication {
  objectId: string;
  appId: string;
  displayName: string;
  servicePrincipalId: string;
}

/**
 * Creates the Microsoft Entra application that gives Azure Backup scoped access to the import
 * (REFERENCE: "the workflow creates a Microsoft Entra application"), its service principal, and a
 * role assignment limited to the one storage account.
 */
export class EntraAppClient {
  private clients: Promise<{ graph: Pipeline; arm: Pipeline; http: HttpClient; rest: typeof RestPipeline }> | null = null;

  constructor(
    private readonly profile: CloudProfile,
    private readonly graphCredential: TokenCredential,
    private readonly armCredential: TokenCredential,
  ) {}

  /** The pipelines, built on first use: the REST library costs ~0.1 s to load, which a backup never needs. */
  private pipelines() {
    this.clients ??= import('@azure/core-rest-pipeline').then((rest) => ({
      rest,
      graph: pipelineFor(rest, this.profile, this.graphCredential, this.profile.graphAudience),
      arm: pipelineFor(rest, this.profile, this.armCredential, this.profile.armAudience),
      http: rest.createDefaultHttpClient(),
    }));
    return this.clients;
  }

  async createApplication(displayName: string): Promise<EntraApplication> {
    const app = await this.send<{ id: string; appId: string; displayName: string }>('graph', 'POST', `${this.profile.graphEndpoint}/v1.0/applications`, { displayName, signInAudience: 'AzureADMyOrg' }, `creating the Entra application ${displayName}`);
    const sp = await this.send<{ id: string }>('graph', 'POST', `${this.profile.graphEndpoint}/v1.0/servicePrincipals`, { appId: app.appId }, `creating the service principal of ${displayName}`);
    return { objectId: app.id, appId: app.appId, displayName: app.displayName, servicePrincipalId: sp.id };
  }

  /** Grants the service principal blob-data access on exactly one storage account. */
  async grantBlobAccess(storageAccountId: string, principalId: string): Promise<string> {
    const subscriptionId = /^\/subscriptions\/([^/]+)\//i.exec(storageAccountId)?.[1];
    if (!subscriptionId) throw azureError({ statusCode: 400, message: `"${storageAccountId}" is not a storage account id` }, 'granting blob access');
    const assignmentId = randomUUID();
    const url = `${this.profile.armEndpoint}${storageAccountId}/providers/Microsoft.Authorization/roleAssignments/${assignmentId}?api-version=${ROLE_ASSIGNMENTS_API}`;
    await this.send('arm', 'PUT', url, {
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_CONTRIBUTOR}`,
        principalId,
        principalType: 'ServicePrincipal',
      },
    }, 'granting the Entra application access to the storage account');
    return assignmentId;
  }

  private async send<T>(which: 'graph' | 'arm', method: HttpMethods, url: string, body: unknown, doing: string): Promise<T> {
    const { rest, http, ...pipelines } = await this.pipelines();
    const request = rest.createPipelineRequest({ url, method, headers: rest.createHttpHeaders({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
    let response;
    try {
      response = await pipelines[which].sendRequest(http, request);
    } catch (error) {
      throw azureError(error, doing);
    }
    const parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : {};
    if (response.status >= 400) throw azureError({ statusCode: response.status, details: parsed }, doing);
    return parsed as T;
  }
}

function pipelineFor(rest: typeof RestPipeline, profile: CloudProfile, credential: TokenCredential, audience: string): Pipeline {
  const ca = extraCaPem(profile);
  const pipeline = rest.createPipelineFromOptions({ ...(ca ? { tlsOptions: { ca } } : {}), userAgentOptions: { userAgentPrefix: 'Seedship' } });
  pipeline.addPolicy(rest.bearerTokenAuthenticationPolicy({ credential, scopes: defaultScope(audience) }));
  return pipeline;
}
