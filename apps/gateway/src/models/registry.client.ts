import { Injectable } from '@nestjs/common';
import {
  registryContracts,
  type DatasetLineageReply,
  type ListAliasesReply,
  type ListVersionsReply,
  type ModelVersionDetail,
  type RegisterVersionReply,
  type RegisterVersionRequest,
  type RequestContract,
  type SetAliasReply,
  type SetAliasRequest,
  type VersionLineageReply,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { GatewayConfig } from '../gateway.config.js';

/**
 * The registry over NATS request/reply (`registryContracts`), for the admin API. Its refusals
 * (404, 409, 422, the promotion gate's 400) arrive as RemoteCallError with the registry's code,
 * message and details, which the exception filter renders as they are; a registry that does not
 * answer is 503 (no responders) or 504 (nothing within GATEWAY_REGISTRY_TIMEOUT_MS).
 *
 * Nothing is retried, unlike predictions: after a lost reply, a retried alias change would come
 * back as a 409 for a change that was in fact made. The caller sees the timeout and reads again.
 */
@Injectable()
export class RegistryClient {
  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
  ) {}

  listVersions(modelName: string): Promise<ListVersionsReply> {
    return this.call(registryContracts.listVersions, { modelName });
  }

  getVersion(modelName: string, version: string): Promise<ModelVersionDetail> {
    return this.call(registryContracts.getVersion, { modelName, version });
  }

  versionLineage(modelName: string, version: string): Promise<VersionLineageReply> {
    return this.call(registryContracts.versionLineage, { modelName, version });
  }

  registerVersion(request: RegisterVersionRequest): Promise<RegisterVersionReply> {
    return this.call(registryContracts.registerVersion, request);
  }

  datasetLineage(contentSha256: string): Promise<DatasetLineageReply> {
    return this.call(registryContracts.datasetLineage, { contentSha256 });
  }

  listAliases(modelName: string): Promise<ListAliasesReply> {
    return this.call(registryContracts.listAliases, { modelName });
  }

  setAlias(request: SetAliasRequest): Promise<SetAliasReply> {
    return this.call(registryContracts.setAlias, request);
  }

  private call<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
  ): Promise<Res> {
    return this.requester.request(contract, payload, this.config.GATEWAY_REGISTRY_TIMEOUT_MS);
  }
}
