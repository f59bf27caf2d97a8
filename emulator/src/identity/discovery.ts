// OpenID configuration and JWKS per tenant (MICROSOFT.md §1.9). A domain in the path still
// yields the GUID issuer, which is what makes openid-client's strict issuer check fail unless the
// caller discovers with the GUID — exactly like the real service.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { now, resolveTenant } from './common.js';
import { buildError, errorJson } from './errors.js';

export function registerDiscovery(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const segment = (req.params as { tenant: string }).tenant;
    const lookup = resolveTenant(ctx, segment);
    const base = ctx.urls.authority;
    if ('multi' in lookup) {
      // Multi-tenant documents carry the literal {tenantid} template, as Entra's do.
      return reply.send(document(base, segment, `${base}/{tenantid}/v2.0`));
    }
    if ('code' in lookup) {
      const e = buildError(lookup.code, { tenant: segment }, now(ctx));
      return reply.code(400).send(errorJson(e, { error: 'invalid_tenant' }));
    }
    const tid = lookup.tenant.id;
    return reply.send(document(base, tid, ctx.issuer(tid)));
  });

  app.get('/:tenant/discovery/v2.0/keys', async (_req, reply) => {
    const jwk = ctx.signer.jwk;
    return reply.send({
      keys: [
        {
          kty: jwk.kty,
          use: 'sig',
          kid: jwk.kid,
          x5t: jwk.kid,
          n: jwk.n,
          e: jwk.e,
          alg: 'RS256',
          issuer: `${ctx.urls.authority}/{tenantid}/v2.0`,
        },
      ],
    });
  });
}

/**
 * Entra's document, minus what the emulator does not serve: no device_authorization_endpoint
 * (the device-code flow is not emulated, and a client must not be told it exists).
 */
function document(base: string, tenantSegment: string, issuer: string): Record<string, unknown> {
  const t = `${base}/${tenantSegment}`;
  return {
    token_endpoint: `${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${t}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}
