import type { ResourceManagementClient } from '@azure/arm-resources';
import { azureError } from './azure-errors';

export type RegistrationState = 'Registered' | 'Registering' | 'NotRegistered' | 'Unregistering' | 'Unknown';

/** Resource provider registration: Microsoft.DataBox must be Registered before MARS-style offline backup. */
export class ProviderClient {
  constructor(private readonly client: ResourceManagementClient) {}

  async state(namespace: string): Promise<RegistrationState> {
    try {
      const provider = await this.client.providers.get(namespace);
      return (provider.registrationState as RegistrationState | undefined) ?? 'Unknown';
    } catch (error) {
      throw azureError(error, `reading the ${namespace} resource provider`);
    }
  }

  /** Asks Azure to register the provider; returns the state Azure reports right after. */
  async register(namespace: string): Promise<RegistrationState> {
    try {
      const provider = await this.client.providers.register(namespace);
      return (provider.registrationState as RegistrationState | undefined) ?? 'Unknown';
    } catch (error) {
      throw azureError(error, `registering the ${namespace} resource provider`);
    }
  }

  async resourceGroupExists(name: string): Promise<boolean> {
    try {
      return (await this.client.resourceGroups.checkExistence(name)).body;
    } catch (error) {
      throw azureError(error, `checking resource group ${name}`);
    }
  }
}
