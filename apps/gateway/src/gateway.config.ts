import { EnvPort, ServiceConfig } from '@sentimentops/config';
import { IsDefined, IsOptional, IsString, Matches, MinLength, ValidateIf } from 'class-validator';

/**
 * Admin tokens are named: the name is the actor recorded in audit events. Give them as
 * SENTIMENTOPS_ADMIN_TOKENS="alice:<token>,ci:<token>", or one token as SENTIMENTOPS_ADMIN_TOKEN
 * (named by SENTIMENTOPS_ADMIN_TOKEN_NAME, default "admin").
 */
export class GatewayConfig extends ServiceConfig {
  readonly appName = 'gateway';
  get httpPort() {
    return this.GATEWAY_HTTP_PORT;
  }

  @EnvPort()
  GATEWAY_HTTP_PORT = 8080;

  @ValidateIf(
    (c: GatewayConfig) => !c.SENTIMENTOPS_ADMIN_TOKEN || c.SENTIMENTOPS_ADMIN_TOKENS !== undefined,
  )
  @IsDefined({
    message: 'is required unless SENTIMENTOPS_ADMIN_TOKEN is set: the admin API needs a token',
  })
  @Matches(
    /^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_\-+/=.~]{16,}(,[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_\-+/=.~]{16,})*$/,
    {
      message: 'must be "name:token" pairs separated by commas; tokens of at least 16 characters',
    },
  )
  SENTIMENTOPS_ADMIN_TOKENS?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  SENTIMENTOPS_ADMIN_TOKEN?: string;

  @Matches(/^[A-Za-z0-9_.-]{1,64}$/)
  SENTIMENTOPS_ADMIN_TOKEN_NAME = 'admin';

  /** Every configured admin token by name. Validation guarantees the format. */
  adminTokens(): Map<string, string> {
    const tokens = new Map<string, string>();
    for (const pair of this.SENTIMENTOPS_ADMIN_TOKENS?.split(',') ?? []) {
      const i = pair.indexOf(':');
      tokens.set(pair.slice(0, i), pair.slice(i + 1));
    }
    if (this.SENTIMENTOPS_ADMIN_TOKEN)
      tokens.set(this.SENTIMENTOPS_ADMIN_TOKEN_NAME, this.SENTIMENTOPS_ADMIN_TOKEN);
    return tokens;
  }
}
