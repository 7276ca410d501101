// The gateway's admin bearer token for the local stack. SENTIMENTOPS_ADMIN_TOKEN wins; otherwise
// one is generated on first `up` into <state>/admin-token (mode 0600), where the CLI reads it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** { name, token, source } where source says where the token came from (for the summary). */
export function adminToken(config) {
  const name = config.adminTokenName;
  if (config.adminTokenFromEnv) {
    return { name, token: config.adminTokenFromEnv, source: 'SENTIMENTOPS_ADMIN_TOKEN' };
  }
  const file = config.adminTokenFile;
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (existing) return { name, token: existing, source: file };

  const token = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // writeFile's mode only applies to a new file
  return { name, token, source: file };
}
