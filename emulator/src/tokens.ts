// Signing keys and JWTs. Identity mints id_tokens and access tokens here; Graph and SMTP verify
// access tokens here (signature, audience, expiry). One RSA key pair per emulator instance,
// published per tenant at /{tenant}/discovery/v2.0/keys.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, jwtVerify, type KeyObject, SignJWT } from 'jose';
import type { GRAPH_APP_ID, OUTLOOK_RESOURCE } from './model.js';

export interface AccessTokenClaims {
  aud: string; // GRAPH_APP_ID for Graph, OUTLOOK_RESOURCE for SMTP.Send
  iss: string;
  tid: string;
  oid: string;
  upn: string;
  appid: string;
  scp: string; // space-separated bare scope names (User.Read Mail.Send / SMTP.Send)
  exp: number;
  iat: number;
}

export class TokenSigner {
  private constructor(
    private readonly privateKey: KeyObject | CryptoKey,
    private readonly publicKey: KeyObject | CryptoKey,
    readonly kid: string,
    readonly jwk: JWK,
  ) {}

  static async create(): Promise<TokenSigner> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID().replaceAll('-', '').slice(0, 27);
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    return new TokenSigner(privateKey, publicKey, kid, jwk);
  }

  async sign(claims: Record<string, unknown>, lifetimeSeconds: number, nowMs: number): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(this.privateKey);
  }

  /**
   * Verify an access token minted by this emulator. Returns null for anything that is not a
   * valid, unexpired token for the given audience (callers answer 401 / 535).
   */
  async verifyAccessToken(
    token: string,
    audience: typeof GRAPH_APP_ID | typeof OUTLOOK_RESOURCE,
    nowMs: number,
  ): Promise<{ claims: AccessTokenClaims; scopes: Set<string> } | { error: 'expired' | 'invalid' | 'audience' }> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        currentDate: new Date(nowMs),
        algorithms: ['RS256'],
      });
      if (payload.aud !== audience) return { error: 'audience' };
      const claims = payload as unknown as AccessTokenClaims;
      const scopes = new Set(
        String(claims.scp ?? '')
          .split(' ')
          .filter(Boolean)
          .map((s) => s.toLowerCase()),
      );
      return { claims, scopes };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { error: code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' };
    }
  }
}
