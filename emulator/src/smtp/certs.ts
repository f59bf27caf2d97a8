// STARTTLS certificate: a CA generated at startup signs a server certificate for 127.0.0.1,
// ::1, localhost and smtp.office365.com, so clients verify TLS properly by trusting only caPem.
// Generated once per process (RSA keygen is the slowest part of starting an emulator).
import { generate } from 'selfsigned';

export interface SmtpCerts {
  caPem: string;
  key: string;
  cert: string;
}

let cached: Promise<SmtpCerts> | null = null;

async function create(): Promise<SmtpCerts> {
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  const notAfterDate = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'Baitwise Microsoft 365 Emulator CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'smtp.office365.com' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: 'smtp.office365.com' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, key: leaf.private, cert: leaf.cert };
}

export function smtpCerts(): Promise<SmtpCerts> {
  cached ??= create().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}
